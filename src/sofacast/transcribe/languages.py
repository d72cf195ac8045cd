"""The language Whisper is told to hear: `[transcribe] language`, else the show's own (sofacast.toml `language`).

A feed's language is a BCP 47 tag ("en-GB", "pt-BR", "nb"); Whisper knows ~100 languages by their own codes,
mostly the tag's first part. A show in a language Whisper does not know is refused, never heard as English.
"""

from __future__ import annotations

from sofacast.errors import ModelError
from sofacast.records import Show

# Where Whisper's code is not the tag's first part.
_WHISPER_CODES = {"jv": "jw", "nb": "no", "fil": "tl", "iw": "he", "in": "id", "yue": "yue"}


def spoken_language(show: Show, known: frozenset[str]) -> str:
    """The Whisper language code for the show; `known`: the codes the engine knows."""
    setting = show.transcribe.get("language", "")
    primary = (setting or show.language).split("-")[0].casefold()
    code = _WHISPER_CODES.get(primary, primary)
    if code not in known:
        where = "[transcribe] language" if setting else "the show's language"
        raise ModelError(f"Whisper does not know {where} '{setting or show.language}'",
                         "Set [transcribe] language in sofacast.toml to the code of the language spoken, "
                         f"one of: {', '.join(sorted(known))}.")
    return code
