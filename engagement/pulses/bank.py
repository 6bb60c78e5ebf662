"""The starting question bank, written for Flashpoint: three 1–5 agreement items per driver and
the eNPS question. HR edits it from /pulses/items; this list only seeds an empty bank."""
from __future__ import annotations

from engagement.pulses.models import AGREE5, ENPS, NPS11, PulseItem
from flashpoint.extensions import db

ENPS_WORDING = "How likely are you to recommend working here to a friend?"

STARTER_ITEMS: dict[str, list[str]] = {
    "recognition": [
        "When I do good work, someone notices and says so.",
        "In the last two weeks I have heard thanks for something I did for a customer.",
        "The effort I put in is valued here.",
    ],
    "feedback": [
        "I know how I am doing, because people tell me plainly and kindly.",
        "The feedback I get helps me do my job better.",
        "I can say what I think to my team without worrying about it.",
    ],
    "growth": [
        "I am learning things here that make me better at my work.",
        "I can see where I could go next in this organisation.",
        "Someone here takes an interest in how I develop.",
    ],
    "empowerment": [
        "I can put a customer's problem right without first asking for permission.",
        "When I see a better way of doing something, I am free to try it.",
        "I am trusted to use my judgement with customers.",
    ],
    "tools": [
        "I have the tools and information I need to help customers well.",
        "Our systems make my work easier rather than harder.",
        "When something I need is missing, it gets sorted out quickly.",
    ],
    "manager": [
        "My manager makes time for me when I need it.",
        "My manager backs me up when I do the right thing for a customer.",
        "I trust my manager to be fair with me.",
    ],
    "peers": [
        "The people I work with help each other out.",
        "I can count on my colleagues when things get busy.",
        "I feel I belong in my team.",
    ],
    "purpose": [
        "I understand how my work makes a difference to our customers.",
        "I am proud of what this organisation does.",
        "I know what we are trying to achieve this year, and it matters to me.",
    ],
    "wellbeing": [
        "My workload is something I can manage over a normal week.",
        "I can switch off from work when my day is done.",
        "I come to work with energy most days.",
    ],
    "customer_focus": [
        "In my team, doing right by the customer comes first.",
        "We talk about what customers tell us and act on it.",
        "I would be happy to be served by my own team.",
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
