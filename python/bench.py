"""The package's cost over the engine's own: each plain query of benches/queries.txt (lines
with no options) searched through `Index.search`, median wall time in Python (the call, the
JSON back and its reading into Python objects) beside the median time the library reports
for the same searches (`took_ms`). Run from the repository root on an index:

    python python/bench.py INDEX [ROUNDS]
"""

import statistics
import sys
import time
from pathlib import Path

import fynd


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
        wall, engine = [], []
        for _ in range(rounds):
            started = time.perf_counter()
            result = idx.search(query)
            wall.append((time.perf_counter() - started) * 1000)
            engine.append(result.took_ms)
        rows.append((cls, statistics.median(engine), statistics.median(wall)))
    print(f"{'class':<14} {'engine ms':>10} {'package ms':>11} {'overhead':>9}")
    for cls in dict.fromkeys(row[0] for row in rows):
        engine = sum(row[1] for row in rows if row[0] == cls)
        wall = sum(row[2] for row in rows if row[0] == cls)
        print(f"{cls:<14} {engine:>10.2f} {wall:>11.2f} {100 * (wall / engine - 1):>8.1f}%")
    engine = sum(row[1] for row in rows)
    wall = sum(row[2] for row in rows)
    print(f"{'all':<14} {engine:>10.2f} {wall:>11.2f} {100 * (wall / engine - 1):>8.1f}%")
    print(f"({len(rows)} queries; sums of per-query medians over {rounds} rounds)")


if __name__ == "__main__":
    main()
