"""The team page for managers: the form link, recent counts, the QR code and the printable poster."""
from tests.factories import make_team, make_user
from tests.feedback.factories import make_feedback


def test_a_manager_sees_their_team_page_with_link_counts_and_qr(client, login):
    shop = make_team("shop", "The Shop")
    make_feedback(shop, score=5)
    make_feedback(shop, score=1)
    login(make_user("manager", shop, manages=shop))
    html = client.get("/teams/shop").get_data(as_text=True)
    assert "http://flashpoint.test/f/shop" in html
    assert "/teams/shop/qr.svg" in html and "/teams/shop/poster" in html
    assert "last 7 days · 1 positive" in html
    svg = client.get("/teams/shop/qr.svg")
    assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<svg")
    png = client.get("/teams/shop/qr.png?download=1")
    assert png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "attachment" in png.headers["Content-Disposition"]


def test_the_qr_code_encodes_the_public_form_address_under_base_url(client, login):
    from recognition.feedback.poster import qr_code

    make_team("shop")
    login(make_user("hr"))
    svg = client.get("/teams/shop/qr.svg").data
    assert svg == qr_code("http://flashpoint.test/f/shop", "svg")[0]
    assert svg != qr_code("http://localhost/f/shop", "svg")[0]


def test_the_poster_is_a_print_page_with_the_code_and_address(client, login):
    shop = make_team("shop", "The Shop")
    login(make_user("manager", shop, manages=shop))
    html = client.get("/teams/shop/poster").get_data(as_text=True)
    assert "How did we do today?" in html and "http://flashpoint.test/f/shop" in html
    assert "data-print" in html and "feedback.css" in html


def test_other_managers_may_not_open_a_team_page(client, login):
    shop, desk = make_team("shop"), make_team("desk")
    login(make_user("manager", desk, manages=desk))
    for path in ("/teams/shop", "/teams/shop/poster", "/teams/shop/qr.svg"):
        assert client.get(path).status_code == 403, path
    assert client.get("/teams/desk").status_code == 200
    html = client.get("/teams").get_data(as_text=True)
    assert "/teams/desk" in html and "/teams/shop" not in html


def test_staff_may_not_open_their_own_team_page(client, login):
    shop = make_team("shop")
    login(make_user("staff", shop))
    assert client.get("/teams/shop").status_code == 403
    assert client.get("/teams/shop/poster").status_code == 403


def test_a_managers_home_shows_this_weeks_feedback_per_team_with_the_poster_link(client, login):
    shop = make_team("shop", "The Shop")
    make_feedback(shop, score=5)
    make_feedback(shop, score=2)
    login(make_user("manager", shop, manages=shop))
    html = client.get("/").get_data(as_text=True)
    assert "Customer feedback this week" in html and "2 items, 1 positive" in html
    assert "/teams/shop/poster" in html


def test_staff_home_has_no_feedback_panel(client, login):
    login(make_user("staff", make_team("shop")))
    assert "Customer feedback this week" not in client.get("/").get_data(as_text=True)
