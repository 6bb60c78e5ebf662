"""SMTP security: credentials only over TLS, certificates checked, implicit TLS (smtps://),
and a mistyped SMTP_URL refused at start."""
from __future__ import annotations

import pytest

from flashpoint.config import TestConfig
from tests.factories import make_user
from tests.notifications.conftest import SMTP_PASSWORD, SmtpServer
from tests.notifications.factories import deliver, notify, reload


@pytest.fixture
def auth_server(server_tls_context, trust_test_ca):
    server = SmtpServer(server_tls_context, auth=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def plain_server(trust_test_ca):
    server = SmtpServer(None)  # offers no STARTTLS
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtps_server(server_tls_context, trust_test_ca):
    server = SmtpServer(server_tls_context, implicit_tls=True)
    server.start()
    yield server
    server.stop()


def _app_with(make_config, **overrides):
    from flashpoint import create_app

    return create_app(make_config(MAIL_FROM="Flashpoint <flashpoint@flashpoint.test>", SMTP_TIMEOUT=10, **overrides))


@pytest.fixture
def app_overrides():
    return {}


def _deliver_in(app_):
    with app_.app_context():
        person = make_user(name="Tess Tls")
        note = notify(person, "praise.customer_said", "A customer said", "Thanks!")
        deliver()
        row = reload(note)
        return person.email, row.state, row.last_error


def test_authenticated_delivery_over_starttls(app, make_config, auth_server):
    email, state, error = _deliver_in(_app_with(make_config, SMTP_URL=auth_server.url(credentials=True)))
    assert state == "sent", error
    [mail] = auth_server.mailbox.to(email)
    assert mail.tls and mail.authenticated


def test_wrong_credentials_send_nothing_and_are_retried_while_an_admin_fixes_them(app, make_config, auth_server):
    url = auth_server.url(credentials=True).replace(SMTP_PASSWORD.replace(" ", "%20"), "wrong")
    _email, state, error = _deliver_in(_app_with(make_config, SMTP_URL=url))
    assert state == "pending" and "refused the credentials" in error and "535" in error, error
    assert auth_server.mailbox.received == []


def test_credentials_are_never_sent_to_a_server_without_starttls(app, make_config, plain_server):
    _email, state, error = _deliver_in(_app_with(make_config, SMTP_URL=plain_server.url(credentials=True)))
    assert state == "pending" and "refusing to send credentials" in error
    assert plain_server.mailbox.received == [] and plain_server.mailbox.logins_tried == 0


def test_without_credentials_a_server_without_starttls_still_gets_mail(app, make_config, plain_server):
    email, state, error = _deliver_in(_app_with(make_config, SMTP_URL=plain_server.url()))
    assert state == "sent", error
    assert not plain_server.mailbox.to(email)[0].tls


def test_untrusted_certificate_is_refused(app, make_config, server_tls_context, tmp_path, monkeypatch):
    import trustme

    server = SmtpServer(server_tls_context)
    server.start()
    try:
        other_ca = tmp_path / "other-ca.pem"
        trustme.CA().cert_pem.write_to_path(str(other_ca))
        monkeypatch.setenv("SSL_CERT_FILE", str(other_ca))
        _email, state, error = _deliver_in(_app_with(make_config, SMTP_URL=server.url()))
    finally:
        server.stop()
    assert state == "pending" and "not trusted" in error
    assert server.mailbox.received == []


def test_implicit_tls_smtps(app, make_config, smtps_server):
    email, state, error = _deliver_in(_app_with(make_config, SMTP_URL=smtps_server.url()))
    assert state == "sent", error
    assert smtps_server.mailbox.to(email)[0].tls


@pytest.mark.parametrize("url", ["http://mail.example.test", "smtp://", "smtp://host:notaport"])
def test_a_mistyped_smtp_url_stops_the_app_at_start(database_url, url):
    from flashpoint import create_app

    with pytest.raises(ValueError, match="SMTP_URL"):
        create_app(TestConfig(database_url=database_url, SMTP_URL=url))


def test_smtp_url_credentials_are_url_decoded():
    from flashpoint.notifications.smtp import parse_smtp_url

    settings = parse_smtp_url("smtp://me%40corp:p%40ss%20word@mail.corp:2525")
    assert (settings.username, settings.password, settings.host, settings.port) == (
        "me@corp", "p@ss word", "mail.corp", 2525)
    assert parse_smtp_url("smtp://mail.corp").port == 587
    assert parse_smtp_url("smtps://mail.corp").port == 465


def test_email_test_command_reports_success_and_failure(app, runner, smtp_server, mailbox):
    assert "SMTP_URL is not set" in runner.invoke(args=["email-test", "ops@example.test"]).output
    app.config["SMTP_URL"] = smtp_server.url()
    result = runner.invoke(args=["email-test", "ops@example.test"])
    assert result.exit_code == 0 and "Sent to ops@example.test" in result.output
    assert mailbox.to("ops@example.test")[0].message["Subject"] == "Flashpoint test e-mail"
    mailbox.refuse_rcpt["bad@example.test"] = "550 5.1.1 No such user"
    result = runner.invoke(args=["email-test", "bad@example.test"])
    assert result.exit_code == 1 and "refused" in result.output and "550" in result.output
