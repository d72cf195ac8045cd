"""The website's settings: sofacast.toml's [site] table and the people's photo files, checked and resolved."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sofacast.feed.settings import workspace_file
from sofacast.records import Show
from sofacast.sanitize import plain_text, safe_url


@dataclass(frozen=True)
class SiteSettings:
    enabled: bool = False  # publish refreshes the site
    video: bool = False  # offer the source video (click to load) on episode pages
    subscribe: list[tuple[str, str]] = field(default_factory=list)  # (directory, the show's page there), in order
    photos: dict[str, Path] = field(default_factory=dict)  # person's name -> their photo file in the workspace


def site_settings(show: Show, root: Path) -> SiteSettings:
    table = show.site  # types already checked by the schema
    subscribe = [(plain_text(name), url) for name, url in table.get("subscribe", {}).items() if safe_url(url)]
    photos = {plain_text(name): workspace_file(root, links["photo"], "photo", f'sofacast.toml [people."{plain_text(name)}"]')
              for name, links in show.people.items() if links.get("photo")}
    return SiteSettings(bool(table.get("enabled")), bool(table.get("video")), subscribe, photos)
