"""Permission rules live in the app: each area registers its own, and what nobody registered is refused."""
from __future__ import annotations

import click
import pytest
from flask import Flask

from flashpoint.permissions import Rules, can, register_rules
from tests.factories import make_user


def test_an_action_nobody_registered_is_refused_even_to_an_admin(app):
    admin = make_user("admin")
    assert can(admin, "manage_people")
    assert not can(admin, "manage_peeple")


def test_an_app_without_the_rules_registered_refuses_everything(app):
    admin = make_user("admin")
    assert admin.is_active  # loaded now: the bare app below has no database
    bare = Flask("bare")
    with bare.app_context():
        assert not can(admin, "manage_people")
    assert can(admin, "manage_people")


def test_two_areas_cannot_register_the_same_action():
    first, second = Rules(), Rules()

    @first.rule("approve_story")
    def _first(user, _obj):
        return True

    @second.rule("approve_story")
    def _second(user, _obj):
        return False

    bare = Flask("bare")
    register_rules(bare, first)
    with pytest.raises(ValueError, match="approve_story"):
        register_rules(bare, second)


def test_commands_ask_the_same_rules_as_pages(app, runner):
    admin = make_user("admin")

    @app.cli.command("may-manage-people")
    def may_manage_people():
        click.echo("yes" if can(admin, "manage_people") else "no")

    assert runner.invoke(args=["may-manage-people"]).output.strip() == "yes"


def test_templates_show_only_what_the_viewer_may_use(app, client, login):
    login(make_user("staff"))
    page = client.get("/").get_data(as_text=True)
    assert 'href="/admin/outbox"' not in page
    admin_client = login(make_user("admin"), test_client=app.test_client())
    page = admin_client.get("/").get_data(as_text=True)
    assert 'href="/admin/outbox"' in page
