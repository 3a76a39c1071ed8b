"""Shared helpers: run the CLI as an officer would."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "清远市政务服务数据管理局-2020-决算.yaml"
FIXTURES = Path(__file__).parent / "fixtures"


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
