"""Every form POST of the web app needs its CSRF token: CSRFProtect guards them all, and the few
routes exempt from it are exactly those declared here, each with its own guard."""
from __future__ import annotations

from flashpoint.extensions import csrf
from tests.factories import make_user

# Exempt, and why each is still safe: the JSON API takes bearer tokens, not cookies; the
# one-click unsubscribe carries a signed token (RFC 8058); the public feedback form checks its own
# token to answer an expired page kindly; Slack's endpoint checks Slack's signature; SCIM (/scim/v2)
# takes bearer tokens with the scope scim, as the API.
DECLARED_EXEMPT = {"api", "scim", "notifications.unsubscribe", "feedback_public.form", "slack",
                   # No cookie read: each request carries an HMAC-SHA256 signature under the webhook's
                   # secret, with a timestamp (recognition/feedback/sources/webhooks.py verify).
                   "feedback_webhooks.receive"}


def _exempt(app) -> set[str]:
    found = set()
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        view = app.view_functions[rule.endpoint]
        name = f"{view.__module__}.{view.__name__}"
        blueprint = rule.endpoint.split(".")[0]
        # Flask-WTF keeps exempt views by dotted name and exempt blueprints as objects or names.
        exempt_blueprints = {getattr(b, "name", b) for b in csrf._exempt_blueprints}
        if name in csrf._exempt_views or blueprint in exempt_blueprints:
            found.add(blueprint if blueprint in exempt_blueprints else rule.endpoint)
    return found


def test_only_the_declared_routes_are_exempt(app):
    exempt = _exempt(app)
    assert exempt <= DECLARED_EXEMPT, f"exempt from CSRF without a declaration here: {exempt - DECLARED_EXEMPT}"


def test_a_signed_in_post_without_its_token_is_refused_on_every_other_route(app, client, login):
    login(make_user("admin"))
    refused, checked = [], 0
    exempt = _exempt(app)
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in exempt or rule.endpoint.split(".")[0] in exempt:
            continue
        path = rule.rule.replace("<int:", "<").replace("<path:", "<")
        for arg in rule.arguments:
            path = path.replace(f"<{arg}>", "1")
        checked += 1
        response = client.post(path, data={})
        if response.status_code != 400 or "expired" not in response.get_data(as_text=True).lower():
            refused.append(f"{rule.rule}: {response.status_code}")
    assert checked >= 40
    assert refused == [], "POST routes that did not refuse a missing CSRF token"
