"""Fixtures: the shipped corpus indexed once by the package, and the command line to hold
the package's answers against (target/release/fynd, or the binary named by $FYND_BIN)."""

import atexit
import functools
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import fynd

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"


def _binary() -> Path:
    return Path(os.environ.get("FYND_BIN", REPO / "target" / "release" / "fynd"))


class Cli:
    """Runs the fynd command line on one index."""

    def __init__(self, index: Path) -> None:
        self.binary = _binary()
        self.index = index
        if not self.binary.is_file():
            pytest.fail(f"no fynd binary at {self.binary}: run `cargo build --release` first")

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.binary), *args],
            capture_output=True,
            text=True,
            check=check,
        )

    def json(self, command: str, *args: str, with_index: bool = True) -> dict:
        extra = ["--index", str(self.index)] if with_index else []
        done = self.run(command, *args, *extra, "--json", check=False)
        # Exit code 1 is "no record matches", with the JSON printed all the same.
        assert done.returncode in (0, 1), done.stderr
        return json.loads(done.stdout)

    def jsonl(self, *args: str) -> list:
        done = self.run("search", *args, "--index", str(self.index), "--format", "jsonl", check=False)
        assert done.returncode in (0, 1), done.stderr
        return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]

    def error(self, *args: str) -> str:
        """The message of a command that fails, without the leading ``error: ``."""
        done = self.run(*args, check=False)
        assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
        return done.stderr.strip().removeprefix("error: ")


@functools.lru_cache(maxsize=None)
def _built() -> tuple:
    """The shipped corpus indexed by the package once per pytest run (the index is removed
    when the run ends): (index folder, summary)."""
    folder = Path(tempfile.mkdtemp(prefix="fynd-index-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    summary = fynd.index([str(CORPUS)], index=str(folder))
    return folder, summary


@functools.lru_cache(maxsize=None)
def _opened() -> "fynd.Index":
    return fynd.open(_built()[0])


@pytest.fixture
def built():
    """The shipped corpus indexed by the package: (index folder, summary)."""
    return _built()


@pytest.fixture
def idx():
    """The package's index of the shipped corpus, opened once."""
    return _opened()


@pytest.fixture
def cli():
    """The command line on the same index."""
    return Cli(_built()[0])
