"""Time the Word writer alone: `docx_bytes(document)` for each example, min of N runs.

    python benchmarks/docx_writer.py [N] [--profile] [--save DIR] [--compare DIR]

--save writes every example's .docx to DIR; --compare checks that each zip member is
byte-identical to the one saved earlier (a stricter net than the golden content dumps
while optimising the writer).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.timing import min_and_median_ms  # noqa: E402
from generator.build import prepare, render_full  # noqa: E402
from generator.writers.docx import docx_bytes  # noqa: E402

EXAMPLES = sorted((ROOT / "data/examples").glob("*.yaml"))
CHARTS = "\n图表: [收支对比, 支出结构, 三公结构]\n"  # as in tests/test_charts.py


def _documents() -> dict:
    docs = {p.stem: render_full(prepare(p))[0] for p in EXAMPLES}
    # One document with pictures, so the figure path is compared too.
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / EXAMPLES[1].name
        source.write_text(EXAMPLES[1].read_text(encoding="utf-8") + CHARTS, encoding="utf-8")
        docs["图表"] = render_full(prepare(source))[0]
    return docs


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv and argv[0].isdigit() else 30
    docs = _documents()
    if "--save" in argv or "--compare" in argv:
        flag = "--save" if "--save" in argv else "--compare"
        folder = Path(argv[argv.index(flag) + 1])
        folder.mkdir(parents=True, exist_ok=True)
        bad = 0
        for stem, doc in docs.items():
            data = docx_bytes(doc)
            if docx_bytes(doc) != data:
                print(f"{stem}: two runs differ")
                bad += 1
            target = folder / f"{stem}.docx"
            if flag == "--save":
                target.write_bytes(data)
                continue
            old, new = zipfile.ZipFile(target), zipfile.ZipFile(io.BytesIO(data))
            if old.namelist() != new.namelist():
                print(f"{stem}: members differ {old.namelist()} {new.namelist()}")
                bad += 1
            for name in old.namelist():
                if old.read(name) != new.read(name):
                    print(f"{stem}: {name} differs")
                    bad += 1
            print(f"{stem}: zip bytes {'same' if target.read_bytes() == data else 'differ'}")
        print("OK" if not bad else f"{bad} differences")
        return 1 if bad else 0
    doc = docs["清远市政务服务数据管理局-2020-决算"]
    if "--profile" in argv:
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(n):
            docx_bytes(doc)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
        return 0
    for stem, d in docs.items():
        print(f"{stem}: {min_and_median_ms(lambda d=d: docx_bytes(d), n)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
