"""The mutating GET of lesson 04: links that change data, met by a retrying client and a crawler."""

import re

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from workbook import serve

LOSE = "--lose-first-response"


def state(url: str) -> dict[str, int]:
    """Reminders sent per user name, for the users that are left."""
    return {
        user["name"]: user["reminders"] for user in requests.get(url + "/users", timeout=5).json()["users"]
    }


def retrying_client() -> requests.Session:
    client = requests.Session()
    client.mount("http://", HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0)))
    return client


def test_the_page_links_every_action_of_every_user():
    with serve("python", "mutating_get") as srv:
        page = requests.get(srv.url + "/", timeout=5)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert re.findall(r'href="([^"]+)"', page.text) == [
        "/users/1/remind",
        "/users/1/delete",
        "/users/2/remind",
        "/users/2/delete",
        "/users/3/remind",
        "/users/3/delete",
    ]


def test_reading_the_page_and_the_state_changes_nothing():
    with serve("python", "mutating_get") as srv:
        for _ in range(3):
            requests.get(srv.url + "/", timeout=5)
        assert state(srv.url) == {"Ada Lovelace": 0, "Grace Hopper": 0, "Alan Turing": 0}


def test_get_remind_sends_a_reminder_each_time():
    with serve("python", "mutating_get") as srv:
        first = requests.get(srv.url + "/users/1/remind", timeout=5)
        requests.get(srv.url + "/users/1/remind", timeout=5)
        assert first.text == "Sent a reminder to Ada Lovelace (reminders sent: 1).\n"
        assert state(srv.url)["Ada Lovelace"] == 2


def test_post_remind_does_the_same_work():
    with serve("python", "mutating_get") as srv:
        response = requests.post(srv.url + "/users/2/remind", timeout=5)
        assert response.status_code == 200
        assert state(srv.url)["Grace Hopper"] == 1


def test_get_delete_deletes_and_then_finds_no_user():
    with serve("python", "mutating_get") as srv:
        first = requests.get(srv.url + "/users/3/delete", timeout=5)
        second = requests.get(srv.url + "/users/3/delete", timeout=5)
        assert (first.status_code, first.text) == (200, "Deleted Alan Turing.\n")
        assert (second.status_code, second.text) == (404, "no such user\n")
        assert "Alan Turing" not in state(srv.url)


def test_a_crawler_following_every_link_deletes_every_user():
    with serve("python", "mutating_get") as srv:
        links = re.findall(r'href="([^"]+)"', requests.get(srv.url + "/", timeout=5).text)
        for link in links:
            requests.get(srv.url + link, timeout=5)
        assert state(srv.url) == {}


def test_lose_first_response_closes_the_first_answer_to_each_action_after_doing_the_work():
    with serve("python", "mutating_get", LOSE) as srv:
        with pytest.raises(requests.ConnectionError):
            requests.get(srv.url + "/users/1/remind", timeout=5)
        assert state(srv.url)["Ada Lovelace"] == 1
        second = requests.get(srv.url + "/users/1/remind", timeout=5)
        assert second.status_code == 200
        assert state(srv.url)["Ada Lovelace"] == 2


def test_lose_first_response_leaves_reads_alone():
    with serve("python", "mutating_get", LOSE) as srv:
        assert requests.get(srv.url + "/", timeout=5).status_code == 200
        assert requests.get(srv.url + "/users", timeout=5).status_code == 200


def test_a_retrying_client_retries_the_get_and_it_mutates_twice():
    with serve("python", "mutating_get", LOSE) as srv, retrying_client() as client:
        response = client.get(srv.url + "/users/1/remind", timeout=5)
        assert response.status_code == 200
        assert len(response.raw.retries.history) == 1
        assert state(srv.url)["Ada Lovelace"] == 2


def test_a_retrying_client_does_not_retry_the_post():
    with serve("python", "mutating_get", LOSE) as srv, retrying_client() as client:
        with pytest.raises(requests.ConnectionError):
            client.post(srv.url + "/users/2/remind", timeout=5)
        assert state(srv.url)["Grace Hopper"] == 1


def test_unknown_paths_get_404():
    with serve("python", "mutating_get") as srv:
        responses = [
            requests.get(srv.url + "/nope", timeout=5),
            requests.get(srv.url + "/users/9/remind", timeout=5),
            requests.post(srv.url + "/users/1/delete", timeout=5),
        ]
    assert [r.status_code for r in responses] == [404, 404, 404]


def test_exits_0_on_sigterm():
    assert serve("python", "mutating_get").stop() == 0
