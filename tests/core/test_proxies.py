"""Behind a load balancer (TRUSTED_PROXIES), rate limits count each customer's own address."""
import pytest

from tests.conftest import csrf_token_from
from tests.factories import make_team


def _eleven_posts(client, headers):
    make_team("shop")
    token = csrf_token_from(client.get("/f/shop").get_data(as_text=True))
    codes = [client.post("/f/shop", data={"score": "4", "csrf_token": token}, headers=headers,
                         environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code for _ in range(11)]
    return token, codes


class TestBehindOneProxy:
    @pytest.fixture
    def app_overrides(self):
        return {"TRUSTED_PROXIES": 1}

    def test_customers_behind_the_balancer_have_their_own_limits(self, client):
        token, codes = _eleven_posts(client, {"X-Forwarded-For": "203.0.113.7"})
        assert codes[-1] == 429
        other = client.post("/f/shop", data={"score": "4", "csrf_token": token},
                            headers={"X-Forwarded-For": "198.51.100.4"},
                            environ_base={"REMOTE_ADDR": "10.0.0.1"})
        assert other.status_code == 302


def test_without_trusted_proxies_a_forwarded_header_is_ignored(client):
    token, codes = _eleven_posts(client, {"X-Forwarded-For": "203.0.113.7"})
    assert codes[-1] == 429
    spoofed = client.post("/f/shop", data={"score": "4", "csrf_token": token},
                          headers={"X-Forwarded-For": "198.51.100.4"},
                          environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert spoofed.status_code == 429
