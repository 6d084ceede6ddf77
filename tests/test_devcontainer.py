"""The dev container: valid under the dev container spec's schema, with pinned features that install
toolchains `make` accepts, `make setup` after creation, and JupyterLab's port labelled."""

import json
import re

import pytest
from jsonschema import Draft201909Validator

from workbook.paths import ROOT
from workbook.toolchain import MINIMUM

CONFIG = ROOT / ".devcontainer" / "devcontainer.json"
SCHEMA = ROOT / "tests" / "schemas" / "devContainer.base.schema.json"


@pytest.fixture(scope="module")
def config() -> dict:
    return json.loads(CONFIG.read_text())


@pytest.fixture(scope="module")
def validator() -> Draft201909Validator:
    return Draft201909Validator(json.loads(SCHEMA.read_text()))


def problems(validator: Draft201909Validator, document: dict) -> list[str]:
    return [error.message for error in validator.iter_errors(document)]


def test_the_dev_container_is_valid_under_the_spec_schema(config, validator):
    assert problems(validator, config) == []


def test_the_schema_would_catch_a_misspelt_key(config, validator):
    assert problems(validator, {**config, "postCreateComand": "make setup"}) != []


def test_every_feature_is_pinned_to_an_exact_version(config):
    assert [ref for ref in config["features"] if not re.search(r":\d+\.\d+\.\d+$", ref)] == []


@pytest.mark.parametrize("tool", ["python", "node", "go"])
def test_each_toolchain_is_one_make_accepts(config, tool):
    (options,) = [value for ref, value in config["features"].items() if f"/features/{tool}:" in ref]
    version = tuple(int(part) for part in options["version"].split("."))
    minimum = MINIMUM[tool][0]
    assert version[: len(minimum)] >= minimum


def test_creating_the_container_runs_make_setup(config):
    assert config["postCreateCommand"] == "make setup"


def test_jupyterlab_port_is_forwarded_and_labelled(config):
    assert 8888 in config["forwardPorts"]
    assert config["portsAttributes"]["8888"]["label"] == "JupyterLab"
