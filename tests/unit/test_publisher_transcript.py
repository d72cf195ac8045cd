"""A publisher's transcript read into segments (sofacast.transcribe.publisher): JSON, VTT and SRT."""

import json
from pathlib import Path

import pytest

from sofacast.errors import WorkspaceError
from sofacast.transcribe.publisher import publisher_transcript, read_publisher_transcript


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def test_word_level_json_is_joined_into_sentences_keeping_word_times(tmp_path: Path):
    words = [("Alban", 0.0, 0.4, "Welcome"), ("Alban", 0.4, 0.6, "to"), ("Alban", 0.6, 1.0, "the"),
             ("Alban", 1.0, 1.5, "show."), ("Alban", 1.6, 2.0, "Today"), ("Alban", 2.0, 2.4, "we"),
             ("Alban", 2.4, 2.9, "talk."), ("Dave", 3.0, 3.4, "Thanks"), ("Dave", 3.4, 3.9, "&amp;"),
             ("Dave", 7.0, 7.5, "hello.")]
    document = {"version": "1.0.0", "segments": [{"speaker": s, "startTime": a, "endTime": b, "body": w} for s, a, b, w in words]}
    segments = read_publisher_transcript(_write(tmp_path, "publisher-transcript.json", json.dumps(document)))
    assert [(s.speaker, s.text) for s in segments] == [
        ("Alban", "Welcome to the show."), ("Alban", "Today we talk."),  # a sentence's end starts a segment
        ("Dave", "Thanks &"),  # entities decoded once; a pause of 3 s starts a segment
        ("Dave", "hello.")]
    assert [(w.start, w.end, w.word) for w in segments[0].words] == [
        (0.0, 0.4, "Welcome"), (0.4, 0.6, " to"), (0.6, 1.0, " the"), (1.0, 1.5, " show.")]


def test_vtt_voices_and_srt_cues(tmp_path: Path):
    vtt = _write(tmp_path, "publisher-transcript.vtt",
                 "WEBVTT\n\n00:00:01.250 --> 00:00:03.000\n<v Ann Lee>Hello <i>there</i>.\n\n"
                 "00:00:03.000 --> 00:00:05.500\n<v Bo>Tom &amp; Jerry.\n")
    assert [(s.start, s.end, s.speaker, s.text) for s in read_publisher_transcript(vtt)] == [
        (1.25, 3.0, "Ann Lee", "Hello there."), (3.0, 5.5, "Bo", "Tom & Jerry.")]
    srt = _write(tmp_path, "publisher-transcript.srt",
                 "1\n00:00:00,500 --> 00:00:02,000\nOne.\n\n2\n00:00:02,000 --> 00:00:04,000\nTwo.\n")
    segments = read_publisher_transcript(srt)
    assert [(s.start, s.end, s.speaker) for s in segments] == [(0.5, 4.0, None)]  # one voice, no pause: one segment
    assert segments[0].text == "One. Two." and segments[0].words == []  # cues are not words


@pytest.mark.parametrize(("name", "text"), [
    ("publisher-transcript.json", '{"segments": "nope"}'),
    ("publisher-transcript.json", "[1, 2"),
    ("publisher-transcript.vtt", "WEBVTT\n\nnot a cue\n"),
    ("publisher-transcript.json", '{"segments": [{"startTime": -1, "endTime": 2, "body": "x"}]}'),
])
def test_an_unreadable_transcript_is_one_line_naming_the_file_and_the_way_out(tmp_path: Path, name: str, text: str):
    with pytest.raises(WorkspaceError) as error:
        read_publisher_transcript(_write(tmp_path, name, text))
    assert name in error.value.problem and "Delete" in error.value.hint


def test_the_best_format_present_is_read(tmp_path: Path):
    assert publisher_transcript(tmp_path) is None
    _write(tmp_path, "publisher-transcript.srt", "")
    _write(tmp_path, "publisher-transcript.vtt", "")
    assert publisher_transcript(tmp_path) == tmp_path / "publisher-transcript.vtt"
