"""HR's feedback list: who sees what, filters, pagination and the CSV export."""
import csv
import io
from datetime import timedelta

from flashpoint.timeutil import utcnow
from tests.factories import make_team, make_user
from tests.feedback.factories import make_feedback


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_hr_sees_all_feedback_and_the_nav_item(client, login):
    shop, desk = make_team("shop", "Shop"), make_team("desk", "Desk")
    make_feedback(shop, comment="from the shop")
    make_feedback(desk, comment="from the desk")
    login(make_user("hr"))
    html = client.get("/feedback").get_data(as_text=True)
    assert "from the shop" in html and "from the desk" in html
    assert 'href="/feedback"' in html


def test_a_manager_sees_only_their_teams_feedback(client, login):
    shop, desk = make_team("shop"), make_team("desk")
    make_feedback(shop, comment="from the shop")
    make_feedback(desk, comment="from the desk")
    login(make_user("manager", shop, manages=shop))
    html = client.get("/feedback").get_data(as_text=True)
    assert "from the shop" in html and "from the desk" not in html
    exported = rows_of(client.get("/feedback/export.csv"))
    assert [r["comment"] for r in exported] == ["from the shop"]


def test_staff_may_not_see_or_export_feedback(client, login):
    shop = make_team("shop")
    login(make_user("staff", shop))
    assert client.get("/feedback").status_code == 403
    assert client.get("/feedback/export.csv").status_code == 403


def test_filters_by_team_metric_score_period_positive_and_search(client, login):
    shop, desk = make_team("shop"), make_team("desk")
    now = utcnow()
    make_feedback(shop, metric="csat", score=5, comment="Amara was lovely", received_at=now - timedelta(days=2))
    make_feedback(shop, metric="nps", score=3, comment="slow queue", received_at=now - timedelta(days=40))
    make_feedback(desk, metric="csat", score=2, comment="rude on the phone", received_at=now - timedelta(days=3))
    login(make_user("hr"))

    def comments(**args):
        return [r["comment"] for r in rows_of(client.get("/feedback/export.csv", query_string=args))]

    assert comments(team="shop") == ["Amara was lovely", "slow queue"]
    assert comments(metric="nps") == ["slow queue"]
    assert comments(min="2", max="3") == ["rude on the phone", "slow queue"]
    assert comments(period="30d") == ["Amara was lovely", "rude on the phone"]
    assert comments(positive="1") == ["Amara was lovely"]
    assert comments(q="AMARA") == ["Amara was lovely"]
    assert comments(q="%") == []
    day = (now - timedelta(days=40)).date().isoformat()
    assert comments(**{"from": day, "to": day}) == ["slow queue"]
    html = client.get("/feedback", query_string={"q": "phone"}).get_data(as_text=True)
    assert "rude on the phone" in html and "Amara was lovely" not in html


def test_bad_filter_values_are_ignored_with_a_note_not_an_error(client, login):
    make_feedback(make_team("shop"), comment="still shown")
    login(make_user("hr"))
    response = client.get("/feedback", query_string={"min": "lots", "from": "last tuesday", "team": "ghost"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "still shown" in html
    assert "is not a whole number" in html and "is not a date" in html and "There is no team" in html


def test_the_list_is_paginated(client, login):
    shop = make_team("shop")
    for n in range(30):
        make_feedback(shop, comment=f"item number {n:02d}", received_at=utcnow() - timedelta(minutes=n))
    login(make_user("hr"))
    first = client.get("/feedback").get_data(as_text=True)
    second = client.get("/feedback?page=2").get_data(as_text=True)
    assert "item number 00" in first and "item number 29" not in first
    assert "item number 29" in second and "Page 2 of 2" in second


def test_export_guards_cells_against_spreadsheet_formulas(client, login):
    shop = make_team("shop")
    make_feedback(shop, comment='=HYPERLINK("http://evil.example","click")', helper_name="+Amara",
                  external_id="@ext")
    make_feedback(shop, comment="-5 stars", received_at=utcnow() - timedelta(days=1))
    login(make_user("hr"))
    response = client.get("/feedback/export.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    first, second = rows_of(response)
    assert first["comment"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert first["helper_name"] == "'+Amara" and first["external_id"] == "'@ext"
    assert second["comment"] == "'-5 stars"
    assert list(first)[:6] == ["external_id", "received_at", "team", "metric", "score", "comment"]


def test_to_the_last_day_of_the_calendar_means_no_upper_bound(client, login):
    shop = make_team("shop", "Shop")
    make_feedback(shop, comment="still listed")
    login(make_user("hr"))
    response = client.get("/feedback?to=9999-12-31")
    assert response.status_code == 200
    assert "still listed" in response.get_data(as_text=True)
    export = client.get("/feedback/export.csv?to=9999-12-31")
    assert export.status_code == 200 and [r["comment"] for r in rows_of(export)] == ["still listed"]


def test_pages_link_with_a_cursor_and_old_page_numbers_still_answer(client, login):
    import re

    shop = make_team("shop")
    base = utcnow() - timedelta(days=1)
    for n in range(60):  # pairs received at the same second: the id breaks the tie
        make_feedback(shop, comment=f"item number {n:02d}", received_at=base - timedelta(minutes=n // 2))
    login(make_user("hr"))

    def shown(html):
        return [int(m) for m in re.findall(r"item number (\d\d)", html)]

    def link(html, rel):
        match = re.search(rf'href="([^"]+)" rel="{rel}"', html)
        return match and match.group(1).replace("&amp;", "&")

    seen, url, pages = [], "/feedback", 0
    while url:
        html = client.get(url).get_data(as_text=True)
        pages += 1
        assert f"Page {pages} of 3" in html
        seen += shown(html)
        url = link(html, "next")
        if url:
            assert "after=" in url and f"page={pages + 1}" in url
    newest_first = sorted(range(60), key=lambda n: (n // 2, -n))  # same second: the later insert first
    assert pages == 3 and sorted(seen) == list(range(60)) and len(seen) == 60
    assert shown(client.get("/feedback?page=3").get_data(as_text=True)) == seen[50:]
    back = link(client.get(link(client.get("/feedback?page=2").get_data(as_text=True), "next"))
                .get_data(as_text=True), "prev")
    assert "before=" in back and shown(client.get(back).get_data(as_text=True)) == seen[25:50]
    assert seen == newest_first
