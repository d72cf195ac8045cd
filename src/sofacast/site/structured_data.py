"""schema.org JSON-LD for the site's pages: the show as a PodcastSeries, each episode as a PodcastEpisode
with its questions as Clips (start and end offsets and a `#t=` URL), so search engines can show key moments.

Plain dicts; the template writes them with Jinja2's `tojson`, which escapes `<`, `>`, `&` and `'` so that
no text can close the script element.
"""

from __future__ import annotations

from typing import Any

from sofacast.site.pages import EpisodePage, SitePages


def duration(seconds: float) -> str:
    """ISO 8601: PT1H2M3S."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes or hours else "") + f"{secs}S"


def series(pages: SitePages) -> dict[str, Any]:
    show = pages.show
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "PodcastSeries", "name": show.title,
                            "description": show.description, "inLanguage": show.language, "webFeed": pages.feed_url}
    if pages.artwork_url:
        data["image"] = pages.artwork_url
    if show.hosts:
        data["author"] = [{"@type": "Person", "name": name} for name in show.hosts]
    return data


def episode(pages: SitePages, page: EpisodePage) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "PodcastEpisode", "name": page.title, "datePublished": page.published,
        "description": page.description, "timeRequired": duration(page.duration),
        "partOfSeries": {"@type": "PodcastSeries", "name": pages.show.title, "webFeed": pages.feed_url},
        "actor": [{"@type": "Person", "name": person.name, "roleName": person.role} for person in page.people],
    }
    if page.number is not None:
        data["episodeNumber"] = page.number
    if page.audio is not None:
        data["associatedMedia"] = {"@type": "MediaObject", "contentUrl": page.audio.name}
    ends = [c.start for c in page.chapters[1:]] + [page.duration]
    data["hasPart"] = [{"@type": "Clip", "name": chapter.title, "startOffset": round(chapter.start),
                        "endOffset": round(end), "url": f"#t={int(chapter.start)}"}
                       for chapter, end in zip(page.chapters, ends, strict=True)]
    return data
