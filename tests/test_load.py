"""workbook.lessons.load: reading hey's summary, drawing the bar chart, and a real run of hey."""

import base64
import math
import time
import xml.etree.ElementTree as ET

import pytest
import requests

from workbook import serve
from workbook.cells import LessonError
from workbook.lessons.load import (
    HEY,
    LoadResult,
    bar_chart,
    bar_chart_svg,
    parse_hey,
    run_hey,
    start_hey,
    start_posts,
)
from workbook.programs import program

# What `hey -z 1s -c 8 URL` printed against a hello server (every line kept as hey wrote it).
ALL_200 = """
Summary:
  Total:\t1.0094 secs
  Slowest:\t0.0131 secs
  Fastest:\t0.0000 secs
  Average:\t0.0003 secs
  Requests/sec:\t28177.4734

  Total data:\t398174 bytes
  Size/request:\t14 bytes

Response time histogram:
  0.000 [1]\t|
  0.001 [28029]\t|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.003 [295]\t|
  0.013 [1]\t|


Latency distribution:
  10% in 0.0001 secs
  25% in 0.0001 secs
  50% in 0.0002 secs
  75% in 0.0003 secs
  90% in 0.0005 secs
  95% in 0.0007 secs
  99% in 0.0016 secs

Details (average, fastest, slowest):
  DNS+dialup:\t0.0000 secs, 0.0000 secs, 0.0131 secs
  DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:\t0.0000 secs, 0.0000 secs, 0.0049 secs
  resp wait:\t0.0002 secs, 0.0000 secs, 0.0112 secs
  resp read:\t0.0000 secs, 0.0000 secs, 0.0081 secs

Status code distribution:
  [200]\t28441 responses



"""

# hey against a port where nothing listens: no responses, only errors.
ALL_REFUSED = """
Summary:
  Total:\t0.0014 secs
  Slowest:\t0.0000 secs
  Fastest:\t0.0000 secs
  Average:\t NaN secs
  Requests/sec:\t14349.4772


Response time histogram:


Latency distribution:

Details (average, fastest, slowest):
  DNS+dialup:\t NaN secs, 0.0000 secs, 0.0000 secs

Status code distribution:

Error distribution:
  [20]\tGet "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused

"""

# Some 200s, some 502s from a balancer, and two requests with no response at all.
MIXED = ALL_200.replace(
    "  [200]\t28441 responses\n",
    "  [200]\t28441 responses\n  [502]\t3 responses\n\n"
    "Error distribution:\n"
    '  [2]\tGet "http://127.0.0.1:9/": read: connection reset by peer\n',
)


def test_parse_reads_throughput_and_percentiles_in_seconds():
    result = parse_hey(ALL_200)
    assert result.requests_per_second == 28177.4734
    assert (result.p50, result.p99) == (0.0002, 0.0016)


def test_parse_reads_status_counts_and_no_errors():
    result = parse_hey(ALL_200)
    assert result.statuses == {200: 28441}
    assert result.errors == {}
    assert result.failed == 0
    assert result.outcome() == "all 200, 0 failed"


def test_requests_with_no_response_are_failures_with_their_error():
    result = parse_hey(ALL_REFUSED)
    assert result.statuses == {}
    assert result.errors == {
        'Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused': 20
    }
    assert result.failed == 20
    assert math.isnan(result.p50) and math.isnan(result.p99)
    assert result.outcome() == "no responses, 20 failed"


def test_5xx_responses_and_errors_count_as_failed_4xx_would_not():
    result = parse_hey(MIXED)
    assert result.statuses == {200: 28441, 502: 3}
    assert result.errors == {'Get "http://127.0.0.1:9/": read: connection reset by peer': 2}
    assert result.failed == 5
    assert result.outcome() == "status codes 200, 502, 5 failed"
    assert LoadResult(statuses={200: 5, 404: 1}).failed == 0


PANELS = {
    "requests/s": {"python alone": 2000.0, "go alone": 12000.0, "3 behind Caddy": 3000.0},
    "p99, ms": {"python alone": 14.0, "go alone": 5.0, "3 behind Caddy": math.nan},
}
SVG_NS = "{http://www.w3.org/2000/svg}"


def bars(svg: str) -> list[ET.Element]:
    return [rect for rect in ET.fromstring(svg).iter(SVG_NS + "rect") if rect.get("class") == "bar"]


def test_chart_is_well_formed_svg_with_one_bar_per_value():
    svg = bar_chart_svg(PANELS, title="GET /users/1")
    root = ET.fromstring(svg)  # raises if the XML is not well-formed
    assert root.tag == SVG_NS + "svg"
    assert len(bars(svg)) == 6


def test_chart_scales_each_panel_to_its_own_largest_value():
    widths = [float(rect.get("width")) for rect in bars(bar_chart_svg(PANELS))]
    assert widths[1] == max(widths[:3])  # go's 12000 fills the first panel
    assert widths[3] == max(widths[3:])  # python's 14 ms fills the second
    assert widths[0] == pytest.approx(widths[1] / 6)


def test_chart_shows_a_missing_value_as_n_a_with_no_bar():
    svg = bar_chart_svg(PANELS)
    assert float(bars(svg)[-1].get("width")) == 0
    values = [text.text for text in ET.fromstring(svg).iter(SVG_NS + "text") if text.get("class") == "value"]
    assert values == ["2,000", "12,000", "3,000", "14.0", "5.00", "n/a"]


def test_chart_escapes_labels_and_keeps_a_colour_per_label():
    svg = bar_chart_svg({"a & b": {"<x>": 1.0, "y": 2.0}, "c": {"<x>": 3.0, "y": 1.0}})
    texts = [text.text for text in ET.fromstring(svg).iter(SVG_NS + "text")]
    assert "a & b" in texts and "<x>" in texts
    fills = [rect.get("fill") for rect in bars(svg)]
    assert fills[0] == fills[2] and fills[1] == fills[3] and fills[0] != fills[1]


def test_hey_is_built_on_first_use():
    assert program("hey") == HEY and HEY.exists()


def test_a_short_real_run_against_hello_gets_only_200s():
    with serve("go", "hello") as srv:
        result = run_hey(srv.url, seconds=0.5, connections=4)
    assert result.outcome() == "all 200, 0 failed"
    assert result.responses > 0 and result.requests_per_second > 0
    assert result.p50 <= result.p99


def test_an_error_inside_the_with_block_stops_hey_at_once():
    with serve("go", "hello") as srv:
        with pytest.raises(ZeroDivisionError):
            with start_hey(srv.url, seconds=30, connections=1) as load:
                1 / 0  # noqa: B018
        assert not load.running()


def test_a_bar_chart_shows_as_an_image_and_as_text_without_numbers():
    chart = bar_chart(PANELS, title="GET /users/1")
    html = chart._repr_html_()
    assert html.startswith('<img alt="GET /users/1" src="data:image/svg+xml;base64,')
    encoded = html.split("base64,", 1)[1].rstrip('">')
    assert base64.b64decode(encoded).decode() == bar_chart_svg(PANELS, title="GET /users/1")
    assert repr(chart) == (  # the labels, never a measured number
        "bar chart: GET /users/1\n"
        "  requests/s: python alone, go alone, 3 behind Caddy\n"
        "  p99, ms: python alone, go alone, 3 behind Caddy"
    )


def test_a_write_load_posts_new_users_and_counts_their_statuses():
    with serve("go", "users") as srv:
        with start_posts(srv.url + "/users", seconds=0.5, clients=2) as writes:
            pass
        result = writes.result()
        listed = len(requests.get(srv.url + "/users?limit=100", timeout=5).json()["users"])
    assert result.outcome() == "all 201, 0 failed"
    assert listed == min(result.statuses[201], 100)  # every 201 is a user the server keeps


def test_a_load_without_a_duration_runs_until_finish_and_reports_what_it_measured():
    with serve("go", "users") as srv:
        started = time.monotonic()
        reads = start_hey(srv.url + "/users", seconds=None, connections=2)
        writes = start_posts(srv.url + "/users", seconds=None, clients=2)
        time.sleep(0.3)
        read, written = reads.finish(), writes.finish()
        seconds = time.monotonic() - started
    assert (read.outcome(), written.outcome()) == ("all 200, 0 failed", "all 201, 0 failed")
    assert read.responses > 0 and written.responses > 0
    assert seconds < 5


def test_a_load_on_a_stopped_server_is_refused_in_one_sentence():
    srv = serve("go", "hello")
    srv.stop()
    for start in (start_hey, start_posts):
        with pytest.raises(LessonError) as refused:
            start(srv.url, seconds=1)
        sentence = f"The go hello server at {srv.url} is stopped: run the cell that starts it again."
        assert str(refused.value) == sentence
