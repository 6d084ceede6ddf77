"""In a notebook, a cell owns what it starts (running it again replaces it) and a mistake reads as
one line (workbook.cells). Each test drives a real kernel, as JupyterLab does."""

import os
import signal
import threading
import time
from pathlib import Path

import nbformat
import pytest
from conftest import alive
from kernel import Kernel, errors, text

from workbook.paths import ROOT


@pytest.fixture(scope="module")
def kernel():
    with Kernel() as running:
        running.run("from workbook import serve, temporary_folder, web\nimport workbook.launcher as launcher")
        yield running


def running_servers(kernel) -> int:
    return int(text(kernel.run("sum(srv.running() for srv in list(launcher._servers))")))


def test_running_a_start_cell_again_replaces_its_servers(kernel):
    start = "servers = [serve('python', 'hello'), serve('node', 'hello')]\nservers"
    before = running_servers(kernel)
    kernel.run(start)
    first = [int(pid) for pid in text(kernel.run("print(*[srv.pid for srv in servers])")).split()]
    for _ in range(2):
        assert errors(kernel.run(start)) == []
    assert running_servers(kernel) == before + 2
    assert not any(alive(pid) for pid in first)


def test_a_different_cell_keeps_what_another_cell_started(kernel):
    kernel.run("kept = serve('python', 'hello')")
    kernel.run("other = serve('python', 'hello')")
    assert text(kernel.run("kept.running(), other.running()")) == "(True, True)"


def test_running_a_cell_again_removes_its_folder_and_stops_the_servers_using_it(kernel):
    cell = (
        "store = temporary_folder('counter')\n"
        "counter = serve('python', 'counter', env={'COUNTER_STORE': str(store)})"
    )
    kernel.run(cell)
    kernel.run("first_store, first_counter = store, counter")
    kernel.run(cell)
    gone = "first_store.exists(), first_counter.running(), store.exists(), counter.running()"
    assert text(kernel.run(gone)) == "(False, False, True, True)"


def test_a_replica_started_by_a_replace_cell_belongs_to_the_cell_that_made_the_replicas(kernel):
    """Running the replace cell again must not stop the replica its first run started."""
    kernel.run("from workbook.lessons.replicas import Replicas\nreps = Replicas(('go',))")
    replace = "reps.replace('go')"
    assert errors(kernel.run(replace)) == []
    assert errors(kernel.run(replace)) == []
    assert text(kernel.run("reps['go'].running()")) == "True"


def test_a_name_not_defined_yet_is_one_sentence(kernel):
    shown = errors(kernel.run("no_such_name + 1"))
    assert [error["traceback"] for error in shown] == [
        ["`no_such_name` is not defined yet: run the cell that defines it first."]
    ]


def test_a_stopped_server_is_named_with_the_cell_that_starts_it(kernel):
    kernel.run("hello = serve('go', 'hello')")
    shown = errors(kernel.run("hello.stop()\nweb.get(hello.url)"))
    assert len(shown) == 1 and len(shown[0]["traceback"]) == 1
    sentence = shown[0]["traceback"][0]
    assert sentence.startswith("The go hello server at http://127.0.0.1:")
    assert sentence.endswith(
        "is stopped: run the cell that starts it again (the one that begins `hello = serve('go', 'hello')`)."
    )


def test_an_interrupt_is_one_line(kernel):
    shown = errors(kernel.run("raise KeyboardInterrupt"))
    assert [error["traceback"] for error in shown] == [
        ["Interrupted. Whatever this cell started is stopped when you run it again."]
    ]


def test_an_interrupted_load_run_stops_hey(kernel):
    """Interrupt the kernel (JupyterLab's stop button) while hey runs: one line, and hey is gone."""
    kernel.run("from workbook.lessons.load import start_hey\nhello = serve('go', 'hello')")
    pid = kernel.client.km.provisioner.process.pid
    threading.Timer(1.0, os.kill, [pid, signal.SIGINT]).start()  # what Jupyter's interrupt sends
    started = time.monotonic()
    shown = errors(kernel.run("load = start_hey(hello.url, seconds=30)\nload.result()"))
    assert time.monotonic() - started < 15
    assert [error["traceback"] for error in shown] == [
        ["Interrupted. Whatever this cell started is stopped when you run it again."]
    ]
    assert text(kernel.run("load.running()")) == "False"


def test_a_missing_name_points_to_the_section_that_defines_it(tmp_path):
    from workbook.cells import where_defined

    notebook = tmp_path / "lesson.ipynb"
    notebook.write_text(
        '{"cells": [{"cell_type": "markdown", "source": ["## Start all three"]},'
        ' {"cell_type": "code", "source": ["servers = {}"]}]}'
    )
    assert where_defined("servers", notebook) == ' (the cell under "Start all three")'
    assert where_defined("elsewhere", notebook) == ""


def test_a_lesson_cell_run_before_its_start_cell_names_the_cell_to_run_first():
    """Lesson 02's probe table, run before the servers are started, as JupyterLab would run it."""
    lesson = ROOT / "notebooks" / "02_three_smallest_servers.ipynb"
    cells = [c for c in nbformat.read(lesson, as_version=4).cells if c.cell_type == "code"]
    probe_table = next(cell for cell in cells if "summarize(raw_request" in cell.source)
    with Kernel(env={"JPY_SESSION_NAME": str(lesson)}) as fresh:
        fresh.run(cells[0])  # the imports
        shown = errors(fresh.run(probe_table))
    expected = (
        '`servers` is not defined yet: run the cell that defines it first (the cell under "Start all three").'
    )
    assert [error["traceback"] for error in shown] == [[expected]]


def lesson_09_cells() -> tuple[Path, dict[str, nbformat.NotebookNode]]:
    """Lesson 09 and the code cells these tests run, by what they do."""
    lesson = ROOT / "notebooks" / "09_at_scale.ipynb"
    cells = [c for c in nbformat.read(lesson, as_version=4).cells if c.cell_type == "code"]
    starting = {
        "imports": "import time",
        "replicas": "replicas = Replicas()",
        "balancer": "lb = balance(replicas",
        "replacements": "with (start_hey(",
    }
    return lesson, {
        name: next(c for c in cells if c.source.startswith(start)) for name, start in starting.items()
    }


def test_lesson_09s_replacements_run_before_the_balancer_cell_name_it():
    lesson, cells = lesson_09_cells()
    with Kernel(env={"JPY_SESSION_NAME": str(lesson)}) as fresh:
        fresh.run(cells["imports"])
        fresh.run(cells["replicas"])
        shown = errors(fresh.run(cells["replacements"]))
    expected = (
        "`lb` is not defined yet: run the cell that defines it first"
        ' (the cell under "One address in front of them").'
    )
    assert [error["traceback"] for error in shown] == [[expected]]


def test_lesson_09s_replacements_after_new_replicas_name_the_balancer_cell_to_run_again():
    """The replicas cell run again stops the balancer in front of the old replicas: a cell that
    uses it says so in one line, instead of a table of 502s from replicas that are gone."""
    lesson, cells = lesson_09_cells()
    with Kernel(env={"JPY_SESSION_NAME": str(lesson)}) as fresh:
        for name in ("imports", "replicas", "balancer", "replicas"):
            assert errors(fresh.run(cells[name])) == [], name
        shown = errors(fresh.run(cells["replacements"]))
        assert text(fresh.run("lb.running(), all(r.running() for r in replicas.values())")) == "(False, True)"
    assert len(shown) == 1 and len(shown[0]["traceback"]) == 1
    sentence = shown[0]["traceback"][0]
    assert sentence.startswith("The balancer (Caddy) at http://127.0.0.1:")
    assert sentence.endswith(
        "is stopped: run the cell that starts it again (the one that begins `"
        + cells["balancer"].source.splitlines()[0]
        + "`)."
    )
