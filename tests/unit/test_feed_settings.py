"""The `[feed]` table read into settings (sofacast.feed.settings.feed_settings), on hand-built Show records.

Errors name the key and say how to fix it: a base_url that is not http(s); intro, outro or artwork
missing, or outside the workspace (by path or through a symlink). `audio = "original"` publishes the
media as pulled; otherwise the MP3 settings carry the clips and the table's values or defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sofacast.audio.podcast_mp3 import AudioSettings
from sofacast.errors import WorkspaceError
from sofacast.feed.settings import feed_settings
from sofacast.records import Show

BASE = "https://example.org/show/"


def show(feed: dict[str, Any] | None = None, base_url: str = BASE) -> Show:
    return Show(title="Test Sofa", base_url=base_url, feed=feed or {})


@pytest.fixture
def root(tmp_path: Path) -> Path:
    workspace = tmp_path / "show"
    (workspace / "clips").mkdir(parents=True)
    (workspace / "clips" / "intro.mp3").write_bytes(b"ID3 intro")
    (workspace / "artwork.png").write_bytes(b"\x89PNG")
    (tmp_path / "outside.mp3").write_bytes(b"ID3 not ours")
    return workspace


@pytest.mark.parametrize("base_url", ["", "ftp://example.org/show/", "javascript:alert(1)", "example.org/show",
                                      "https://exa mple.org/"])
def test_a_base_url_that_is_not_http_is_refused_with_how_to_set_it(root: Path, base_url: str) -> None:
    with pytest.raises(WorkspaceError) as raised:
        feed_settings(show(base_url=base_url), root)
    assert raised.value.problem.startswith("sofacast.toml: base_url must be the http(s) address")
    assert raised.value.hint == 'Set base_url = "https://example.org/show/".'


def test_defaults_give_mp3_settings_and_addresses_under_base_url(root: Path) -> None:
    settings = feed_settings(show(base_url="https://example.org/show"), root)  # no trailing slash
    assert settings.feed_url == "https://example.org/show/feeds/feed.xml"
    assert settings.show_page == "https://example.org/show/"
    assert settings.audio == AudioSettings()
    assert (settings.locked, settings.guid, settings.artwork, settings.related, settings.previous) == (True, None, None, 3, 3)


def test_table_values_are_carried_over(root: Path) -> None:
    feed = {"bitrate": "128k", "channels": 2, "loudness": -19, "intro": "clips/intro.mp3", "link": "https://example.org/",
            "locked": False, "guid": "9b024349-ccf0-5f69-a609-6b82873eab3c", "related": 0, "previous": 5}
    settings = feed_settings(show(feed), root)
    assert settings.audio == AudioSettings(bitrate="128k", channels=2, loudness=-19.0, intro=(root / "clips/intro.mp3").resolve())
    assert isinstance(settings.audio.loudness, float)
    assert settings.show_page == "https://example.org/"
    assert (settings.locked, settings.guid, settings.related, settings.previous) == (False, feed["guid"], 0, 5)


def test_a_link_that_is_not_http_falls_back_to_base_url(root: Path) -> None:
    assert feed_settings(show({"link": "javascript:alert(1)"}), root).show_page == BASE


def test_original_audio_means_no_mp3_settings(root: Path) -> None:
    settings = feed_settings(show({"audio": "original", "bitrate": "128k"}), root)
    assert settings.audio is None


@pytest.mark.parametrize("key", ["intro", "outro", "artwork"])
def test_a_missing_file_names_the_key_and_where_to_put_it(root: Path, key: str) -> None:
    with pytest.raises(WorkspaceError) as raised:
        feed_settings(show({key: "clips/nope.mp3"}), root)
    assert raised.value.problem == f"sofacast.toml [feed]: {key} = 'clips/nope.mp3' does not exist"
    assert raised.value.hint == f"Put the file at {(root / 'clips/nope.mp3').resolve()}, or remove {key}."


def test_a_folder_is_not_a_file(root: Path) -> None:
    with pytest.raises(WorkspaceError, match=r"\[feed\]: intro = 'clips' does not exist"):
        feed_settings(show({"intro": "clips"}), root)


@pytest.mark.parametrize("key", ["intro", "outro", "artwork"])
@pytest.mark.parametrize("value", ["../outside.mp3", "clips/../../outside.mp3", "ABSOLUTE"])
def test_a_path_outside_the_workspace_is_refused(root: Path, key: str, value: str) -> None:
    value = str(root.parent / "outside.mp3") if value == "ABSOLUTE" else value
    with pytest.raises(WorkspaceError) as raised:
        feed_settings(show({key: value}), root)
    assert raised.value.problem.startswith(f"sofacast.toml [feed]: {key} = {value!r} points outside the workspace (to ")
    assert raised.value.hint == f"Copy the file into the workspace and set {key} to its path there."


@pytest.mark.parametrize("key", ["intro", "outro", "artwork"])
def test_a_symlink_inside_the_workspace_to_a_file_outside_is_refused(root: Path, key: str) -> None:
    (root / "clips" / "linked.mp3").symlink_to(root.parent / "outside.mp3")
    with pytest.raises(WorkspaceError, match=rf"{key} = 'clips/linked.mp3' points outside the workspace \(to .*outside\.mp3\)"):
        feed_settings(show({key: "clips/linked.mp3"}), root)


def test_a_symlink_to_a_file_inside_the_workspace_is_accepted_as_its_target(root: Path) -> None:
    (root / "art-link.png").symlink_to(root / "artwork.png")
    assert feed_settings(show({"artwork": "art-link.png"}), root).artwork == (root / "artwork.png").resolve()


def test_a_workspace_reached_through_a_symlink_still_holds_its_files(root: Path, tmp_path: Path) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(root)
    settings = feed_settings(show({"artwork": "artwork.png", "intro": "clips/intro.mp3"}), alias)
    assert settings.artwork == (root / "artwork.png").resolve()

