"""Start-up time of ``import migecon`` and ``migecon --help`` against ``import pandas``.

Run on demand: ``python benchmarks/bench_startup.py [--repeat N]``. Each command runs in a
fresh interpreter (``python -c ...``), the three interleaved round by round so that load on a
shared machine affects them alike; the figure is the median wall time of N rounds (default
15). ``migecon --help`` is run as ``python -c "from migecon.cli import main; main(['--help'])"``
(what the ``migecon`` console script does). Targets (issue 14): ``migecon --help`` below
``import pandas``, ``import migecon`` at most 1.5x ``import pandas``. Exits non-zero when a
target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "import pandas": "import pandas",
    "import migecon": "import migecon",
    "migecon --help": "from migecon.cli import main\ntry:\n    main(['--help'])\n"
                      "except SystemExit:\n    pass",
}


def _once(code: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for code in COMMANDS.values():  # warm the file cache once
        _once(code)
    for _ in range(args.repeat):
        for name, code in COMMANDS.items():
            times[name].append(_once(code))
    medians = {name: statistics.median(values) for name, values in times.items()}
    pandas = medians["import pandas"]
    for name, value in medians.items():
        print(f"{name:<16} median {value * 1000:7.0f} ms  ({value / pandas:.2f}x import pandas;"
              f" min {min(times[name]) * 1000:.0f}, max {max(times[name]) * 1000:.0f} ms)")
    ok = medians["migecon --help"] < pandas and medians["import migecon"] <= 1.5 * pandas
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
