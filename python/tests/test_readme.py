"""The README's tour is real: its `>>>` examples run and print what it shows."""

import doctest

from conftest import ROOT


def test_readme_examples_run_as_shown():
    failed, tried = doctest.testfile(str(ROOT / "python" / "README.md"), module_relative=False)
    assert tried > 10 and failed == 0
