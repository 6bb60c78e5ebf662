"""The demo's people: 12 teams in 3 departments, about 120 people, with one login per role."""
from __future__ import annotations

import random

from werkzeug.security import generate_password_hash

from flashpoint.demo import DEMO_DOMAIN, DEMO_PASSWORD
from flashpoint.extensions import db
from flashpoint.people.models import Team, User

# (department slug, department name, time zone, [(team slug, team name, form metric)])
DEPARTMENTS = [
    ("stores", "Stores", "Europe/London", [
        ("store-downtown", "Downtown Store", "csat"),
        ("store-riverside", "Riverside Store", "csat"),
        ("store-airport", "Airport Kiosk", "nps"),
        ("store-online", "Online Shop", "ces"),
    ]),
    ("care", "Customer Care", "America/New_York", [
        ("care-phone", "Phone Support", "csat"),
        ("care-chat", "Chat Support", "ces"),
        ("care-returns", "Returns Desk", "csat"),
        ("care-escalations", "Escalations", "nps"),
    ]),
    ("field", "Field Services", "Europe/Berlin", [
        ("field-north", "Installations North", "nps"),
        ("field-south", "Installations South", "csat"),
        ("field-repairs", "Repairs", "csat"),
        ("field-delivery", "Deliveries", "ces"),
    ]),
]

FIRST_NAMES = [
    "Amara", "Kenji", "Sofia", "Mateo", "Priya", "Oluwaseun", "Ingrid", "Tomasz", "Leila", "Diego",
    "Mei", "Kwame", "Anika", "Rafael", "Yasmin", "Lars", "Chiara", "Arjun", "Nadia", "Emeka",
    "Hana", "Jonas", "Fatima", "Luca", "Siobhan", "Thabo", "Elena", "Hiroshi", "Zainab", "Pedro",
    "Aiko", "Ravi", "Camille", "Tariq", "Freya", "Malik", "Isabela", "Sven", "Lucía", "Dmitri",
    "Noor", "Kofi", "Astrid", "Joaquín", "Yuki", "Ayesha", "Bruno", "Ngozi", "Matteo", "Saanvi",
    "Tuan", "Olga", "Sipho", "Carmen", "Farid", "Greta", "Kai", "Adaeze", "Émile", "Mariam",
]
LAST_NAMES = [
    "Okafor", "Tanaka", "García", "Rossi", "Sharma", "Adeyemi", "Johansson", "Kowalski", "Haddad",
    "Fernández", "Chen", "Mensah", "Müller", "Silva", "Rahman", "Nielsen", "Bianchi", "Patel",
    "Petrova", "Nwosu", "Kim", "Schmidt", "Al-Sayed", "Moretti", "O'Brien", "Dlamini", "Popescu",
    "Watanabe", "Bello", "Costa", "Nguyen", "Ivanova", "Ndlovu", "Lefèvre", "Karimi", "Lindqvist",
    "Suzuki", "Hussain", "Santos", "Novak", "Mwangi", "Dubois", "Yilmaz", "Andersen", "Reyes",
]
NICKNAMES = {"Oluwaseun": "Seun", "Siobhan": "Shiv", "Dmitri": "Dima", "Joaquín": "Joaco",
             "Isabela": "Bela", "Hiroshi": "Hiro", "Tomasz": "Tom", "Rafael": "Rafa"}


def _email(name: str, taken: set[str]) -> str:
    import unicodedata

    base = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = ".".join(part for part in base.replace("'", "").replace("-", "").split())
    email, n = f"{base}@{DEMO_DOMAIN}", 2
    while email in taken:
        email, n = f"{base}{n}@{DEMO_DOMAIN}", n + 1
    taken.add(email)
    return email


def load_people(rng: random.Random) -> None:
    """Teams, departments and people, with one login per role."""
    taken: set[str] = set()
    names = [f"{f} {l}" for f in FIRST_NAMES for l in LAST_NAMES]
    rng.shuffle(names)
    pool = iter(names)
    slack_n = iter(range(1, 10_000))
    # Everyone in the demo shares one password: hash it once, not 120 times.
    password_hash = generate_password_hash(DEMO_PASSWORD)

    def person(role: str, team: Team | None, tz: str, *, email: str | None = None, name: str | None = None,
               slack: bool = True) -> User:
        name = name or next(pool)
        first = name.split()[0]
        user = User(email=email or _email(name, taken), name=name, role=role, team=team, timezone=tz,
                    nicknames=NICKNAMES.get(first, ""),
                    slack_user_id=f"UDEMO{next(slack_n):04d}" if slack else None)
        user.password_hash = password_hash
        db.session.add(user)
        return user

    admin = person("admin", None, "UTC", email=f"admin@{DEMO_DOMAIN}", name="Alex Morgan")
    hr = person("hr", None, "Europe/London", email=f"hr@{DEMO_DOMAIN}", name="Harriet Okonkwo-Reid")
    person("hr", None, "America/New_York", name="Samir Haddad-Lund")
    del admin, hr
    first_team = True
    for dept_slug, dept_name, tz, teams in DEPARTMENTS:
        department = Team(slug=dept_slug, name=dept_name)
        db.session.add(department)
        head = person("manager", department, tz)
        department.managers.append(head)
        for slug, name, metric in teams:
            team = Team(slug=slug, name=name, parent=department, form_metric=metric)
            db.session.add(team)
            if first_team:
                manager = person("manager", team, tz, email=f"manager@{DEMO_DOMAIN}", name="Maya Lindqvist")
                staff = person("staff", team, tz, email=f"staff@{DEMO_DOMAIN}", name="Sam Okafor", slack=False)
                size = 7
                first_team = False
            else:
                manager = person("manager", team, tz)
                size = rng.randint(6, 10)
                staff = None
            team.managers.append(manager)
            # Frontline stores and deliveries: many people have no Slack account.
            slack_share = 0.4 if dept_slug == "stores" or slug == "field-delivery" else 0.95
            for _ in range(size):
                person("staff", team, tz, slack=rng.random() < slack_share)
            del staff
    db.session.flush()
