"""Fixtures: a copy of test/fixtures/ts, the compiled codeintel CLI, app-servers the tests start
themselves (Unix socket, WebSocket), and waits that name what they wait for (no fixed sleeps)."""
from __future__ import annotations

import asyncio
import functools
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterator, TypeVar

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = REPO / "bin" / "codeintel.js"
NODE = shutil.which("node")
#: Generous: a 2-core machine shared with other test runs.
DEADLINE = 60.0

T = TypeVar("T")

sys.path.insert(0, str(REPO / "python"))


def pytest_configure(config: pytest.Config) -> None:
    if NODE is None:
        raise pytest.UsageError("node is not on PATH: the tests run the real codeintel app-server")
    if not (REPO / "dist" / "src" / "cli" / "main.js").exists():
        raise pytest.UsageError(f"codeintel is not built: run `npx tsc -p tsconfig.json` in {REPO}")
    # What spawn mode runs (codeintel on PATH is not assumed), and no daemon, no user cache.
    os.environ["CODEINTEL_BIN"] = f"{NODE} {BIN}"
    os.environ["CODEINTEL_NO_DAEMON"] = "1"
    os.environ["CODEINTEL_DEBUG_TOOLS"] = "1"


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("codeintel-py")


@pytest.fixture(scope="session", autouse=True)
def cache_dir(workdir: Path) -> Path:
    path = workdir / "cache"
    path.mkdir()
    os.environ["CODEINTEL_CACHE_DIR"] = str(path)
    return path


@pytest.fixture(scope="session")
def project(workdir: Path) -> Path:
    """A copy of test/fixtures/ts: src/main.ts, src/shapes.ts, src/unicode.ts."""
    dest = workdir / "ts"
    shutil.copytree(REPO / "test" / "fixtures" / "ts", dest)
    return dest


def spawn_env(marker: str) -> dict[str, str]:
    return {"CODEINTEL_TEST_MARKER": marker}


def processes_with_marker(marker: str) -> list[int]:
    """Live processes (not zombies) whose environment carries CODEINTEL_TEST_MARKER=marker."""
    found = []
    needle = f"CODEINTEL_TEST_MARKER={marker}".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if needle not in Path(f"/proc/{entry}/environ").read_bytes().split(b"\0"):
                continue
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            found.append(int(entry))
    return found


class Server:
    """``codeintel app-server --listen URL`` started by a test; stderr is collected for failures."""

    def __init__(self, listen: str, root: Path, *extra: str) -> None:
        self.marker = str(uuid.uuid4())
        self.proc = subprocess.Popen(
            [NODE, str(BIN), "app-server", "--listen", listen, "--symbol-index", "off", *extra, str(root)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "CODEINTEL_TEST_MARKER": self.marker},
        )
        self.stderr = ""
        self._changed = threading.Condition()
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        assert self.proc.stderr is not None
        for line in iter(self.proc.stderr.readline, b""):
            with self._changed:
                self.stderr += line.decode("utf-8", "replace")
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_line(self, pattern: str, what: str, timeout: float = DEADLINE) -> re.Match[str]:
        with self._changed:
            ok = self._changed.wait_for(lambda: re.search(pattern, self.stderr) is not None or self.proc.poll() is not None, timeout)
            m = re.search(pattern, self.stderr)
        if not ok or m is None:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what} (stderr /{pattern}/); exit {self.proc.poll()}; stderr:\n{self.stderr}")
        return m

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        self.proc.wait(DEADLINE)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(DEADLINE)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def servers() -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def start(listen: str, root: Path, *extra: str) -> Server:
        s = Server(listen, root, *extra)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()
    for s in started:
        leftover = processes_with_marker(s.marker)
        assert not leftover, f"processes of an app-server left behind: {leftover}"


@pytest.fixture
def socket_dir(tmp_path: Path) -> Path:
    # Unix socket paths are short (108 bytes): a short folder of its own.
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="cipy-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run(coro_fn: Callable[..., Awaitable[T]]) -> Callable[..., T]:
    """Runs an async test function in its own event loop (pytest-asyncio is not assumed)."""

    @functools.wraps(coro_fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        return asyncio.run(asyncio.wait_for(coro_fn(*args, **kwargs), 4 * DEADLINE))

    return wrapper


async def within(awaitable: Awaitable[T], what: str, timeout: float = DEADLINE) -> T:
    """Awaits, failing with a message that names what it waited for."""
    try:
        return await asyncio.wait_for(awaitable, timeout)
    except asyncio.TimeoutError:
        raise AssertionError(f"timed out after {timeout:g} s waiting for {what}") from None


async def eventually(predicate: Callable[[], bool], what: str, timeout: float = DEADLINE) -> None:
    """Polls a condition (an event with no notification of its own), failing with what it waited for."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await asyncio.sleep(0.02)


async def until_completed(events: Any, query: str, what: str | None = None) -> list[dict[str, Any]]:
    """Iterates a session until a completed event for ``query``; returns the events seen."""
    seen: list[dict[str, Any]] = []

    async def go() -> list[dict[str, Any]]:
        async for event in events:
            seen.append(event)
            if event["type"] == "completed" and event["query"] == query:
                return seen
        raise AssertionError(f"session ended before {query!r} completed; saw {[e['type'] for e in seen]}")

    try:
        return await asyncio.wait_for(go(), DEADLINE)
    except asyncio.TimeoutError:
        raise AssertionError(f"timed out after {DEADLINE:g} s waiting for {what or 'the search session'} to complete {query!r}; saw {seen}") from None


def files_of(events: list[dict[str, Any]]) -> set[str]:
    return {f["path"] for e in events if e["type"] == "updated" for f in e["files"]}
