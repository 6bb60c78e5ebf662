"""Fixtures for ideas: a small organisation with a department, two teams and their people."""
from types import SimpleNamespace

import pytest

from tests.factories import make_manager, make_team, make_user


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch):
    """scrypt costs half a second per person; these tests are about ideas, not passwords."""
    from werkzeug.security import generate_password_hash

    import flashpoint.people.models as people_models

    monkeypatch.setattr(people_models, "generate_password_hash",
                        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"))


@pytest.fixture
def org(app):
    dept = make_team("stores", "Stores")
    shop = make_team("shop", "Downtown Shop", parent=dept)
    online = make_team("online", "Online Shop", parent=dept)
    head = make_manager(dept, name="Dana Head")
    boss = make_manager(shop, name="Maya Boss")
    staff = make_user("staff", shop, name="Sam Staff", email="sam@example.test")
    colleague = make_user("staff", shop, name="Cleo Colleague")
    other = make_user("staff", online, name="Omar Other")
    hr = make_user("hr", None, name="Harriet HR")
    admin = make_user("admin", None, name="Ada Admin")
    return SimpleNamespace(dept=dept, shop=shop, online=online, head=head, boss=boss, staff=staff,
                           colleague=colleague, other=other, hr=hr, admin=admin)
