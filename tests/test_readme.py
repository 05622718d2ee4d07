"""The README's tour is run, so the output it shows is real and cannot rot."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _quickstart_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None, "README needs a ```bash block under ## Quick start"
    return block.group(1).strip().splitlines()


def test_quickstart_is_two_lines_install_demo_then_tests() -> None:
    lines = _quickstart_lines()
    assert len(lines) == 2
    assert "pip install" in lines[0] and "migecon demo" in lines[0]
    assert "pip install" in lines[1] and "[test]" in lines[1] and "pytest" in lines[1]


def test_readme_tour_runs_and_shows_real_output(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "the README tour has no python blocks"
    parser = doctest.DocTestParser()
    test = parser.get_doctest("\n".join(blocks), {"tmp": tmp_path}, "README", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    try:
        runner.run(test)
    finally:
        plt.close("all")
    result = runner.summarize(verbose=False)
    if result.failed:
        pytest.fail(f"{result.failed} README example(s) failed; see the output above")
    assert (tmp_path / "growth.tex").exists()
    assert (tmp_path / "coef.png").exists()
