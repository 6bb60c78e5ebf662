"""Company values: the list HR keeps; a story may show some (they are optional)."""
from __future__ import annotations

from sqlalchemy import func

from flashpoint.extensions import db
from recognition.stories.errors import TAG_RE, StoryError
from recognition.stories.models import CompanyValue

# Written by a migration into an empty list (reading values never writes).
DEFAULT_VALUES = [
    ("Customer first", "We start from what the customer needs."),
    ("Own it", "We take a problem as ours and see it through."),
    ("Go the extra mile", "Small surprises that make someone's day."),
    ("Team spirit", "We help each other shine."),
    ("Keep it simple", "We make things easy for customers and colleagues."),
]


def active_values() -> list[CompanyValue]:
    return list(db.session.scalars(
        db.select(CompanyValue).where(CompanyValue.active.is_(True))
        .order_by(CompanyValue.position, CompanyValue.name)))


def all_values() -> list[CompanyValue]:
    return list(db.session.scalars(db.select(CompanyValue).order_by(CompanyValue.position, CompanyValue.name)))


def _clean_value_fields(name: str, description: str, existing: CompanyValue | None) -> tuple[str, str]:
    errors = {}
    name = (name or "").strip()
    description = (description or "").strip()
    if not name:
        errors["name"] = "A value needs a name."
    elif len(name) > 80:
        errors["name"] = "A value's name is at most 80 characters."
    elif TAG_RE.search(name) or TAG_RE.search(description):
        errors["name"] = "Please use plain text: HTML tags are not allowed."
    else:
        other = db.session.scalar(db.select(CompanyValue).where(func.lower(CompanyValue.name) == name.lower()))
        if other is not None and (existing is None or other.id != existing.id):
            errors["name"] = f"There is already a value called “{other.name}”."
    if len(description) > 300:
        errors["description"] = "The description is at most 300 characters."
    if errors:
        raise StoryError(errors)
    return name, description


def add_value(name: str, description: str = "") -> CompanyValue:
    name, description = _clean_value_fields(name, description, None)
    position = (db.session.scalar(db.select(func.max(CompanyValue.position))) or 0) + 1
    value = CompanyValue(name=name, description=description, position=position)
    db.session.add(value)
    db.session.flush()
    return value


def update_value(value: CompanyValue, name: str, description: str, active: bool) -> CompanyValue:
    name, description = _clean_value_fields(name, description, value)
    if not active and value.active:
        others = db.session.scalar(db.select(func.count(CompanyValue.id)).where(
            CompanyValue.active.is_(True), CompanyValue.id != value.id))
        if not others:
            raise StoryError({"active": "Keep at least one value to offer on new stories."})
    value.name, value.description, value.active = name, description, active
    return value


def save_value(value_id: int | None, name: str, description: str, active: bool) -> CompanyValue | None:
    """HR's form: add a value (no id) or change one; None when there is no value with that id."""
    if not value_id:
        return add_value(name, description)
    value = db.session.get(CompanyValue, value_id)
    return update_value(value, name, description, active) if value is not None else None
