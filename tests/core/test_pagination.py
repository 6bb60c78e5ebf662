"""List pages answer a page number from the address, however large, with a page rather than a 500."""
import pytest

from tests.factories import make_team, make_user

LIST_PAGES = ["/admin/people", "/admin/outbox", "/notifications", "/heroes", "/ideas", "/ideas/done",
              "/feedback", "/praise"]


@pytest.mark.both_databases
@pytest.mark.parametrize("page", ["99999999999999999999", "abc", "-1"])
def test_list_pages_answer_odd_page_numbers_without_error(client, login, page):
    admin = make_user("admin", make_team(), name="Ada Admin")
    login(admin)
    for path in LIST_PAGES:
        response = client.get(f"{path}?page={page}")
        assert response.status_code == 200, (path, response.status_code)

