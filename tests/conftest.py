"""Shared helpers: run the CLI as an officer would, and stand in for the Word writer."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "清远市政务服务数据管理局-2020-决算.yaml"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fake_docx(monkeypatch: pytest.MonkeyPatch) -> None:
    """generator/writers/docx.py is another developer's work, not yet on this branch."""
    module = types.ModuleType("generator.writers.docx")
    module.docx_bytes = lambda doc: b"fake docx"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "generator.writers.docx", module)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):  # noqa: ANN201
    """Run gen-report with `args`; return (exit code, stdout, stderr)."""

    def invoke(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exc:
            main([str(a) for a in args])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return exc.value.code, out, err

    return invoke
