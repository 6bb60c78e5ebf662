"""The question bank: HR's items (add, reword, retire, restore, the active ones by driver) and the
starting items written for Flashpoint, three 1–5 agreement items per driver and the eNPS question,
which a migration writes into an empty bank (and the first cycle, in a database made otherwise).
They are catalogue entries too, so the answer page asks them in the respondent's language;
an item HR writes or rewords is asked as written."""
from __future__ import annotations

from datetime import datetime

from engagement.pulses.errors import PulseError
from engagement.pulses.models import AGREE5, DRIVERS, ENPS, NPS11, PulseItem
from flashpoint.core.languages import N_
from flashpoint.extensions import db

ENPS_WORDING = N_("How likely are you to recommend working here to a friend?")

STARTER_ITEMS: dict[str, list[str]] = {
    "recognition": [
        N_("When I do good work, someone notices and says so."),
        N_("In the last two weeks I have heard thanks for something I did for a customer."),
        N_("The effort I put in is valued here."),
    ],
    "feedback": [
        N_("I know how I am doing, because people tell me plainly and kindly."),
        N_("The feedback I get helps me do my job better."),
        N_("I can say what I think to my team without worrying about it."),
    ],
    "growth": [
        N_("I am learning things here that make me better at my work."),
        N_("I can see where I could go next in this organisation."),
        N_("Someone here takes an interest in how I develop."),
    ],
    "empowerment": [
        N_("I can put a customer's problem right without first asking for permission."),
        N_("When I see a better way of doing something, I am free to try it."),
        N_("I am trusted to use my judgement with customers."),
    ],
    "tools": [
        N_("I have the tools and information I need to help customers well."),
        N_("Our systems make my work easier rather than harder."),
        N_("When something I need is missing, it gets sorted out quickly."),
    ],
    "manager": [
        N_("My manager makes time for me when I need it."),
        N_("My manager backs me up when I do the right thing for a customer."),
        N_("I trust my manager to be fair with me."),
    ],
    "peers": [
        N_("The people I work with help each other out."),
        N_("I can count on my colleagues when things get busy."),
        N_("I feel I belong in my team."),
    ],
    "purpose": [
        N_("I understand how my work makes a difference to our customers."),
        N_("I am proud of what this organisation does."),
        N_("I know what we are trying to achieve this year, and it matters to me."),
    ],
    "wellbeing": [
        N_("My workload is something I can manage over a normal week."),
        N_("I can switch off from work when my day is done."),
        N_("I come to work with energy most days."),
    ],
    "customer_focus": [
        N_("In my team, doing right by the customer comes first."),
        N_("We talk about what customers tell us and act on it."),
        N_("I would be happy to be served by my own team."),
    ],
}


def seed_bank() -> int:
    """Add the starter items when the bank is empty (idempotent). Returns how many were added."""
    if db.session.scalar(db.select(PulseItem.id).limit(1)) is not None:
        return 0
    items = [PulseItem(driver=driver, scale=AGREE5, text=text)
             for driver, texts in STARTER_ITEMS.items() for text in texts]
    items.append(PulseItem(driver=ENPS, scale=NPS11, text=ENPS_WORDING))
    db.session.add_all(items)
    db.session.flush()
    return len(items)


def add_item(driver: str, text: str) -> PulseItem:
    driver, text = (driver or "").strip(), " ".join((text or "").split())
    if driver not in DRIVERS and driver != ENPS:
        raise PulseError("Choose one of the drivers.")
    if not 8 <= len(text) <= 300:
        raise PulseError("Write the question in 8 to 300 characters.")
    item = PulseItem(driver=driver, scale=NPS11 if driver == ENPS else AGREE5, text=text)
    db.session.add(item)
    db.session.flush()
    return item


def edit_item(item: PulseItem, text: str) -> PulseItem:
    """New wording from the next cycle on; cycles already opened keep the wording they asked."""
    text = " ".join((text or "").split())
    if not 8 <= len(text) <= 300:
        raise PulseError("Write the question in 8 to 300 characters.")
    if text != item.text:
        item.text = text
        item.version += 1
    return item


def retire_item(item: PulseItem, now: datetime) -> None:
    active_same_driver = db.session.scalar(
        db.select(db.func.count(PulseItem.id)).where(
            PulseItem.driver == item.driver, PulseItem.retired_at.is_(None)))
    if item.retired_at is None and active_same_driver <= 1:
        raise PulseError("This is the last active question of its driver: add another before retiring it.")
    item.retired_at = item.retired_at or now


def restore_item(item: PulseItem) -> None:
    item.retired_at = None


def active_items() -> dict[str, list[PulseItem]]:
    items = db.session.scalars(
        db.select(PulseItem).where(PulseItem.retired_at.is_(None)).order_by(PulseItem.id)).all()
    by_driver: dict[str, list[PulseItem]] = {}
    for item in items:
        by_driver.setdefault(item.driver, []).append(item)
    return by_driver
