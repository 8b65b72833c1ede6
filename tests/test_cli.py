"""The command line as a user runs it: console chat, the server process, SIGHUP reload."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.bot_process import free_port
from tests.conftest import ROOT, make_content_dir


def bot(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        text=True,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_console_chat_is_scriptable(tmp_path):
    result = bot("chat", stdin="halo\n99\n", env={"BOT_DB": str(tmp_path / "c.db")})
    assert result.returncode == 0, result.stderr
    assert "Selamat datang" in result.stdout
    assert "1. " in result.stdout, "options are numbered lines"
    assert "belum mengerti" in result.stdout


def test_console_continues_after_a_restart(tmp_path):
    env = {"BOT_DB": str(tmp_path / "c.db")}
    bot("chat", stdin="halo\nbahasa\n2\n", env=env)
    result = bot("chat", stdin="", env=env)
    assert "Work abroad legally" in result.stdout, "language and place were kept"


def test_check_content_command(tmp_path):
    assert bot("check-content").returncode == 0
    content = make_content_dir(tmp_path)
    (content / "flows" / "test.yaml").write_text("main:\n  kind: menu\n")
    result = bot("check-content", str(content))
    assert result.returncode == 1
    assert "flows/test.yaml:1: error: main.text: Field required" in result.stdout
    assert "system.yaml:8: error: emergency: no node 'emergency'" in result.stdout


def test_test_transcripts_command_reports_failures(tmp_path):
    good = tmp_path / "ok.yaml"
    good.write_text("name: greet\nsteps:\n  - send: halo\n    expect: [Selamat datang]\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: wrong\nsteps:\n  - send: halo\n    expect: [Good morning]\n")
    result = bot("test-transcripts", str(tmp_path))
    assert result.returncode == 1
    assert "PASS" in result.stdout and "FAIL" in result.stdout
    assert "bad.yaml:3: expected 'Good morning'" in result.stdout


def test_bad_config_stops_start_up_with_a_clear_error(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("server:\n  colour: blue\n")
    result = bot("run", env={"BOT_CONFIG": str(config)})
    assert result.returncode == 2
    assert "c.yaml:2: server.colour: unknown key" in result.stderr


def get_json(url: str, data: dict | None = None, cookie: str = "") -> tuple[dict, str]:
    request = urllib.request.Request(
        url,
        data=json.dumps(data).encode() if data else None,
        headers={"Content-Type": "application/json", "Cookie": cookie},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response), response.headers.get("Set-Cookie", "")


@pytest.fixture
def server_factory(tmp_path):
    processes = []

    def start(content: Path, port: int) -> subprocess.Popen:
        env = {
            **os.environ,
            "BOT_DB": str(tmp_path / "s.db"),
            "BOT_PORT": str(port),
            "BOT_HOST": "127.0.0.1",
            "BOT_CONFIG": "",
        }
        config = tmp_path / "config.yaml"
        config.write_text(f"content:\n  dir: {content}\nmedia:\n  dir: {tmp_path / 'media'}\n")
        env["BOT_CONFIG"] = str(config)
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(process)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                get_json(f"http://127.0.0.1:{port}/healthz")
                return process
            except OSError:
                time.sleep(0.1)
        process.kill()
        raise AssertionError(process.stdout.read())

    yield start
    for process in processes:
        process.kill()
        process.wait()
        process.stdout.close()


def test_server_restart_and_sighup_reload(tmp_path, server_factory):
    content = make_content_dir(tmp_path)
    port = free_port()
    process = server_factory(content, port)
    base = f"http://127.0.0.1:{port}"
    body, set_cookie = get_json(f"{base}/api/chat", {"open": True})
    cookie = set_cookie.split(";")[0]
    get_json(f"{base}/api/chat", {"text": "Isi formulir"}, cookie)
    get_json(f"{base}/api/chat", {"text": "Siti"}, cookie)
    version_before = get_json(f"{base}/healthz")[0]["content_version"]

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    process = server_factory(content, port)
    body, _ = get_json(f"{base}/api/chat", {"text": "30"}, cookie)
    assert body["replies"][-1]["text"] == "Nomor HP Anda?", "the dialog continues after restart"

    flows = content / "flows" / "test.yaml"
    flows.write_text(flows.read_text().replace("Menu utama tes", "Menu baru"))
    process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while get_json(f"{base}/healthz")[0]["content_version"] == version_before:
        assert time.monotonic() < deadline, "content was not reloaded"
        time.sleep(0.1)
    body, _ = get_json(f"{base}/api/chat", {"text": "menu"}, cookie)
    assert "Menu baru" in body["replies"][-1]["text"]
    assert process.poll() is None, "reload does not stop the server"


def test_eval_questions_prints_the_figures_and_every_miss():
    result = bot("eval-questions")
    assert result.returncode == 0, result.stderr
    assert "top-3" in result.stdout and "holdout" in result.stdout
    assert "not right at once" in result.stdout
    assert "recall" in result.stdout and "false alarms" in result.stdout


def test_unanswered_lists_questions_grouped_and_counted(tmp_path):
    env = {"BOT_DB": str(tmp_path / "q.db")}
    asked = "halo\ncara bikin sim\nCara bikin SIM?\nxyz\n"
    assert bot("chat", stdin=asked, env=env).returncode == 0
    result = bot("unanswered", env=env)
    assert result.returncode == 0, result.stderr
    assert "3 questions in 2 groups" in result.stdout
    assert "    2  " in result.stdout and "bikin" in result.stdout.lower()
