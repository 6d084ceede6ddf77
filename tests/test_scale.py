"""What lesson 09 relies on: replicas in three languages on one USERS_STORE, behind Caddy, answer
as one API, and a replica can be killed and replaced under load without a failed request."""

import collections
import time

import pytest
import requests

from workbook import LANGUAGES, serve
from workbook.lessons.balancer import balance
from workbook.lessons.load import start_hey

# Headers that differ by implementation or by the clock, not by what the API says.
VARIES = {"date", "server", "connection", "keep-alive", "x-upstream"}
PROBES = [
    dict(method="GET", url="/users/1"),
    dict(method="GET", url="/users?limit=1"),
    dict(method="GET", url="/users/99"),
    dict(method="HEAD", url="/users/1"),
    dict(method="POST", url="/users", json={"email": "ada@example.com", "name": "A"}),
    dict(method="PATCH", url="/users/1", json={"name": "A"}, headers={"If-Match": '"v9"'}),
    dict(method="DELETE", url="/users"),
]


def normalized(response: requests.Response) -> tuple:
    headers = sorted((k.lower(), v) for k, v in response.headers.items() if k.lower() not in VARIES)
    return response.status_code, tuple(headers), response.content


@pytest.fixture
def replicas(tmp_path):
    """One `users` replica per language, all on one USERS_STORE, with Ada already stored."""
    env = {"USERS_STORE": str(tmp_path / "store")}
    started = {language: serve(language, "users", env=env) for language in LANGUAGES}
    try:
        created = requests.post(
            started["go"].url + "/users", timeout=5, json={"email": "ada@example.com", "name": "Ada Lovelace"}
        )
        assert created.status_code == 201
        yield started, env
    finally:
        for srv in started.values():
            srv.stop()


def answered_by(replicas: dict, response: requests.Response) -> str:
    port = int(response.headers["X-Upstream"].rsplit(":", 1)[1])
    return next(language for language, srv in replicas.items() if srv.port == port)


def test_every_replica_reads_what_another_wrote(replicas):
    servers, _ = replicas
    for srv in servers.values():
        assert requests.get(srv.url + "/users/1", timeout=5).json()["name"] == "Ada Lovelace"


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: f"{p['method']} {p['url']}")
def test_three_languages_behind_one_balancer_answer_identically(replicas, probe):
    servers, _ = replicas
    with balance([srv.url for srv in servers.values()], show_upstream=True) as lb:
        sent = [requests.request(**{**probe, "url": lb.url + probe["url"]}, timeout=5) for _ in servers]
    assert sorted(answered_by(servers, r) for r in sent) == sorted(LANGUAGES)  # round robin: each once
    assert len({normalized(r) for r in sent}) == 1, [normalized(r) for r in sent]


@pytest.mark.parametrize("victim", LANGUAGES)
def test_kill_and_replace_under_load_fails_no_request(replicas, victim):
    servers, env = replicas
    with balance([srv.url for srv in servers.values()], retry_for="1s") as lb:
        with start_hey(lb.url + "/users/1", seconds=1.2, connections=8) as load:
            time.sleep(0.4)
            port = servers[victim].port
            assert servers[victim].stop() == 0
            servers[victim] = serve(victim, "users", port=port, env=env)
        result = load.result()
    assert result.outcome() == "all 200, 0 failed"
    assert result.responses > 100  # the load really ran
    assert requests.get(servers[victim].url + "/users/1", timeout=5).status_code == 200


def test_without_retry_a_dead_replica_costs_exactly_one_502(replicas):
    servers, _ = replicas
    servers["python"].stop()
    with balance([srv.url for srv in servers.values()], show_upstream=True, retry_for="0s") as lb:
        statuses = [requests.get(lb.url + "/users/1", timeout=5).status_code for _ in range(6)]
    # The passive health check takes the dead replica out after its first failure.
    assert collections.Counter(statuses) == {200: 5, 502: 1}


def test_with_every_replica_gone_the_balancer_answers_502_itself(replicas):
    servers, _ = replicas
    with balance([srv.url for srv in servers.values()], show_upstream=True, retry_for="200ms") as lb:
        for srv in servers.values():
            srv.stop()
        response = requests.get(lb.url + "/users/1", timeout=5)
    assert response.status_code == 502
    assert response.headers["Server"] == "Caddy"
    assert "X-Upstream" not in response.headers


def test_a_replaced_replica_drains_exits_0_and_its_successor_reads_the_same_store():
    from workbook.lessons.replicas import Replicas

    replicas = Replicas(languages=("python", "go"))
    try:
        created = requests.post(
            replicas["go"].url + "/users", json={"email": "ada@example.com", "name": "Ada"}, timeout=5
        )
        port = replicas["python"].port
        assert replicas.replace("python", language="node") == 0
        assert replicas.languages() == {"python": "node", "go": "go"}
        assert replicas["python"].port == port
        assert (
            requests.get(replicas["python"].url + created.headers["Location"], timeout=5).status_code == 200
        )
    finally:
        replicas.stop()
        replicas.store.remove()
    assert not replicas.store.exists()


def test_the_balancer_names_who_answered_from_the_names_it_was_given():
    with serve("go", "hello") as a, serve("python", "hello") as b:
        with balance({"first": a, "second": b}, show_upstream=True) as lb:
            names = {lb.answered_by(requests.get(lb.url, timeout=5)) for _ in range(4)}
    assert names == {"first", "second"}


def test_a_replica_out_of_rotation_gets_no_new_request_until_it_is_put_back():
    from workbook.lessons.replicas import Replicas

    replicas = Replicas(languages=("python", "go"))
    try:
        with balance(replicas, show_upstream=True) as lb:
            lb.take_out(replicas["python"])
            out = {lb.answered_by(requests.get(lb.url + "/users", timeout=5)) for _ in range(6)}
            lb.put_back(replicas["python"])
            back = {lb.answered_by(requests.get(lb.url + "/users", timeout=5)) for _ in range(6)}
        assert not lb.rotation._thread.is_alive()  # the rotation endpoint stops with Caddy
    finally:
        replicas.stop()
        replicas.store.remove()
    assert (out, back) == ({"go"}, {"go", "python"})


def test_a_balancer_in_front_of_plain_servers_has_no_rotation_unless_asked():
    with serve("go", "hello") as a:
        with balance([a.url]) as plain, balance([a.url], rotation=True, retry_for="100ms") as rotating:
            assert plain.rotation is None
            rotating.take_out(a)
            assert requests.get(rotating.url, timeout=5).status_code == 503  # no upstream in rotation
            rotating.put_back(a)
            assert requests.get(rotating.url, timeout=5).status_code == 200


def test_replace_skips_a_balancer_started_without_a_rotation():
    from workbook.lessons.replicas import Replicas

    replicas = Replicas(languages=("go",))
    try:
        with balance(replicas, rotation=False) as lb:
            assert lb.rotation is None
            assert replicas.replace("go") == 0  # SIGTERM at once: nothing to take it out of
    finally:
        replicas.stop()
        replicas.store.remove()
