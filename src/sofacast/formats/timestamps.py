"""Seconds to clock strings: the only place times are formatted."""


def clock(seconds: float, decimal_marker: str = ".", always_hours: bool = True) -> str:
    """12.5 -> '00:00:12.500' (VTT) or '00:00:12,500' with decimal_marker=',' (SRT)."""
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    head = f"{hours:02d}:" if always_hours or hours else ""
    return f"{head}{minutes:02d}:{secs:02d}{decimal_marker}{millis:03d}"


def short_clock(seconds: float, pad_minutes: bool = False) -> str:
    """12.5 -> '0:12', 3725 -> '1:02:05': for show notes and search results. With `pad_minutes`, '00:12', the
    form YouTube and Spotify read as a chapter timestamp in a description."""
    total = int(max(0.0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}" if pad_minutes else f"{minutes}:{secs:02d}"
