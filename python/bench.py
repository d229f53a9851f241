"""The package's cost over the engine's own: each plain query of benches/queries.txt (lines
with no options) searched through `Index.search`, median wall time in Python (the call and
the answer built as Python objects) beside the median time the library reports for the same
searches (`took_ms`), and the median of the two's difference call by call (the package's own
cost, which the machine's noise moves less than the difference of two medians). Run from
the repository root on an index:

    python python/bench.py INDEX [ROUNDS]
"""

import statistics
import sys
import time
from pathlib import Path

# Run as python/bench.py, Python puts python/ first on the path, whose fynd/ folder is the
# package's source without its native module; the installed package is the one to time.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import fynd  # noqa: E402 - after the path is set


def main() -> None:
    idx = fynd.open(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    queries = []
    for line in Path("benches/queries.txt").read_text(encoding="utf-8").splitlines():
        parts = [part.strip() for part in line.split("|")]
        if not line.startswith("#") and len(parts) == 2:
            queries.append(parts)
    rows = []
    for cls, query in queries:
        for _ in range(rounds // 10):
            idx.search(query)
        wall, engine, added = [], [], []
        for _ in range(rounds):
            started = time.perf_counter()
            result = idx.search(query)
            took = (time.perf_counter() - started) * 1000
            wall.append(took)
            engine.append(result.took_ms)
            added.append(took - result.took_ms)
        rows.append(
            (cls, statistics.median(engine), statistics.median(wall), statistics.median(added))
        )
    print(
        f"{'class':<14} {'engine ms':>10} {'package ms':>11} {'overhead':>9}"
        f" {'added ms':>9} {'added':>7}"
    )
    for cls in [*dict.fromkeys(row[0] for row in rows), None]:
        chosen = [row for row in rows if cls is None or row[0] == cls]
        engine = sum(row[1] for row in chosen)
        wall = sum(row[2] for row in chosen)
        added = sum(row[3] for row in chosen)
        print(
            f"{cls or 'all':<14} {engine:>10.2f} {wall:>11.2f} {100 * (wall / engine - 1):>8.1f}%"
            f" {added:>9.2f} {100 * added / engine:>6.1f}%"
        )
    print(f"({len(rows)} queries; sums of per-query medians over {rounds} rounds)")


if __name__ == "__main__":
    main()
