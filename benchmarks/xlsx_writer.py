"""Time the Excel writer alone: `python benchmarks/xlsx_writer.py [N] [--profile]`.

Renders each example once, then calls `xlsx_bytes` N times and prints the minimum (the
machine is shared, so the minimum is the least noisy figure). With --profile, prints
cProfile's top functions for example 000.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.timing import min_and_median_ms  # noqa: E402
from generator.build import prepare, render_full  # noqa: E402
from generator.writers.xlsx import xlsx_bytes  # noqa: E402

EXAMPLES = {
    "000": ROOT / "data/examples/清远市政务服务数据管理局-2020-决算.yaml",
    "003": ROOT / "data/examples/清远市政务服务中心-2024-预算.yaml",
}


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    repeat = int(args[0]) if args else 30
    for ref, path in EXAMPLES.items():
        document, _ = render_full(prepare(path))
        print(f"{ref}: xlsx_bytes {min_and_median_ms(lambda d=document: xlsx_bytes(d), repeat)}")
        if "--profile" in sys.argv and ref == "000":
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(10):
                xlsx_bytes(document)
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
