"""`make bench` starts: every benchmark section still imports what it uses from the bot (mypy
checks bot/ only, so a renamed function would otherwise break the benchmark unnoticed)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_the_benchmark_script_answers_its_help():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench.py"), "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "--only" in done.stdout
