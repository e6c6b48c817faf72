"""The README's tour is real: every `>>>` example in python/README.md runs
and prints what the README shows."""

import doctest
import os

from conftest import ROOT, cli_path


def python_blocks(text: str) -> str:
    """The README's ```python blocks, fences removed, one after another."""
    blocks, inside = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            inside = line == "```python"
            blocks.append("")
        elif inside:
            blocks.append(line)
    return "\n".join(blocks)


def test_every_readme_example_prints_what_the_readme_shows(monkeypatch):
    # The tour compares with the CLI, found on PATH as a user's would be.
    monkeypatch.setenv("PATH", f"{cli_path().parent}{os.pathsep}{os.environ.get('PATH', '')}")
    text = python_blocks((ROOT / "python" / "README.md").read_text())
    test = doctest.DocTestParser().get_doctest(text, {}, "python/README.md", None, 0)
    assert len(test.examples) >= 10, "the tour lost its examples"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
