"""The slow fault tests, run by `make soak` (SOAK=1), skipped by `make test`.

- kill -9 of the server several times during a load of many users (dialogs and reports):
  the same checks as test_crash.py, with SOAK_USERS users and SOAK_KILLS kills per round.
- The property and fuzz tests again, with many more examples (HYPOTHESIS_EXAMPLES, set by
  `make soak`; see test_properties.py and test_fuzz.py).
"""

from __future__ import annotations

import os

import pytest

from tests.test_crash import kill_9_round

pytestmark = pytest.mark.skipif(not os.environ.get("SOAK"), reason="slow: run `make soak`")
USERS = int(os.environ.get("SOAK_USERS", "40"))
KILLS = int(os.environ.get("SOAK_KILLS", "5"))


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.mark.parametrize("seed", [11, 23, 37])
async def test_repeated_kill_9_under_load(tmp_path, seed):
    numbers = await kill_9_round(tmp_path, users=USERS, kills=KILLS, seed=seed, pause=0.15)
    assert numbers["kills"] == KILLS and numbers["resends"] > 0
