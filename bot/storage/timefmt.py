"""How instants are stored: UTC text ``YYYY-MM-DD HH:MM:SS``, sortable and SQLite-native."""

from datetime import UTC, datetime

_FORMAT = "%Y-%m-%d %H:%M:%S"


def to_db(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one")
    return moment.astimezone(UTC).strftime(_FORMAT)


def from_db(text: str) -> datetime:
    # fromisoformat is ~10x faster than strptime (a snapshot parses every card's dates); it
    # also takes other ISO forms, so anything but exactly our format goes to strptime.
    if len(text) == 19 and text[10] == " " and text[13] == text[16] == ":":
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)
