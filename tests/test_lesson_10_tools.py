"""Lesson 10's tools: the tap keeps the bytes it relays; Caddy serves TLS from its own local
authority (`tls internal`) and writes an access log that hides `Authorization`."""

import pytest
import requests

from workbook import serve
from workbook.lessons.balancer import balance
from workbook.lessons.tap import Tap


@pytest.fixture(scope="module")
def upstream():
    with serve("go", "users") as srv:
        yield srv


def test_the_tap_relays_both_ways_and_keeps_a_copy(upstream):
    with Tap(upstream.port) as tap:
        response = requests.get(f"http://127.0.0.1:{tap.port}/users/7", timeout=5)
        assert response.json() == {"error": "user not found"}
        assert tap.sent.startswith(b"GET /users/7 HTTP/1.1\r\n")
        assert tap.received.startswith(b"HTTP/1.1 404 Not Found\r\n")


def test_caddy_serves_https_that_only_its_own_authority_vouches_for(upstream):
    with balance([upstream.url], tls=True) as lb:
        assert lb.url.startswith("https://127.0.0.1:")
        assert requests.get(lb.url + "/users", verify=lb.authority, timeout=5).status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(lb.url + "/users", timeout=5)


def test_through_tls_the_tap_sees_no_header_and_no_credential(upstream):
    with balance([upstream.url], tls=True) as lb, Tap(lb.port) as tap:
        url = f"https://127.0.0.1:{tap.port}/users"
        requests.get(url, auth=("ada@example.com", "secret words"), verify=lb.authority, timeout=5)
        assert tap.sent and b"secret words" not in tap.sent and b"Authorization" not in tap.sent
        assert b"YWRhQGV4YW1wbGUuY29tOnNlY3JldCB3b3Jkcw" not in tap.sent  # the base64 of the pair


def test_the_access_log_keeps_the_url_and_redacts_authorization(upstream):
    with balance([upstream.url], access_log=True) as lb:
        requests.get(lb.url + "/users?access_token=abc", headers={"Authorization": "Bearer xyz"}, timeout=5)
        (entry,) = lb.access_log(wait_for=1)
        assert entry["request"]["uri"] == "/users?access_token=abc"
        assert entry["request"]["headers"]["Authorization"] == ["REDACTED"]
