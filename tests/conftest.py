"""Shared helpers: run the CLI as an officer would."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import stored
from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "清远市政务服务数据管理局-2020-决算.yaml"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _private_store(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN202
    """The profiles and catalogues kept between runs (generator/stored.py) go to a folder of the
    test session's own: the many profiles tests make do not crowd the user's entries out."""
    folder = tmp_path_factory.mktemp("stored")
    with pytest.MonkeyPatch.context() as m:
        m.setattr(stored, "folder", lambda: folder)
        yield


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
