"""Pulling episodes: local files, and yt-dlp against a real HTTP server on 127.0.0.1."""

import subprocess
import tomllib
from pathlib import Path

import pytest

from sofacast.media import ffmpeg
from tests.conftest import RECORDINGS

QUESTIONS_PAGE = """<!doctype html><html><head><title>Norms in Cyberspace | The Sofa</title>
<meta property="og:title" content="Norms in Cyberspace">
<meta property="og:description" content="Ambassador Okafor on norms.
• Why do states agree to norms?
• What happens when a norm is broken?">
</head><body><h1>Norms</h1><audio controls src="/media/episode.mp3"></audio></body></html>"""


def _episode(workspace: Path, slug: str) -> dict:
    return tomllib.loads((workspace / "episodes" / slug / "episode.toml").read_text())


def _listing(workspace: Path) -> list[str]:
    return sorted(str(p.relative_to(workspace)) for p in (workspace / "episodes").rglob("*") if ".yt-dlp" not in p.name)


def test_local_file_with_options(workspace: Path, cli, jfk: Path):
    result = cli("pull", jfk, "--title", "Ask Not", "--guest", "John Kennedy", "--question", "What can you do?",
                 "--number", "7", "-w", workspace)
    assert result.exit_code == 0, result.output
    assert "Pulled ask-not" in result.stdout
    data = _episode(workspace, "ask-not")
    assert data["title"] == "Ask Not" and data["number"] == 7
    assert data["guests"] == [{"name": "John Kennedy"}] and data["questions"] == ["What can you do?"]
    assert data["media"] == "ask-not.flac" and abs(data["duration"] - 11.0) < 0.1
    assert (workspace / "episodes" / "ask-not" / "ask-not.flac").read_bytes() == jfk.read_bytes()


def test_pulling_the_same_file_again_changes_nothing(workspace: Path, cli, jfk: Path):
    cli("pull", jfk, "--slug", "jfk", "-w", workspace)
    before = (workspace / "episodes" / "jfk" / "episode.toml").read_bytes()
    result = cli("pull", jfk, "--slug", "jfk", "-w", workspace)
    assert result.exit_code == 0 and "Already pulled jfk" in result.stdout
    assert (workspace / "episodes" / "jfk" / "episode.toml").read_bytes() == before
    assert _listing(workspace) == ["episodes/jfk", "episodes/jfk/episode.toml", "episodes/jfk/jfk.flac"]


@pytest.mark.slow
def test_video_file_keeps_only_its_audio(workspace: Path, cli, jfk: Path, tmp_path: Path):
    video = tmp_path / "interview.mp4"
    subprocess.run([ffmpeg.ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=5", "-i", str(jfk),
                    "-shortest", "-c:v", "mpeg4", "-c:a", "aac", str(video)], check=True)
    assert ffmpeg.probe(video).has_video
    result = cli("pull", video, "-w", workspace)
    assert result.exit_code == 0, result.output
    media = workspace / "episodes" / "interview" / "interview.m4a"
    info = ffmpeg.probe(media)
    assert not info.has_video and info.audio_codec == "aac" and abs(info.duration - 11.0) < 0.3


def test_empty_and_corrupt_files_are_refused_and_nothing_is_written(workspace: Path, cli, jfk: Path, tmp_path: Path):
    cli("pull", jfk, "--slug", "jfk", "-w", workspace)
    before = _listing(workspace)
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.mp3"
    corrupt.write_bytes(b"this is not audio at all" * 100)
    for bad in (empty, corrupt):
        result = cli("pull", bad, "-w", workspace)
        assert result.exit_code == 1
        assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1
        assert ("empty" in result.stderr) or ("no playable audio" in result.stderr)
    assert _listing(workspace) == before


def test_missing_local_path(workspace: Path, cli):
    result = cli("pull", "no/such/file.mp3", "-w", workspace)
    assert result.exit_code == 1 and "neither a file nor a URL" in result.stderr


@pytest.mark.slow
def test_web_page_with_audio_and_questions_from_its_description(workspace: Path, cli, jfk: Path, http_root):
    folder, base = http_root
    (folder / "media").mkdir()
    ffmpeg.encode(ffmpeg.decode(jfk), folder / "media" / "episode.mp3")
    (folder / "norms.html").write_text(QUESTIONS_PAGE)
    result = cli("pull", f"{base}/norms.html", "--guest", "Tomas Okafor", "-w", workspace)
    assert result.exit_code == 0, result.output
    slug = result.stdout.split()[1].rstrip(":")
    data = _episode(workspace, slug)
    assert "Norms in Cyberspace" in data["title"]
    assert data["questions"] == ["Why do states agree to norms?", "What happens when a norm is broken?"]
    assert data["source_url"] == f"{base}/norms.html" and data["media"].endswith(".mp3")
    assert abs(data["duration"] - 11.0) < 0.2


@pytest.mark.slow
def test_direct_media_link(workspace: Path, cli, jfk: Path, http_root):
    folder, base = http_root
    ffmpeg.encode(ffmpeg.decode(jfk), folder / "ask-not.mp3")
    result = cli("pull", f"{base}/ask-not.mp3", "--slug", "direct", "--title", "Direct link", "-w", workspace)
    assert result.exit_code == 0, result.output
    data = _episode(workspace, "direct")
    assert data["title"] == "Direct link" and data["media"] == "direct.mp3"


@pytest.mark.slow
def test_rss_feed_pulls_each_episode_once(workspace: Path, cli, jfk: Path, http_root):
    folder, base = http_root
    audio = ffmpeg.decode(jfk)
    ffmpeg.encode(audio[: 16000 * 4], folder / "one.mp3")
    ffmpeg.encode(audio[16000 * 4:], folder / "two.mp3")
    items = "".join(
        f"""<item><title>{title}</title><description>About {title}.
• Question {n}?</description><pubDate>{date}</pubDate><guid>{name}</guid>
<enclosure url="{base}/{name}.mp3" type="audio/mpeg" length="{(folder / f'{name}.mp3').stat().st_size}"/></item>"""
        for n, (title, name, date) in enumerate(
            [("Second Episode", "two", "Mon, 02 Mar 2026 10:00:00 GMT"),
             ("First Episode", "one", "Mon, 02 Feb 2026 10:00:00 GMT")], 1)
    )
    (folder / "feed.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Show</title>'
                                     f'<link>{base}</link><description>d</description>{items}</channel></rss>')
    result = cli("pull", f"{base}/feed.xml", "-w", workspace)
    assert result.exit_code == 0, result.output
    first, second = _episode(workspace, "first-episode"), _episode(workspace, "second-episode")
    assert (first["number"], second["number"]) == (1, 2)  # numbered in publication order
    assert first["published"].startswith("2026-02-02") and second["questions"] == ["Question 1?"]
    assert (workspace / "episodes" / ".yt-dlp-archive.txt").read_text().count("\n") == 2
    again = cli("pull", f"{base}/feed.xml", "-w", workspace)
    assert again.exit_code == 0 and again.stdout.count("Already pulled") == 2


@pytest.mark.slow
def test_feed_options_that_only_fit_one_episode_are_refused(workspace: Path, cli, jfk: Path, http_root):
    folder, base = http_root
    ffmpeg.encode(ffmpeg.decode(jfk)[:16000], folder / "a.mp3")
    items = "".join(f'<item><title>{t}</title><enclosure url="{base}/a.mp3" type="audio/mpeg" length="1"/></item>' for t in "AB")
    (folder / "feed.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>S</title>{items}</channel></rss>')
    result = cli("pull", f"{base}/feed.xml", "--slug", "x", "-w", workspace)
    assert result.exit_code == 1 and "holds 2 episodes" in result.stderr


def test_unreachable_url(workspace: Path, cli):
    result = cli("pull", "http://127.0.0.1:9/episode.mp3", "-w", workspace)
    assert result.exit_code == 1
    assert "cannot reach http://127.0.0.1:9/episode.mp3" in result.stderr and "Traceback" not in result.output
    assert _listing(workspace) == []


@pytest.mark.slow
def test_page_without_media(workspace: Path, cli, http_root):
    folder, base = http_root
    (folder / "about.html").write_text("<html><head><title>About</title></head><body><p>No audio here.</p></body></html>")
    result = cli("pull", f"{base}/about.html", "-w", workspace)
    assert result.exit_code == 1 and "no media found" in result.stderr
    assert [p for p in (workspace / "episodes").iterdir() if not p.name.startswith(".")] == []


@pytest.mark.slow
def test_force_pulls_again_and_keeps_human_edits(workspace: Path, cli, jfk: Path, http_root):
    folder, base = http_root
    ffmpeg.encode(ffmpeg.decode(jfk), folder / "ask-not.mp3")
    url = f"{base}/ask-not.mp3"
    assert cli("pull", url, "--slug", "direct", "-w", workspace).exit_code == 0
    path = workspace / "episodes" / "direct" / "episode.toml"
    path.write_text(path.read_text() + '\n[speakers]\nS1 = "John Kennedy"\n')
    result = cli("pull", url, "--force", "-w", workspace)
    assert result.exit_code == 0 and "Pulled direct" in result.stdout, result.output
    assert _episode(workspace, "direct")["speakers"] == {"S1": "John Kennedy"}
    assert (workspace / "episodes" / ".yt-dlp-archive.txt").read_text().count("\n") == 1


@pytest.mark.slow
def test_a_taken_slug_is_not_overwritten(workspace: Path, cli, jfk: Path):
    cli("pull", jfk, "--slug", "one", "-w", workspace)
    other = RECORDINGS / "undersea-cables.mp3"
    result = cli("pull", other, "--slug", "one", "-w", workspace)
    assert result.exit_code == 1 and "already exists" in result.stderr and "--force" in result.stderr
    assert (workspace / "episodes" / "one" / "one.flac").read_bytes() == jfk.read_bytes()


@pytest.mark.slow
def test_one_broken_feed_item_does_not_keep_the_others_out(workspace: Path, cli, jfk: Path, http_root):
    folder, base = http_root
    ffmpeg.encode(ffmpeg.decode(jfk)[:16000 * 2], folder / "good.mp3")
    items = (f'<item><title>Good</title><pubDate>Mon, 02 Feb 2026 10:00:00 GMT</pubDate>'
             f'<enclosure url="{base}/good.mp3" type="audio/mpeg" length="1"/></item>'
             f'<item><title>Gone</title><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate>'
             f'<enclosure url="{base}/gone.mp3" type="audio/mpeg" length="1"/></item>')
    (folder / "feed.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>S</title>{items}</channel></rss>')
    result = cli("pull", f"{base}/feed.xml", "-w", workspace)
    assert result.exit_code == 1
    assert "Pulled good" in result.stdout
    assert "1 of 2 episodes could not be pulled (Gone:" in result.stderr and "404" in result.stderr
    assert (workspace / "episodes" / "good" / "good.mp3").is_file()
