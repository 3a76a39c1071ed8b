"""All-or-nothing output: every file is written to a temporary name first, and only when all
of them are complete are they renamed into place. A failed run leaves earlier outputs as
they were and no partial file behind."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from ..errors import Location, UserError, error, os_reason

_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_PREFIX = ".gen-report-"


def safe_file_stem(text: str, limit: int = 120) -> str:
    """A file name every system accepts, from a department's name (which may hold "/")."""
    text = "".join(c for c in str(text) if unicodedata.category(c) not in ("Cs", "Cf"))
    stem = _FORBIDDEN.sub("_", text).strip().rstrip(". ")
    stem = stem.lstrip(". ")  # no hidden files, no "..": a name stays a name
    stem = stem[:limit].rstrip(". ") or "未命名"
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = "_" + stem
    return stem


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file or none: on any failure, targets keep their previous content."""
    temps: list[tuple[str, Path]] = []
    backups: list[tuple[Path, str | None]] = []  # (target, its previous content's temp name)
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=_PREFIX, suffix=".tmp", dir=path.parent)
            temps.append((tmp, path))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
        for tmp, path in temps:
            backup = None
            if path.exists():
                fd, backup = tempfile.mkstemp(prefix=_PREFIX, suffix=".bak", dir=path.parent)
                os.close(fd)
                try:
                    os.replace(path, backup)
                except OSError:
                    Path(backup).unlink(missing_ok=True)
                    raise
            backups.append((path, backup))
            os.replace(tmp, path)
    except OSError as e:
        _roll_back(temps, backups)
        target = next((p for t, p in temps if t == getattr(e, "filename", None)), None) or \
            (temps[-1][1] if temps else next(iter(files), Path(".")))
        raise UserError([error(
            "cannot-write", f"无法写入输出文件（{os_reason(e)}）", location=Location(file=str(target)),
            hint="请确认输出文件夹存在且可写；如文件正被 Word、WPS 或 Excel 打开，请先关闭再重新生成")]) from e
    for _, backup in backups:
        if backup:
            Path(backup).unlink(missing_ok=True)


def _roll_back(temps: list[tuple[str, Path]], backups: list[tuple[Path, str | None]]) -> None:
    """Put every target back as it was; best effort, since the disk may be what failed."""
    for path, backup in reversed(backups):
        try:
            if backup:
                os.replace(backup, path)
            else:
                path.unlink(missing_ok=True)
        except OSError:
            pass
    for tmp, _ in temps:
        Path(tmp).unlink(missing_ok=True)
