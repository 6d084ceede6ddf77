"""workbook.show: the tables and source listings every lesson displays."""

import pytest

from workbook import source, table


def test_table_aligns_columns_under_a_rule():
    assert str(table([["GET", 200], ["DELETE", 501]], ["method", "status"])) == (
        "method  status\n------  ------\nGET     200\nDELETE  501"
    )


def test_table_writes_newlines_in_a_cell_as_backslash_n():
    assert str(table([["a\nb"]], ["x"])).splitlines()[-1] == "a\\nb"


def test_table_html_escapes_its_cells():
    html = table([["<b>&"]], ["x"])._repr_html_()
    assert "&lt;b&gt;&amp;" in html and "<b>" not in html


def test_table_refuses_a_row_with_the_wrong_number_of_cells():
    with pytest.raises(ValueError, match="row 1 has 1 cells but there are 2 columns"):
        table([["only one"]], ["a", "b"])


def test_source_shows_the_path_as_heading_and_the_file_as_code():
    shown = source("servers/go/hello/main.go")
    assert str(shown).splitlines()[0] == "servers/go/hello/main.go"
    assert shown._repr_markdown_().startswith("**`servers/go/hello/main.go`**\n\n```go\n")


def test_source_of_a_missing_file_says_which_path_to_give():
    with pytest.raises(FileNotFoundError, match="servers/python/hello.py"):
        source("servers/python/nope.py")


def test_source_with_function_names_shows_only_those_functions_in_that_order():
    shown = str(source("servers/python/counter.py", "add_one_in", "highest"))
    assert shown.splitlines()[0] == "servers/python/counter.py: add_one_in, highest"
    assert shown.index("def add_one_in(") < shown.index("def highest(")
    assert "def add_one()" not in shown


def test_source_finds_go_and_javascript_functions_up_to_their_closing_brace():
    go = str(source("servers/go/counter/main.go", "highest")).splitlines()
    assert go[2].startswith("func highest(") and go[-1] == "}"
    js = str(source("servers/node/counter.js", "highest")).splitlines()
    assert js[2].startswith("function highest(") and js[-1] == "}"


def test_source_names_a_function_it_cannot_find():
    with pytest.raises(ValueError, match="defines no top-level nowhere"):
        source("servers/python/counter.py", "nowhere")
