"""workbook.web: requests with a default timeout, for cells where the request is not the point."""

from workbook import web


def test_every_call_gets_the_default_timeout_unless_it_says_otherwise(monkeypatch):
    seen = []
    monkeypatch.setattr(web.requests, "request", lambda method, url, **kwargs: seen.append(kwargs))
    web.get("http://127.0.0.1:1/")
    web.post("http://127.0.0.1:1/", json={}, timeout=1)
    assert [kwargs["timeout"] for kwargs in seen] == [web.TIMEOUT, 1]


def test_a_session_gets_the_default_timeout_too(monkeypatch):
    seen = []
    monkeypatch.setattr(web.requests.Session, "request", lambda self, method, url, **kw: seen.append(kw))
    with web.Session() as session:
        session.get("http://127.0.0.1:1/")
    assert [kwargs["timeout"] for kwargs in seen] == [web.TIMEOUT]
