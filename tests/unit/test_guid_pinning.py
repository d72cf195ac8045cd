"""GUIDs that never change once handed out (sofacast.feed.guids).

The podcast GUID follows Podcasting 2.0 (UUIDv5 of the feed URL without scheme and trailing
slashes); an episode's GUID, once in the ledger, survives saving and loading, a moved feed, a
re-pinned show GUID and renamed episodes; a source's own GUID is kept; a damaged guids.json is
recovered from the published feed and kept aside, or refused when there is nothing to recover from.
"""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path

import pytest

from sofacast.errors import FeedError, WorkspaceError
from sofacast.feed.guids import LEDGER, PODCAST_NS, PUBLISHED_FEED, GuidLedger, guids_in_feed, podcast_guid
from sofacast.schema import check_show

FEED_URL = "https://example.org/show/feeds/feed.xml"
SPEC_VECTOR = "9b024349-ccf0-5f69-a609-6b82873eab3c"  # podnews.net/rss, from the podcast:guid specification
SHOW_GUID = str(uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "example.org/show/feeds/feed.xml"))


@pytest.fixture
def feeds(tmp_path: Path) -> Path:
    folder = tmp_path / "show" / "feeds"
    folder.mkdir(parents=True)
    return folder


def published(feeds: Path, show_guid: str | None, items: dict[str, str]) -> None:
    """A feed.xml as sofacast publishes it: slug -> item GUID, found through the enclosure URL."""
    guid = f"<podcast:guid>{show_guid}</podcast:guid>" if show_guid else ""
    enclosure = '<enclosure url="https://example.org/show/episodes/{0}/{0}.mp3" type="audio/mpeg" length="1"/>'
    entries = "".join(f'<item><guid isPermaLink="false">{g}</guid>{enclosure.format(slug)}</item>' for slug, g in items.items())
    rss = f'<rss version="2.0" xmlns:podcast="{PODCAST_NS}"><channel><title>Sofa</title>{guid}{entries}</channel></rss>'
    (feeds / PUBLISHED_FEED).write_text('<?xml version="1.0"?>' + rss)


# --- the podcast GUID -----------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://podnews.net/rss", "http://podnews.net/rss", "podnews.net/rss",
                                 "https://podnews.net/rss/", "  https://podnews.net/rss//  ", "feed://podnews.net/rss"])
def test_podcast_guid_is_the_specs_uuidv5_of_the_url_without_scheme_and_trailing_slashes(url: str) -> None:
    assert podcast_guid(url) == SPEC_VECTOR


def test_podcast_guid_is_a_version_5_uuid_that_depends_on_the_address() -> None:
    assert uuid.UUID(podcast_guid(FEED_URL)).version == 5
    assert podcast_guid(FEED_URL) == SHOW_GUID
    assert podcast_guid("https://example.org/other/feeds/feed.xml") != SHOW_GUID


def test_the_show_guid_is_computed_once_and_survives_a_moved_feed(feeds: Path) -> None:
    ledger = GuidLedger.load(feeds)
    assert ledger.show_guid(FEED_URL) == SHOW_GUID
    ledger.save()
    assert GuidLedger.load(feeds).show_guid("https://new-host.example/feed.xml") == SHOW_GUID


def test_a_pinned_show_guid_wins_and_is_kept(feeds: Path) -> None:
    ledger = GuidLedger.load(feeds)
    ledger.show_guid(FEED_URL)
    assert ledger.show_guid(FEED_URL, fixed=SPEC_VECTOR) == SPEC_VECTOR
    ledger.save()
    assert GuidLedger.load(feeds).show_guid(FEED_URL) == SPEC_VECTOR


# --- episode GUIDs --------------------------------------------------------------------------------

def test_an_episode_guid_is_the_uuidv5_of_its_slug_in_the_show_guid(feeds: Path) -> None:
    ledger = GuidLedger.load(feeds)
    ledger.show_guid(FEED_URL)
    assert ledger.episode_guid("doubt") == str(uuid.uuid5(uuid.UUID(SHOW_GUID), "doubt"))
    assert ledger.episode_guid("cables") != ledger.episode_guid("doubt")


def test_episode_guids_survive_save_and_load(feeds: Path) -> None:
    ledger = GuidLedger.load(feeds)
    ledger.show_guid(FEED_URL)
    handed = {slug: ledger.episode_guid(slug) for slug in ("doubt", "cables", "norms")}
    ledger.save()
    assert json.loads((feeds / LEDGER).read_text()) == {"podcast": SHOW_GUID, "episodes": dict(sorted(handed.items()))}
    again = GuidLedger.load(feeds)
    assert not again.damaged
    assert {slug: again.episode_guid(slug) for slug in handed} == handed


def test_an_episode_guid_does_not_follow_a_re_pinned_show_guid(feeds: Path) -> None:
    ledger = GuidLedger.load(feeds)
    ledger.show_guid(FEED_URL)
    before = ledger.episode_guid("doubt")
    ledger.show_guid(FEED_URL, fixed=SPEC_VECTOR)
    assert ledger.episode_guid("doubt") == before
    assert ledger.episode_guid("cables") == str(uuid.uuid5(uuid.UUID(SPEC_VECTOR), "cables"))  # new ones use the new show GUID


def test_a_renamed_episode_gets_a_guid_of_its_own_and_the_old_one_stays_taken(feeds: Path) -> None:
    ledger = GuidLedger.load(feeds)
    ledger.show_guid(FEED_URL)
    old = ledger.episode_guid("doubt")
    new = ledger.episode_guid("doubt-as-a-weapon")
    assert new != old
    assert ledger.episodes == {"doubt": old, "doubt-as-a-weapon": new}  # the old slug's GUID is not freed or reused
    with pytest.raises(FeedError, match="is already the GUID of episode doubt"):
        ledger.episode_guid("another", fixed=old)


def test_a_sources_own_guid_is_kept_once_given(feeds: Path) -> None:
    ledger = GuidLedger.load(feeds)
    ledger.show_guid(FEED_URL)
    assert ledger.episode_guid("doubt", fixed="tag:podnews,2024:episode-7") == "tag:podnews,2024:episode-7"
    ledger.save()
    again = GuidLedger.load(feeds)
    assert again.episode_guid("doubt") == "tag:podnews,2024:episode-7"  # even when episode.toml no longer says it
    assert again.episode_guid("doubt", fixed="tag:podnews,2024:episode-7") == "tag:podnews,2024:episode-7"


def test_a_guid_already_held_by_another_episode_is_refused_and_nothing_changes(feeds: Path) -> None:
    ledger = GuidLedger.load(feeds)
    ledger.show_guid(FEED_URL)
    held = ledger.episode_guid("doubt")
    with pytest.raises(FeedError) as raised:
        ledger.episode_guid("cables", fixed=held)
    assert raised.value.problem == f"episode cables: guid: {held} is already the GUID of episode doubt"
    assert "remove guid from this episode.toml" in raised.value.hint
    assert ledger.episodes == {"doubt": held}


def test_forget_changes_undoes_a_guid_handed_to_an_episode_that_failed(feeds: Path) -> None:
    ledger = GuidLedger.load(feeds)
    ledger.show_guid(FEED_URL)
    kept = ledger.episode_guid("doubt")
    ledger.episode_guid("doubt", fixed="pinned-later")
    ledger.forget_changes("doubt", kept)
    ledger.episode_guid("cables")
    ledger.forget_changes("cables", None)
    assert ledger.episodes == {"doubt": kept}


def test_a_show_guid_the_schema_accepts_can_seed_episode_guids(feeds: Path) -> None:
    pinned = "a" * 36
    try:
        check_show({"title": "Sofa", "feed": {"guid": pinned}}, "sofacast.toml")
    except WorkspaceError:
        return  # refused with a clear line: fine
    ledger = GuidLedger.load(feeds)
    ledger.show_guid(FEED_URL, fixed=pinned)
    assert ledger.episode_guid("doubt")


# --- a lost or damaged ledger ---------------------------------------------------------------------

def test_no_ledger_and_no_feed_is_a_new_show(feeds: Path) -> None:
    ledger = GuidLedger.load(feeds)
    assert (ledger.podcast, ledger.episodes, ledger.damaged) == (None, {}, False)


def test_a_lost_ledger_is_read_back_from_the_published_feed(feeds: Path, caplog: pytest.LogCaptureFixture) -> None:
    published(feeds, SHOW_GUID, {"doubt": "g-doubt", "cables": "g-cables"})
    with caplog.at_level(logging.WARNING, logger="sofacast.feed.guids"):
        ledger = GuidLedger.load(feeds)
    assert (ledger.podcast, ledger.episodes, ledger.damaged) == (SHOW_GUID, {"doubt": "g-doubt", "cables": "g-cables"}, False)
    assert "guids.json is missing; the GUIDs were read back from feed.xml" in caplog.text
    assert ledger.show_guid("https://moved.example/feed.xml") == SHOW_GUID and ledger.episode_guid("doubt") == "g-doubt"


@pytest.mark.parametrize("content", [b'{"podcast": "', b"[]", b"null", b'{"episodes": 5}', b'{"podcast": 5}',
                                     b'{"episodes": {"doubt": ""}}', b'{"episodes": {"doubt": 7}}', b"\xff\xfe"])
def test_a_damaged_ledger_is_recovered_from_the_feed_and_kept_aside(feeds: Path, content: bytes) -> None:
    (feeds / LEDGER).write_bytes(content)
    published(feeds, SHOW_GUID, {"doubt": "g-doubt"})
    ledger = GuidLedger.load(feeds)
    assert (ledger.podcast, ledger.episodes, ledger.damaged) == (SHOW_GUID, {"doubt": "g-doubt"}, True)
    ledger.save()
    kept = list((feeds.parent / ".sofacast" / "damaged").glob(f"{LEDGER}.*"))
    assert [path.read_bytes() for path in kept] == [content]  # never overwritten unseen
    assert json.loads((feeds / LEDGER).read_text()) == {"podcast": SHOW_GUID, "episodes": {"doubt": "g-doubt"}}
    assert not GuidLedger.load(feeds).damaged


@pytest.mark.parametrize("feed", [False, True], ids=["no-feed", "feed-without-podcast-guid"])
def test_a_damaged_ledger_with_nothing_to_recover_from_is_refused(feeds: Path, feed: bool) -> None:
    (feeds / LEDGER).write_text("[]")
    if feed:
        published(feeds, None, {"doubt": "g-doubt"})
    with pytest.raises(WorkspaceError) as raised:
        GuidLedger.load(feeds)
    problem = raised.value.problem
    assert "guids.json is damaged (not a GUID ledger) and there is no published feed to recover its GUIDs from" in problem
    assert raised.value.hint.startswith("Restore it from a backup")
    assert (feeds / LEDGER).read_text() == "[]"


def test_slugs_are_found_in_enclosure_or_link_addresses(feeds: Path) -> None:
    (feeds / PUBLISHED_FEED).write_text(
        '<rss xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><podcast:guid> G </podcast:guid>'
        '<item><guid>a</guid><enclosure url="https://example.org/show/episodes/doubt%20two/x.mp3"/></item>'
        "<item><guid>b</guid><link>https://example.org/show/episodes/cables/notes.html</link></item>"
        '<item><guid>c</guid><enclosure url="https://cdn.example/audio/x.mp3"/></item>'  # not an episode address
        '<item><enclosure url="https://example.org/show/episodes/no-guid/x.mp3"/></item>'
        "</channel></rss>")
    assert guids_in_feed(feeds / PUBLISHED_FEED) == ("G", {"doubt two": "a", "cables": "b"})


@pytest.mark.parametrize("content", ["", "<rss><channel>", "<html/>",
                                     '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss>&x;</rss>'])
def test_an_unreadable_feed_holds_no_guids(feeds: Path, content: str) -> None:
    (feeds / PUBLISHED_FEED).write_text(content)
    assert guids_in_feed(feeds / PUBLISHED_FEED) == (None, {})
