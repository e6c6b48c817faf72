"""Shared helpers: the repository's fixtures and its scenepal program, whose
output the Python package must match byte for byte."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


def cli_path() -> Path:
    """The scenepal program: $SCENEPAL_BIN, else the debug build."""
    path = Path(os.environ.get("SCENEPAL_BIN", ROOT / "target" / "debug" / "scenepal"))
    if not path.exists():
        pytest.fail(f"{path} does not exist: run `cargo build` (or set SCENEPAL_BIN)")
    return path


def run_cli(*args) -> str:
    """scenepal's stdout for `args` (run from the repository root, so the
    paths it records are the ones given), without its final newline."""
    done = subprocess.run(
        [str(cli_path()), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        check=True,
        env={"PATH": os.environ.get("PATH", ""), "NO_COLOR": "1"},
    )
    return done.stdout.decode().rstrip("\n")


@pytest.fixture(autouse=True)
def _in_root(monkeypatch):
    # Paths as the CLI is given them, relative to the repository.
    monkeypatch.chdir(ROOT)
