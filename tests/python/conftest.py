"""Shared fixtures for the tokenlens Python suite.

The suite runs against the package staged in the build tree: CTest sets PYTHONPATH to
build/<preset>/bindings/python. Run by hand with
    PYTHONPATH=build/default/bindings/python /usr/bin/python3 -m pytest tests/python
"""
import os
import pathlib
import shutil

import pytest

import tokenlens  # noqa: F401  (an import failure must fail the run, never skip it)

SOURCE_DIR = pathlib.Path(os.environ.get("TOKENLENS_SOURCE_DIR",
                                         pathlib.Path(__file__).resolve().parents[2]))
SCENARIOS = SOURCE_DIR / "examples" / "scenarios"


def scenario_files():
    return sorted(SCENARIOS.glob("*.json")) if SCENARIOS.is_dir() else []


def find_cli():
    """The tokenlens CLI of the build tree: $TOKENLENS_CLI, else next to the binding."""
    env = os.environ.get("TOKENLENS_CLI")
    if env:
        return env
    binding = pathlib.Path(tokenlens.__file__).resolve().parents[1]  # .../bindings/python
    candidate = binding.parents[1] / "cli" / "tokenlens"
    if candidate.exists():
        return str(candidate)
    return shutil.which("tokenlens")


@pytest.fixture
def scenario_dir():
    return SCENARIOS


def pytest_collection_finish(session):
    # pytest exits 5 when nothing is collected; make that a loud failure, not a quiet pass.
    if not session.items:
        raise pytest.UsageError("no tests collected from %s" % session.config.args)
