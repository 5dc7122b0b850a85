"""Run the benchmarks: ``python bench/run.py [NAME ...] [--scale full|small|tiny]``.

Each benchmark is a module of this folder with a ``main(argv)``; the options
after the names are passed to each. With no name, all of them run in turn.
The benchmarks need PostgreSQL (DATABASE_URL's server) and Redis
(BENCH_BROKER_URL, default ``redis://127.0.0.1:6379/13``, kept apart from the
database the tests' workers use).
"""

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BENCHMARKS = ["conflicts", "fanout", "dashboards", "imports", "pages", "gaps", "api"]
# Run only when named: the national dataset (1,000,000 people) takes 2-3 min and 3.3 GB to build.
ON_REQUEST = ["national"]


def main(argv: list[str]) -> int:
    names = [arg for arg in argv if arg in BENCHMARKS + ON_REQUEST]
    options = [arg for arg in argv if arg not in BENCHMARKS + ON_REQUEST]
    if "-h" in options or "--help" in options:
        print(__doc__)
        print("Benchmarks:", ", ".join(BENCHMARKS), "(and on request:", ", ".join(ON_REQUEST) + ")")
        return 0
    status = 0
    for name in names or BENCHMARKS:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name} ==", flush=True)
        status |= module.main(options) or 0
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
