"""Start the server under test in its own process, watch its CPU and memory, stop it."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import wire
from bench.fakes import FakePlatforms

ROOT = Path(__file__).resolve().parent.parent
SERVER_CPU = 0
LOAD_CPU = 1
TICKS = os.sysconf("SC_CLK_TCK")


def speed_probe() -> float:
    """Milliseconds core 0 takes for a fixed pure-Python loop (the median of five). On a
    machine of its own the figure stays put; on a shared virtual machine it shows how
    fast the core was at the time, which explains much of the spread between runs."""
    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {SERVER_CPU})
    try:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            total = 0
            for number in range(300_000):
                total += number * number % 7
            times.append((time.perf_counter() - started) * 1000)
        return sorted(times)[2]
    finally:
        os.sched_setaffinity(0, affinity)


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used since boot (user + system + ...)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    idle = int(fields[3]) + int(fields[4])  # idle + iowait
    return (sum(int(value) for value in fields[:8]) - idle) / TICKS


def own_seconds() -> float:
    """CPU seconds of this process and of its finished children (the servers)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running server process."""

    process: subprocess.Popen  # the server, or py-spy recording it
    port: int
    folder: Path
    pid: int = 0  # the server's own process id

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far (all threads)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def peak_rss_mb(self) -> float:
        """Peak resident set size (VmHWM) in MB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    @property
    def database(self) -> Path:
        return self.folder / "bench.db"


def content_dir() -> tuple[Path, str]:
    """The content to load: the working tree's, or the last committed one if the working
    tree's does not load (another change in progress); the second value says which."""
    from bot.actions import load_actions
    from bot.content import load_content

    try:
        content, _ = load_content(ROOT / "content", load_actions())
    except Exception:  # a change in progress elsewhere in the work tree
        content = None
    if content is not None:
        return ROOT / "content", "working tree"
    folder = Path(tempfile.mkdtemp(prefix="bench-content-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "HEAD", "content"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder / "content", "HEAD (working tree content does not load)"


@asynccontextmanager
async def fake_platforms(platforms: FakePlatforms):
    """Serve the fakes in this process; yields their base URL."""
    server = await wire.serve(platforms.handle)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()


@asynccontextmanager
async def server_process(mode: str, api: str, content: Path, *extra: str):
    """Start `bench/server.py` on core SERVER_CPU; yields a Server; stops it on exit."""
    folder = Path(tempfile.mkdtemp(prefix="bench-server-"))
    port = free_port()
    command = [sys.executable, str(ROOT / "bench" / "server.py"), mode, "--port", str(port)]
    command += ["--api", api, "--dir", str(folder), "--content", str(content)]
    command += ["--cpu", str(SERVER_CPU), *extra]
    profile = os.environ.get("BENCH_PROFILE")  # a folder: record the server with py-spy
    if profile:
        output = Path(profile) / f"{mode}-{port}.txt"
        py_spy = Path(sys.executable).with_name("py-spy")
        command = [str(py_spy), "record", "-r", "250", "-f", "raw", "-o", str(output), "--"]
        command += [sys.executable, str(ROOT / "bench" / "server.py"), mode, "--port", str(port)]
        command += ["--api", api, "--dir", str(folder), "--content", str(content)]
        command += ["--cpu", str(SERVER_CPU), *extra]
    environment = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "PYTHONHASHSEED": "0"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, text=True
    )
    server = Server(process, port, folder)
    try:
        server.pid = await _wait_ready(process)
        yield server
    finally:
        if process.poll() is None:
            if server.pid:
                os.kill(server.pid, signal.SIGTERM)
            else:
                process.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(process.wait, 30)
            except subprocess.TimeoutExpired:
                process.kill()
        stderr = process.stderr.read() if process.stderr else ""
        if process.returncode not in (0, -signal.SIGTERM) and stderr:
            print(stderr[-3000:], file=sys.stderr)


async def _wait_ready(process: subprocess.Popen) -> int:
    assert process.stdout is not None
    while True:
        line = await asyncio.to_thread(process.stdout.readline)
        if not line:
            stderr = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"server did not start:\n{stderr[-3000:]}")
        if line.startswith("READY "):
            return int(line.split()[1])


def remove(server: Server) -> None:
    """Delete the server's folder (database, log) unless BENCH_KEEP is set."""
    if os.environ.get("BENCH_KEEP"):
        print(f"kept {server.folder}", file=sys.stderr)
        return
    shutil.rmtree(server.folder, ignore_errors=True)


@dataclass
class DatabaseSize:
    """Bytes of the database per user, right after the run and once idle."""

    after_run: float
    idle: float
    tables: dict[str, int]


async def database_size(path: Path, users: int) -> DatabaseSize:
    """File size per user after the run (the server checkpointed it on close), and after the
    store's own prune a week later (processed ids and sent messages are kept 7 days) and
    VACUUM: what an idle user costs."""
    from bot.store import Store

    after_run = path.stat().st_size + _size(path.with_name(path.name + "-wal"))
    store = Store(path)
    await store.open()
    await store.prune(datetime.now(UTC) + timedelta(days=8), session_days=90)
    await store.close()
    connection = sqlite3.connect(path)
    try:
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tables = dict(
            connection.execute(
                "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
            ).fetchall()
        )
    finally:
        connection.close()
    idle = path.stat().st_size + _size(path.with_name(path.name + "-wal"))
    return DatabaseSize(after_run / users, idle / users, tables)


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0
