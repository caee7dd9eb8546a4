"""Timestamp parsing and formatting.

Every timestamp inside meterpoint is timezone-aware and in UTC. Text without
an offset is taken to be UTC already; text with an offset is converted.
"""

from __future__ import annotations

from datetime import datetime, timezone

UTC = timezone.utc


def ensure_utc(moment: datetime) -> datetime:
    """Return a moment as an aware UTC datetime.

    Parameters
    ----------
    moment : datetime
        A naive datetime (taken to be UTC) or an aware one.

    Returns
    -------
    datetime
        The same instant with ``tzinfo`` set to UTC.
    """
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 timestamp into an aware UTC datetime.

    Accepts a ``T`` or a space between date and time, optional seconds, and
    an optional ``Z`` or ``+HH:MM`` offset, e.g. ``"2024-03-01 07:30"`` or
    ``"2024-03-01T08:30:00+01:00"``.

    Parameters
    ----------
    text : str
        The timestamp text.

    Returns
    -------
    datetime
        The instant in UTC.

    Raises
    ------
    ValueError
        If the text is not a valid timestamp.
    """
    cleaned = text.strip()
    if cleaned[-1:] in ("Z", "z"):
        cleaned = f"{cleaned[:-1]}+00:00"
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError as exc:
        raise ValueError(f"invalid timestamp: {text!r}") from exc
    return ensure_utc(parsed)
