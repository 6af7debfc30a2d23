"""One raw connection to an app-server: send a text message, receive the next one, close.

A link never reconnects; the client makes a new one. ``send`` only queues (a writer task
drains it in order), so messages go out in the order they were sent without awaiting.
``websockets`` is imported only for WebSocket targets.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import shutil
from typing import Any, Awaitable, Callable, Sequence

#: Longest message line accepted from a server (its answers can be large).
MAX_MESSAGE_BYTES = 64 * 1024 * 1024

LinkFactory = Callable[[], Awaitable["Link"]]


class Link:
    label: str = "?"

    def __init__(self) -> None:
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue()
        self._writer_task: asyncio.Task[None] | None = None
        #: Why the link ended, once it has.
        self.reason: str | None = None

    def _start_writer(self) -> None:
        self._writer_task = asyncio.get_running_loop().create_task(self._write_loop())

    async def _write_loop(self) -> None:
        while True:
            text = await self._outbox.get()
            if text is None:
                return
            try:
                await self._write(text)
            except Exception as err:  # the reader sees the end too; remember why
                self.reason = self.reason or f"{self.label}: write failed ({err})"
                await self._abort()
                return

    def send(self, text: str) -> None:
        self._outbox.put_nowait(text)

    async def recv(self) -> str | None:
        """The next message, or None once the connection has ended (``reason`` says how)."""
        raise NotImplementedError

    async def _write(self, text: str) -> None:
        raise NotImplementedError

    async def _abort(self) -> None:
        """Ends the connection at once."""
        raise NotImplementedError

    async def close(self) -> None:
        if self._writer_task is not None:
            self._writer_task.cancel()
            with contextlib.suppress(BaseException):
                await self._writer_task
        await self._abort()


class _StreamLink(Link):
    def __init__(self, label: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter | None) -> None:
        super().__init__()
        self.label = label
        self._reader = reader
        self._writer = writer

    async def recv(self) -> str | None:
        while True:
            try:
                line = await self._reader.readline()
            except (ValueError, asyncio.LimitOverrunError):
                self.reason = f"a message from {self.label} is over {MAX_MESSAGE_BYTES} bytes"
                return None
            except (ConnectionError, OSError) as err:
                self.reason = f"{self.label}: {err}"
                return None
            if not line:
                self.reason = self.reason or f"{self.label} closed"
                return None
            text = line.decode("utf-8", "replace").strip()
            if text:
                return text

    async def _write(self, text: str) -> None:
        assert self._writer is not None
        self._writer.write(text.encode("utf-8") + b"\n")
        await self._writer.drain()


class SocketLink(_StreamLink):
    async def _abort(self) -> None:
        if self._writer is None:
            return
        self._writer.close()
        with contextlib.suppress(Exception):
            await self._writer.wait_closed()


def socket_link(path: str) -> LinkFactory:
    async def make() -> Link:
        reader, writer = await asyncio.open_unix_connection(path, limit=MAX_MESSAGE_BYTES)
        link = SocketLink(f"unix://{path}", reader, writer)
        link._start_writer()
        return link

    return make


class SpawnLink(_StreamLink):
    def __init__(self, proc: asyncio.subprocess.Process, log: Callable[[str], None] | None) -> None:
        assert proc.stdout is not None
        super().__init__(f"codeintel app-server (pid {proc.pid})", proc.stdout, proc.stdin)
        self.proc = proc
        self._stderr_task = asyncio.get_running_loop().create_task(self._drain_stderr(log))

    async def _drain_stderr(self, log: Callable[[str], None] | None) -> None:
        assert self.proc.stderr is not None
        while True:
            try:
                line = await self.proc.stderr.readline()
            except ValueError:
                continue  # an over-long log line: dropped
            if not line:
                return
            if log is not None:
                with contextlib.suppress(Exception):
                    log(line.decode("utf-8", "replace").rstrip("\n"))

    async def recv(self) -> str | None:
        text = await super().recv()
        if text is None and self.reason is not None and self.reason.endswith(" closed"):
            with contextlib.suppress(asyncio.TimeoutError):
                code = await asyncio.wait_for(self.proc.wait(), 2)
                self.reason = f"{self.label} exited ({'signal ' + str(-code) if code < 0 else 'code ' + str(code)})"
        return text

    async def _abort(self) -> None:
        # stdin closing is the server's cue to shut down cleanly (it stops its language servers).
        if self.proc.returncode is None:
            if self.proc.stdin is not None:
                with contextlib.suppress(Exception):
                    self.proc.stdin.close()
            try:
                await asyncio.wait_for(self.proc.wait(), 5)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.kill()
                await self.proc.wait()
        self._stderr_task.cancel()
        with contextlib.suppress(BaseException):
            await self._stderr_task


def spawn_command(command: Sequence[str] | None) -> list[str]:
    """The codeintel command: ``command``, else ``$CODEINTEL_BIN`` (split as a shell would), else ``codeintel`` on PATH."""
    if command:
        return list(command)
    env = os.environ.get("CODEINTEL_BIN")
    if env:
        return shlex.split(env)
    found = shutil.which("codeintel")
    if found is None:
        raise FileNotFoundError("codeintel is not on PATH: install it (npm install -g codeintel), set CODEINTEL_BIN, or pass command=[...]")
    return [found]


def spawn_link(
    roots: Sequence[str],
    *,
    command: Sequence[str] | None = None,
    args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    log: Callable[[str], None] | None = None,
) -> LinkFactory:
    """``codeintel app-server [ARGS] -- ROOTS`` as a child over stdio; a new child on every (re)connect."""

    async def make() -> Link:
        argv = [*spawn_command(command), "app-server", *args, "--", *[os.fspath(r) for r in roots]]
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, **(env or {})},
            limit=MAX_MESSAGE_BYTES,
        )
        link = SpawnLink(proc, log)
        link._start_writer()
        return link

    return make


class WebSocketLink(Link):
    def __init__(self, url: str, ws: Any) -> None:
        super().__init__()
        self.label = url
        self._ws = ws

    async def recv(self) -> str | None:
        import websockets

        while True:
            try:
                data = await self._ws.recv()
            except websockets.ConnectionClosed as err:
                self.reason = self.reason or f"{self.label} closed ({err.code}{' ' + err.reason if err.reason else ''})"
                return None
            except Exception as err:
                self.reason = self.reason or f"{self.label}: {err}"
                return None
            if isinstance(data, str):
                return data

    async def _write(self, text: str) -> None:
        await self._ws.send(text)

    async def _abort(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._ws.close(), 2)


def websocket_link(url: str, token: str | None = None) -> LinkFactory:
    async def make() -> Link:
        try:
            import websockets
        except ImportError as err:  # pragma: no cover - depends on the machine
            raise ImportError("the WebSocket mode needs the websockets package (Debian: apt-get install python3-websockets; else pip install websockets)") from err
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            # The client's own $/ping heartbeat watches the connection; no protocol pings on top.
            ws = await websockets.connect(url, extra_headers=headers, max_size=MAX_MESSAGE_BYTES, ping_interval=None, open_timeout=30)
        except websockets.InvalidStatusCode as err:
            raise ConnectionError(f"{url}: HTTP {err.status_code}") from err
        link = WebSocketLink(url, ws)
        link._start_writer()
        return link

    return make
