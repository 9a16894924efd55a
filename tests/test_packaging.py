"""What `pip install .` ships: every package directory under assess/ is listed in pyproject.toml
(setuptools installs only the packages listed; a subpackage left out is missing once installed)."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "assess").rglob("__init__.py")}
    assert found - listed == set()
