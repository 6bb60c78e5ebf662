"""UTC helpers: the database stores naive UTC datetimes; people see their own time zone."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow() -> datetime:
    """The current instant as a naive UTC datetime (the form stored in the database)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def parse_instant(text: str) -> datetime:
    """Parse ISO 8601; an instant without an offset is UTC. Returns naive UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is not None:
        try:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError:  # e.g. 0001-01-01T00:00+14:00 falls before year 1 in UTC
            raise ValueError(f"{text.strip()!r} is out of range") from None
    return value


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def to_local(value: datetime, tz_name: str) -> datetime:
    """A stored naive-UTC datetime in the given zone (UTC when the zone is unknown)."""
    zone = ZoneInfo(tz_name) if valid_timezone(tz_name) else timezone.utc
    return value.replace(tzinfo=timezone.utc).astimezone(zone)
