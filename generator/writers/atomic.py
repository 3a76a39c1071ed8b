"""All-or-nothing output: every file is written to a temporary name first, and only when all
of them are complete are they renamed into place. A failed run leaves earlier outputs as
they were and no partial file behind."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from ..errors import Location, UserError, error

_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_file_stem(text: str, limit: int = 120) -> str:
    """A file name every system accepts, from a department's name (which may hold "/")."""
    stem = _FORBIDDEN.sub("_", text).strip().rstrip(". ")
    stem = stem[:limit].rstrip(". ") or "未命名"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return stem


def write_all(files: dict[Path, bytes]) -> None:
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".gen-report-", suffix=".tmp", dir=path.parent)
            temps.append((tmp, path))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
        for tmp, path in temps:
            os.replace(tmp, path)
    except OSError as e:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)
        target = next((p for t, p in temps if t == getattr(e, "filename", None)), None) or \
            (temps[-1][1] if temps else next(iter(files), Path(".")))
        raise UserError([error(
            "cannot-write", f"无法写入输出文件（{e.strerror or e}）", location=Location(file=str(target)),
            hint="请确认输出文件夹存在且可写；如文件正被 Word、WPS 或 Excel 打开，请先关闭再重新生成")]) from e
