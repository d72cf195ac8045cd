import tomllib
from pathlib import Path

from sofacast.slugs import slugify, unique_slug


def test_init_writes_show_file_and_folders(workspace: Path):
    data = tomllib.loads((workspace / "sofacast.toml").read_text())
    assert data["title"] == "Test Sofa"
    assert data["owner"] == {"name": "Elena Marsh", "email": "e@example.org"}
    assert data["hosts"] == ["Elena Marsh"]
    assert data["base_url"] == "https://example.org/show/"
    assert data["explicit"] is False
    assert all((workspace / name).is_dir() for name in ("episodes", "transcripts", "feeds"))


def test_init_refuses_to_overwrite_a_show(workspace: Path, cli):
    before = (workspace / "sofacast.toml").read_bytes()
    result = cli("init", workspace, "--title", "Other", "--author", "X", "--email", "x@y.z", "--base-url", "https://x")
    assert result.exit_code == 1
    assert "already has a sofacast.toml" in result.stderr
    assert (workspace / "sofacast.toml").read_bytes() == before


def test_commands_outside_a_workspace_say_how_to_fix_it(tmp_path: Path, cli):
    result = cli("transcribe", "--all", "-w", tmp_path)
    assert result.exit_code == 1
    assert "not a sofacast workspace" in result.stderr and "sofacast init" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_slug_lists_the_known_ones(workspace: Path, cli, jfk: Path):
    cli("pull", jfk, "--slug", "jfk", "-w", workspace)
    result = cli("transcribe", "nope", "-w", workspace)
    assert result.exit_code == 1
    assert "no episode 'nope'" in result.stderr and "Known episodes: jfk" in result.stderr


def test_malformed_episode_toml_is_one_clear_line(workspace: Path, cli, jfk: Path):
    cli("pull", jfk, "--slug", "jfk", "-w", workspace)
    path = workspace / "episodes" / "jfk" / "episode.toml"
    path.write_text('title = "unterminated\n')
    result = cli("transcribe", "jfk", "-w", workspace)
    assert result.exit_code == 1
    assert "is not valid TOML" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert path.read_text() == 'title = "unterminated\n'  # nothing rewritten


def test_wrongly_typed_field_is_named(workspace: Path, cli, jfk: Path):
    cli("pull", jfk, "--slug", "jfk", "-w", workspace)
    path = workspace / "episodes" / "jfk" / "episode.toml"
    path.write_text(path.read_text().replace("number = 1", 'number = "one"'))
    result = cli("transcribe", "jfk", "-w", workspace)
    assert result.exit_code == 1
    assert "episodes/jfk/episode.toml: number: not a whole number, got 'one'. Write a whole number from 1" in result.stderr


def test_slugs_are_safe_whatever_the_title():
    assert slugify("Norms in Cyberspace: Do Rules Without Teeth Matter?") == "norms-in-cyberspace-do-rules-without-teeth-matter"
    assert slugify("Ça va? Über-Diplomatie / ../../etc/passwd") == "ca-va-uber-diplomatie-etc-passwd"
    assert slugify("???") == "episode"
    assert slugify("CON") == "episode-con"
    assert len(slugify("word " * 100)) <= 60
    assert unique_slug("a", {"a", "a-2"}) == "a-3"
