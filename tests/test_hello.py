"""The three smallest servers give the same answer to the same request."""

import requests

from workbook import serve


def test_hello_answers_get_with_the_same_text_in_every_language(language):
    with serve(language, "hello") as srv:
        response = requests.get(srv.url + "/", timeout=5)
    assert response.status_code == 200
    assert response.text == "Hello, World!\n"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Length"] == "14"


def test_hello_prints_exactly_one_readiness_line(language):
    with serve(language, "hello") as srv:
        requests.get(srv.url, timeout=5)
        printed = srv.output().splitlines()
    assert [line for line in printed if line.startswith("listening on")] == [f"listening on {srv.url}"]
