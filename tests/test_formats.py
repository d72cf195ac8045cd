from sofacast.formats.cues import MAX_CUE_CHARS, cues
from sofacast.formats.srt import render_srt
from sofacast.formats.text import render_text
from sofacast.formats.timestamps import clock, short_clock
from sofacast.formats.transcript_json import transcript_from_dict, transcript_to_dict
from sofacast.formats.vtt import render_vtt
from sofacast.records import Segment, TranscribeOptions, Transcript, Word


def _words(text: str, start: float, step: float = 0.3) -> list[Word]:
    return [Word(start + i * step, start + (i + 1) * step, f" {w}") for i, w in enumerate(text.split())]


def _transcript() -> Transcript:
    long = "Because nobody wants a conflict that spreads through networks faster than anyone can control it at all."
    return Transcript(
        episode="ep", language="en", duration=40.0, engine="faster-whisper", model="tiny.en", options=TranscribeOptions(),
        segments=[
            Segment(0, 0.0, 2.5, "Why do states agree?", _words("Why do states agree?", 0.0), speaker="Elena Marsh"),
            Segment(1, 3.0, 3.0 + 0.3 * len(long.split()), long, _words(long, 3.0), speaker="Tomas Okafor"),
            Segment(2, 12.0, 13.0, "Less <than> & more.", [], speaker=None),
        ],
    )


def test_clock_formats_for_vtt_srt_and_notes():
    assert clock(3725.5) == "01:02:05.500"
    assert clock(12.3456, ",") == "00:00:12,346"
    assert short_clock(65.9) == "1:05" and short_clock(3725) == "1:02:05"


def test_cues_never_exceed_the_limit_and_keep_word_times():
    all_cues = list(cues(_transcript().segments))
    assert all(len(c.text) <= MAX_CUE_CHARS for c in all_cues)
    long_cues = [c for c in all_cues if c.speaker == "Tomas Okafor"]
    assert len(long_cues) == 2
    assert long_cues[0].start == 3.0 and long_cues[1].start > long_cues[0].start
    assert " ".join(c.text for c in long_cues).startswith("Because nobody wants")


def test_vtt_has_voice_tags_and_escapes_markup():
    vtt = render_vtt(_transcript())
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.200\n<v Elena Marsh>Why do states agree?")
    assert "<v Tomas Okafor>Because nobody" in vtt
    assert "Less &lt;than&gt; &amp; more." in vtt


def test_srt_numbers_cues_and_prefixes_speakers():
    srt = render_srt(_transcript())
    assert srt.startswith("1\n00:00:00,000 --> 00:00:01,200\nElena Marsh: Why do states agree?\n\n2\n")
    # SubRip has no escaping and players read tags in it, so anything tag-like is left out (VTT escapes it instead).
    assert "\nLess & more." in srt and "<than>" not in srt


def test_text_groups_turns_by_speaker():
    text = render_text(_transcript())
    assert text.splitlines()[0] == "[0:00] Elena Marsh: Why do states agree?"
    assert "[0:03] Tomas Okafor: Because nobody" in text


def test_canonical_json_round_trips():
    original = _transcript()
    again = transcript_from_dict(transcript_to_dict(original))
    assert again.segments[1].words[2] == original.segments[1].words[2]
    assert [s.speaker for s in again.segments] == ["Elena Marsh", "Tomas Okafor", None]
