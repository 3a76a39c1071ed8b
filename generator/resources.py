"""Where the shipped `data/` and `templates/` folders are.

In a source checkout (and an editable install) they sit beside the package; in a wheel
they are copied inside it (see pyproject.toml, force-include).
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    inside = _PKG / name
    if inside.is_dir():
        return inside
    return _PKG.parent / name


DATA_DIR = _locate("data")
TEMPLATES_DIR = _locate("templates")
