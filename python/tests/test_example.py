"""examples/notebook.py runs headless and draws its chart; its region table is the one the
command line counts."""

import subprocess
import sys

import pytest

from conftest import REPO


def test_notebook_writes_its_chart(cli, tmp_path):
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    chart = tmp_path / "chart.png"
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / "notebook.py"), str(chart)],
        capture_output=True,
        text=True,
        env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert chart.stat().st_size > 10_000
    # The table's rows: region, then one count per word, as `fynd facets region WORD`.
    table = done.stdout.split(f"chart: {chart}\n", 1)[1].splitlines()
    words = table[0].split()
    rows = {line.rsplit(None, len(words))[0]: line.split()[-len(words):] for line in table[1:]}
    for column, word in enumerate(words):
        counts = {v["value"]: v["count"] for v in cli.json("facets", "region", word)["values"]}
        assert counts, word
        for region, count in counts.items():
            assert int(rows[region][column]) == count, (word, region)
