"""Sphinx configuration: the Markdown pages of docs/ as the narrative (myst-parser),
numpydoc docstrings, and an API reference generated for every name in
``migecon.__all__`` (autosummary). Build with::

    python -m sphinx -W -b html docs docs/_build/html
"""

from __future__ import annotations

import inspect
import sys
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import migecon  # noqa: E402

project = "migecon"
author = "migecon developers"
copyright = "migecon developers"
release = migecon.__version__

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "img/make_images.py", "api/generated/*.md"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
# Pages link to the repository's README, examples and benchmarks (outside docs/):
# those links are meant for readers on the repository host; Sphinx keeps them as
# plain links instead of warning.
suppress_warnings = ["myst.xref_missing"]

autosummary_generate = True
autodoc_typehints = "none"
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()
templates_path = ["_templates"]
html_theme = "alabaster"
html_static_path: list[str] = []

# ---------------------------------------------------------------- API reference
# One page per public name, grouped by the stage of the data journey that defines
# it. Generated on every build from migecon.__all__, so a new public name cannot
# miss its page.
_GROUPS = (
    ("Panel builders", "migecon.panel"),
    ("Estimators", "migecon.estimate.linear"),
    ("Dynamic panels (GMM)", "migecon.estimate.gmm"),
    ("Heterogeneous panels", "migecon.estimate.heterogeneous"),
    ("Diagnostics", "migecon.estimate.diagnostics"),
    ("Results", "migecon.estimate"),
    ("Report writers", "migecon.report"),
    ("Reproduction", "migecon.replicate"),
    ("Simulation", "migecon.simulate"),
    ("Studies and other tools", "migecon"),
)


def _home(name: str) -> str:
    obj = getattr(migecon, name)
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    return getattr(inspect.unwrap(obj), "__module__", "migecon") or "migecon"


def _write_api_page() -> None:
    names = [n for n in migecon.__all__ if n != "__version__"]
    grouped: dict[str, list[str]] = {title: [] for title, _ in _GROUPS}
    for name in names:
        home = _home(name)
        title = next(t for t, prefix in _GROUPS if home == prefix or home.startswith(prefix + ".")
                     or prefix == "migecon")
        grouped[title].append(name)
    lines = ["API reference", "=============", "",
             "Every public name of ``migecon`` (``import migecon as mg``). This page is "
             "generated from ``migecon.__all__`` when the documentation is built.", "",
             ".. currentmodule:: migecon", ""]
    for title, members in grouped.items():
        if not members:
            continue
        lines += [title, "-" * len(title), "", ".. autosummary::", "   :toctree: generated",
                  "   :nosignatures:", ""]
        lines += [f"   {n}" for n in sorted(members, key=str.lower)]
        lines.append("")
    target = HERE / "api" / "index.rst"
    target.parent.mkdir(exist_ok=True)
    text = "\n".join(lines)
    if not target.exists() or target.read_text() != text:
        target.write_text(text)


_write_api_page()
