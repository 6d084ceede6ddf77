"""The counter of lesson 03: its count in the process's memory by default, in a directory shared by
every replica with COUNTER_STORE. Every behaviour the lesson shows is checked here, in all three
languages."""

import http.client
from concurrent.futures import ThreadPoolExecutor

import requests

from workbook import LANGUAGES, serve
from workbook.lessons.balancer import balance


def post(url: str) -> requests.Response:
    return requests.post(url + "/count", timeout=5)


# ---- counter: state in memory ----


def test_counter_post_adds_one_and_get_only_reads(language):
    with serve(language, "counter") as srv:
        counts = [post(srv.url).json() for _ in range(3)]
        read = requests.get(srv.url + "/count", timeout=5)
        again = requests.get(srv.url + "/count", timeout=5)
    assert counts == [{"count": 1}, {"count": 2}, {"count": 3}]
    assert read.json() == again.json() == {"count": 3}
    assert read.headers["Content-Type"] == "application/json"
    assert read.text == '{"count":3}\n'


def test_counter_restart_forgets_the_count(language):
    with serve(language, "counter") as srv:
        post(srv.url), post(srv.url)
    with serve(language, "counter") as srv:
        assert post(srv.url).json() == {"count": 1}


def test_counter_replicas_behind_a_balancer_each_count_on_their_own(language):
    with (
        serve(language, "counter") as first,
        serve(language, "counter") as second,
        balance([first.url, second.url]) as lb,
    ):
        counts = [post(lb.url).json()["count"] for _ in range(4)]
    assert sorted(counts) == [1, 1, 2, 2]


def test_counter_head_has_get_headers_and_no_body(language):
    with serve(language, "counter") as srv:
        response = requests.head(srv.url + "/count", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Length"] == "12"
    assert response.content == b""


def test_counter_other_methods_get_405_with_allow(language):
    with serve(language, "counter") as srv:
        response = requests.delete(srv.url + "/count", timeout=5)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, POST"
    assert response.json() == {"error": "method not allowed"}


def test_counter_other_paths_get_404(language):
    with serve(language, "counter") as srv:
        responses = [requests.get(srv.url + path, timeout=5) for path in ("/", "/count/", "/count?x=1")]
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert responses[0].json() == {"error": "not found"}


def test_counter_serves_two_requests_on_one_kept_alive_connection(language):
    with serve(language, "counter") as srv:
        connection = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
        answers = []
        for _ in range(2):
            connection.request("POST", "/count")
            answers.append(connection.getresponse().read())
            answers.append(connection.sock is not None)  # still open: the next request reuses it
        connection.close()
    assert answers == [b'{"count":1}\n', True, b'{"count":2}\n', True]


# ---- counter with COUNTER_STORE: state in a directory the replicas share ----


def test_counter_store_keeps_one_file_per_count(language, tmp_path):
    store = tmp_path / "count"
    with serve(language, "counter", env={"COUNTER_STORE": str(store)}) as srv:
        counts = [post(srv.url).json()["count"] for _ in range(3)]
        read = requests.get(srv.url + "/count", timeout=5).json()
    assert counts == [1, 2, 3]
    assert read == {"count": 3}
    assert sorted(path.name for path in store.iterdir()) == ["1", "2", "3"]


def test_counter_store_survives_a_restart(language, tmp_path):
    env = {"COUNTER_STORE": str(tmp_path)}
    with serve(language, "counter", env=env) as srv:
        post(srv.url), post(srv.url)
    with serve(language, "counter", env=env) as srv:
        assert post(srv.url).json() == {"count": 3}


def test_counter_store_replicas_of_three_languages_count_as_one(tmp_path):
    env = {"COUNTER_STORE": str(tmp_path)}
    servers = [serve(language, "counter", env=env) for language in LANGUAGES]
    try:
        with balance([srv.url for srv in servers]) as lb:
            counts = [post(lb.url).json()["count"] for _ in range(6)]
        reads = [requests.get(srv.url + "/count", timeout=5).json() for srv in servers]
    finally:
        for srv in servers:
            srv.stop()
    assert counts == [1, 2, 3, 4, 5, 6]
    assert reads == [{"count": 6}] * 3


def test_counter_store_loses_no_count_when_replicas_race(tmp_path):
    env = {"COUNTER_STORE": str(tmp_path)}
    servers = [serve(language, "counter", env=env) for language in LANGUAGES]
    try:
        with ThreadPoolExecutor(12) as pool:
            counts = list(pool.map(lambda i: post(servers[i % 3].url).json()["count"], range(60)))
    finally:
        for srv in servers:
            srv.stop()
    assert sorted(counts) == list(range(1, 61))


def test_counter_exits_0_on_sigterm(language):
    srv = serve(language, "counter")
    assert srv.stop() == 0
