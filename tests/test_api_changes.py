"""workbook.lessons.api_changes: each edit makes the change it names, and oasdiff (the real one, built from
source on first use, workbook.programs) gives lesson 07's verdicts on them."""

import pytest

from workbook.lessons.api_changes import EDITS, breaking, changelog, load_base, revise, without_name

# What oasdiff breaking finds for each change: {(level, rule id): count}.
EXPECTED = {
    "add_field": {},
    "rename_field": {
        ("error", "new-required-request-property"): 1,
        ("error", "response-required-property-removed"): 6,
        ("warning", "request-property-removed"): 3,
    },
    "tighten_validation": {("error", "request-property-max-length-decreased"): 3},
    "require_field": {("error", "request-parameter-became-required"): 2},
    "change_status": {},
    "evolved": {},
    "shared_emails": {},
}


@pytest.mark.parametrize("change", EXPECTED)
def test_oasdiff_finds_exactly_these_breaking_changes(change):
    assert dict(breaking(revise(change)).rules()) == EXPECTED[change]


def test_oasdiff_sees_the_type_change_of_id():
    rules = breaking(revise("change_type")).rules()
    assert rules[("error", "response-property-type-changed")] == 8


def test_oasdiff_sees_the_changed_status_only_as_information():
    assert dict(changelog(revise("change_status")).rules()) == {
        ("info", "response-non-success-status-added"): 2,
        ("info", "response-non-success-status-removed"): 2,
    }


def test_removing_the_deprecated_name_is_sanctioned_but_its_successor_becoming_required_is_not():
    """Lesson 08: after the sunset, oasdiff files the removal of `name` itself as info; it flags only
    `full_name`, until then one of two names, becoming required on a create."""
    evolved = revise("evolved")
    assert dict(changelog(without_name(evolved), base=evolved).rules()) == {
        ("error", "request-body-any-of-removed"): 1,
        ("error", "request-property-became-required"): 1,
        ("info", "api-version-not-bumped"): 1,
        ("info", "request-property-removed-with-deprecation"): 3,
        ("info", "response-required-property-removed-with-deprecation"): 6,
    }


def test_the_unchanged_document_has_no_findings():
    assert changelog(load_base()).findings == []


def test_revise_leaves_the_base_untouched():
    base = load_base()
    revise("rename_field", base)
    assert base == load_base()
    assert "name" in base["components"]["schemas"]["User"]["properties"]


def test_every_change_of_the_server_has_an_edit():
    from workbook.paths import SERVERS

    text = (SERVERS / "python" / "users_evolving.py").read_text()
    for change in EDITS:
        assert f'"{change}"' in text


def test_a_summary_is_one_stable_line():
    assert breaking(revise("require_field")).summary() == "error: request-parameter-became-required x2"
    assert breaking(revise("add_field")).summary() == "none"


def test_an_unknown_change_says_which_exist():
    with pytest.raises(ValueError, match="choose one of: add_field, rename_field"):
        revise("nope")
