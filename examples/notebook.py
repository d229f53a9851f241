"""A notebook's worth of fynd from Python: index the shipped corpus, plot the projects that
match each of two words per year, and table the regions they are in.

    python examples/notebook.py [CHART.png]

Writes the chart (default: docs/notebook.png) and prints the table. Needs the package
(`pip install ./python`), pandas and matplotlib; draws without a display (matplotlib's Agg).
"""

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend
import pandas as pd  # noqa: E402

import fynd  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
WORDS = ["integration", "digitalisering"]


def main() -> None:
    chart = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "notebook.png"
    with tempfile.TemporaryDirectory() as folder:
        summary = fynd.index([REPO / "corpus"], index=folder)
        print(f"indexed {summary['records_written']} records")
        idx = fynd.open(folder)

        # Matching projects per year: a project counts in every year it runs.
        per_year = pd.DataFrame(
            {word: pd.Series(idx.facets("year", word).counts()) for word in WORDS}
        ).fillna(0).astype(int)
        per_year.index = per_year.index.astype(int)
        per_year = per_year.sort_index()

        # The regions of the matching projects, one column per word.
        regions = pd.DataFrame(
            {word: pd.Series(idx.facets("region", word).counts()) for word in WORDS}
        ).fillna(0).astype(int)
        regions = regions.sort_values(WORDS, ascending=False)

    axes = per_year.plot(marker="o", figsize=(8, 4))
    axes.set_xlabel("year")
    axes.set_ylabel("matching projects")
    axes.set_title("Projects per year in corpus/ (fynd, compound matching)")
    plt.tight_layout()
    chart.parent.mkdir(parents=True, exist_ok=True)
    plt.savefig(chart, dpi=100)
    print(f"chart: {chart}")
    print(regions.to_string())


if __name__ == "__main__":
    main()
