"""The layering of ../shared/design.md is a check that fails: `make check` runs the import
contracts of .importlinter. These tests show that a broken rule is caught, on a copy of the
package with one forbidden import added."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), str(ROOT / ".importlinter"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )


def copy_with(tmp_path: Path, module: str, line: str) -> Path:
    """The bot package copied under tmp_path, with `line` added to `module`."""
    shutil.copytree(ROOT / "bot", tmp_path / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    path = tmp_path / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    return tmp_path


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is a dev dependency")
def test_the_shipped_code_keeps_every_contract():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 kept, 0 broken" in done.stdout


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is a dev dependency")
@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("bot/channels/console.py", "import bot.store  # noqa", "Channels import no store"),
        ("bot/engine/text.py", "import bot.actions  # noqa", "The engine imports no"),
        ("bot/store/rows.py", "import bot.officers.cards  # noqa", "The store imports no"),
        ("bot/console/web.py", "import bot.store  # noqa", "The web console imports no store"),
    ],
)
def test_a_forbidden_import_fails_the_check(tmp_path, module, line, contract):
    done = lint_imports(copy_with(tmp_path, module, line))
    assert done.returncode != 0
    broken = [text for text in done.stdout.splitlines() if "BROKEN" in text]
    assert any(contract in text for text in broken) or contract in done.stdout, done.stdout
