"""An asyncio client of the codeintel app-server that survives the server.

A heartbeat (``$/ping``) finds a server that stopped answering; a dropped connection fails the
requests in flight at once (``Disconnected``, retryable) and is made again with capped
exponential backoff and full jitter, re-initializing and re-opening the live search sessions.
``close()`` leaves no task or process behind. The same semantics as the TypeScript SDK
(src/client/client.ts).
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import random
from dataclasses import dataclass
from typing import Any, Callable, Literal

from ._links import Link, LinkFactory
from .errors import Closed, CodeintelError, Disconnected
from .session import SearchSession
from .types import (
    CallHierarchyOutput,
    CallResult,
    DiagnosticsOutput,
    DocumentSymbolsOutput,
    FindFilesOutput,
    HoverOutput,
    ImportScipOutput,
    IndexOutput,
    LocationsOutput,
    Progress,
    RestartOutput,
    ServersOutput,
    WireFileMatch,
    WorkspaceSymbolsOutput,
)

__all__ = ["Client", "Reconnect", "State", "TYPED_TOOLS"]

log = logging.getLogger("codeintel")

State = Literal["connected", "reconnecting", "closed"]
ProgressCallback = Callable[[Progress], None]

#: The typed methods, named as the catalog's tools (a test keeps this equal to the live catalog).
TYPED_TOOLS = (
    "find_files",
    "hover",
    "definition",
    "type_definition",
    "implementation",
    "references",
    "call_hierarchy",
    "diagnostics",
    "document_symbols",
    "workspace_symbols",
    "servers",
    "index",
    "import_scip",
    "restart",
)


@dataclass(frozen=True)
class Reconnect:
    """Capped exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2**n)) seconds."""

    base: float = 0.1
    cap: float = 5.0
    #: Give up (state "closed") after this many failed attempts in a row (default: never).
    max_attempts: int | None = None


def camel(name: str) -> str:
    """A Python keyword as the tool input it stands for: ``include_declaration`` -> ``includeDeclaration``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _tool_input(arguments: dict[str, Any]) -> dict[str, Any]:
    return {camel(k): v for k, v in arguments.items() if k not in ("self", "on_progress") and v is not None}


class Client:
    """Use :func:`codeintel.connect`. Every method is a coroutine; ``update``/``stop`` of sessions are not."""

    def __init__(
        self,
        make_link: LinkFactory,
        *,
        heartbeat: float = 20.0,
        initialize_timeout: float = 30.0,
        reconnect: bool | Reconnect = True,
        client_info: dict[str, str] | None = None,
        on_state_change: Callable[[State, str], None] | None = None,
        on_notification: Callable[[str, dict[str, Any]], None] | None = None,
        trace: Callable[[str, str], None] | None = None,
    ) -> None:
        self._make_link = make_link
        #: Told every message: ("send" | "recv", the JSON text). For debugging.
        self._trace = trace
        #: Ping period in seconds; a ping unanswered within one period drops the connection (0: no heartbeat).
        self._heartbeat = heartbeat
        #: How long a connection attempt waits for the initialize answer (0: no limit).
        self._initialize_timeout = initialize_timeout
        self._reconnect = None if reconnect is False else Reconnect() if reconnect is True else reconnect
        self._client_info = client_info or {"name": "codeintel-python", "version": "0.1.0"}
        self._on_state_change = on_state_change
        self._on_notification = on_notification
        self._state: State = "reconnecting"
        self._link: Link | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[str, asyncio.Future[Any], ProgressCallback | None]] = {}
        self._sessions: dict[str, SearchSession] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._reader: asyncio.Task[None] | None = None
        self._pinger: asyncio.Task[None] | None = None
        self._reconnector: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        self.server_info: dict[str, str] | None = None
        #: The server's initialize result (capabilities, serverInfo, ...).
        self.initialize_result: dict[str, Any] | None = None

    # -- state ----------------------------------------------------------------------------------

    @property
    def state(self) -> State:
        return self._state

    @property
    def connected(self) -> bool:
        return self._state == "connected"

    async def wait_connected(self, timeout: float | None = None) -> None:
        """Waits until the client is connected (again); raises Closed if it ends first."""
        async def wait() -> None:
            while not self.connected:
                if self._state == "closed":
                    raise Closed("the client is closed")
                await self._connected.wait()
        await asyncio.wait_for(wait(), timeout)

    async def open(self) -> "Client":
        """The first connection: raises when it cannot be made (no retry)."""
        await self._attach()
        return self

    async def __aenter__(self) -> "Client":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Ends the connection for good: requests in flight fail (Closed), sessions end, no task stays."""
        if self._state == "closed":
            return
        self._set_state("closed", "closed by the client")
        current = asyncio.current_task()
        for task in (self._reconnector, self._pinger, self._reader):
            if task is not None and task is not current:
                task.cancel()
        self._fail_pending(lambda m: Closed(f"{m}: the client was closed"))
        for s in list(self._sessions.values()):
            s._end()
        self._sessions.clear()
        link, self._link = self._link, None
        if link is not None:
            await link.close()
        for task in [t for t in (self._reconnector, self._pinger, self._reader, *self._tasks) if t is not None and t is not current]:
            with contextlib.suppress(BaseException):
                await task

    # -- requests -------------------------------------------------------------------------------

    def _start_request(self, method: str, params: dict[str, Any] | None = None, on_progress: ProgressCallback | None = None) -> "asyncio.Future[Any]":
        return self._send_request(method, params, on_progress)[1]

    def _send_request(self, method: str, params: dict[str, Any] | None, on_progress: ProgressCallback | None) -> tuple[int, "asyncio.Future[Any]"]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self._state == "closed":
            future.set_exception(Closed(f"{method}: the client is closed"))
            return -1, future
        if self._link is None or self._state != "connected":
            future.set_exception(Disconnected(f"{method}: not connected (reconnecting); retry"))
            return -1, future
        rid = next(self._ids)
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": rid, "method": method, "params": dict(params or {})}
        if on_progress is not None:
            message["params"]["_meta"] = {"progressToken": f"p{rid}"}
        self._pending[rid] = (method, future, on_progress)
        self._send(self._link, json.dumps(message, ensure_ascii=False))
        return rid, future

    async def request(self, method: str, params: dict[str, Any] | None = None, *, on_progress: ProgressCallback | None = None) -> Any:
        """One JSON-RPC request. Raises CodeintelError (never hangs on a dropped connection);
        cancelling the awaiting task sends ``$/cancelRequest``."""
        rid, future = self._send_request(method, params, on_progress)
        try:
            return await future
        except asyncio.CancelledError:
            if self._pending.pop(rid, None) is not None:
                self.notify("$/cancelRequest", {"id": rid})
            raise

    def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        if self._state == "connected" and self._link is not None:
            message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
            if params is not None:
                message["params"] = params
            self._send(self._link, json.dumps(message, ensure_ascii=False))

    def _send(self, link: Link, text: str) -> None:
        if self._trace is not None:
            self._trace("send", text)
        link.send(text)

    async def call(self, name: str, arguments: dict[str, Any] | None = None, *, on_progress: ProgressCallback | None = None) -> CallResult:
        """Any tool by name (plugin tools too): ``{"structured": ..., "text": ...}``."""
        return await self.request("tools/call", {"name": name, "arguments": arguments or {}}, on_progress=on_progress)

    async def tools(self) -> list[dict[str, Any]]:
        """The catalog as the server publishes it: name, title, description, inputSchema, outputSchema, annotations."""
        return (await self.request("tools/list"))["tools"]

    async def ping(self) -> None:
        await self.request("$/ping")

    async def fuzzy_file_search(self, query: str, *, roots: list[str] | None = None) -> list[WireFileMatch]:
        """codex's one-shot ``fuzzyFileSearch``: files with ``file_name``/``match_type`` and code-point indices."""
        return (await self.request("fuzzyFileSearch", {"query": query, "roots": roots or []}))["files"]

    def search_session(self, *, roots: list[str] | None = None) -> SearchSession:
        """A streaming search session: ``update(query)`` per keystroke, ``async for`` its events; it survives reconnects."""
        session = SearchSession(self, list(roots or []))
        if self._state == "closed":
            session._end(Closed("search session: the client is closed"))
            return session
        self._sessions[session.id] = session
        if self.connected:
            session._reopen()
        return session

    def _forget_session(self, sid: str) -> None:
        self._sessions.pop(sid, None)

    # -- typed tools (keyword names map to the tool's inputs: include_declaration -> includeDeclaration)

    async def _tool(self, name: str, arguments: dict[str, Any]) -> Any:
        return await self.request(name, _tool_input(arguments), on_progress=arguments.get("on_progress"))

    async def find_files(self, query: str, *, roots: list[str] | None = None, limit: int | None = None, directories: bool | None = None, on_progress: ProgressCallback | None = None) -> FindFilesOutput:
        """Fuzzy-find files and folders by path (the ``find_files`` tool: camelCase fields, UTF-16 indices; ``directories=False``: files only)."""
        return await self._tool("find_files", locals())

    async def hover(self, file: str, *, line: int | None = None, column: int | None = None, symbol: str | None = None, on_progress: ProgressCallback | None = None) -> HoverOutput:
        """Type signature and docs at a position (1-based ``line``/``column``) or of a ``symbol`` declared in ``file``."""
        return await self._tool("hover", locals())

    async def definition(self, file: str, *, line: int | None = None, column: int | None = None, symbol: str | None = None, limit: int | None = None, offset: int | None = None, on_progress: ProgressCallback | None = None) -> LocationsOutput:
        return await self._tool("definition", locals())

    async def type_definition(self, file: str, *, line: int | None = None, column: int | None = None, symbol: str | None = None, limit: int | None = None, offset: int | None = None, on_progress: ProgressCallback | None = None) -> LocationsOutput:
        return await self._tool("type_definition", locals())

    async def implementation(self, file: str, *, line: int | None = None, column: int | None = None, symbol: str | None = None, limit: int | None = None, offset: int | None = None, on_progress: ProgressCallback | None = None) -> LocationsOutput:
        return await self._tool("implementation", locals())

    async def references(self, file: str, *, line: int | None = None, column: int | None = None, symbol: str | None = None, include_declaration: bool | None = None, limit: int | None = None, offset: int | None = None, on_progress: ProgressCallback | None = None) -> LocationsOutput:
        return await self._tool("references", locals())

    async def call_hierarchy(self, file: str, *, line: int | None = None, column: int | None = None, symbol: str | None = None, direction: Literal["incoming", "outgoing", "both"] | None = None, on_progress: ProgressCallback | None = None) -> CallHierarchyOutput:
        return await self._tool("call_hierarchy", locals())

    async def diagnostics(self, file: str, *, limit: int | None = None, offset: int | None = None, on_progress: ProgressCallback | None = None) -> DiagnosticsOutput:
        return await self._tool("diagnostics", locals())

    async def document_symbols(self, file: str, *, limit: int | None = None, offset: int | None = None, on_progress: ProgressCallback | None = None) -> DocumentSymbolsOutput:
        """The file's outline."""
        return await self._tool("document_symbols", locals())

    async def workspace_symbols(self, query: str, *, root: str | None = None, kind: str | None = None, path: str | None = None, container: str | None = None, limit: int | None = None, offset: int | None = None, on_progress: ProgressCallback | None = None) -> WorkspaceSymbolsOutput:
        """Symbols by name across the project (``path`` and ``container`` need the symbol cache: not with --symbol-index off)."""
        return await self._tool("workspace_symbols", locals())

    async def servers(self, *, root: str | None = None, on_progress: ProgressCallback | None = None) -> ServersOutput:
        """Every known language server: installed where, version, running, install hint."""
        return await self._tool("servers", locals())

    async def index(self, *, root: str | None = None, on_progress: ProgressCallback | None = None) -> IndexOutput:
        """Builds or refreshes a root's symbol cache (not with --symbol-index off)."""
        return await self._tool("index", locals())

    async def import_scip(self, file: str, *, root: str | None = None, commit: str | None = None, on_progress: ProgressCallback | None = None) -> ImportScipOutput:
        """Loads a .scip index (inside a project root) into the root's cache; ``commit``: the commit it was built at."""
        return await self._tool("import_scip", locals())

    async def restart(self, *, server: str | None = None, on_progress: ProgressCallback | None = None) -> RestartOutput:
        """Restarts language servers (one kind, or all) and clears their broken marks."""
        return await self._tool("restart", locals())

    # -- the connection -------------------------------------------------------------------------

    async def _attach(self) -> None:
        """Makes a link and initializes it; on success the client is connected and its sessions re-opened."""
        limit = self._initialize_timeout or None
        link = await asyncio.wait_for(self._make_link(), limit)
        try:
            result = await asyncio.wait_for(self._handshake(link), limit)
        except BaseException as err:
            await link.close()
            if isinstance(err, asyncio.TimeoutError):
                raise TimeoutError(f"no answer to initialize from {link.label} within {limit} s") from None
            raise
        if self._state == "closed":
            await link.close()
            return
        self.initialize_result = result
        self.server_info = result.get("serverInfo") if isinstance(result, dict) else None
        self._link = link
        self._reader = self._spawn(self._read_loop(link))
        if self._heartbeat > 0:
            self._pinger = self._spawn(self._ping_loop(link))
        self._set_state("connected", f"connected to {link.label}")
        for s in list(self._sessions.values()):
            s._reopen()

    async def _handshake(self, link: Link) -> Any:
        self._send(link, json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"clientInfo": self._client_info}}))
        while True:
            text = await link.recv()
            if text is None:
                raise ConnectionError(link.reason or f"{link.label} closed during initialize")
            if self._trace is not None:
                self._trace("recv", text)
            try:
                message = json.loads(text)
            except ValueError:
                continue
            if not isinstance(message, dict) or message.get("id") != 0 or "method" in message:
                continue
            if "error" in message:
                raise CodeintelError.from_rpc(message["error"])
            self._send(link, json.dumps({"jsonrpc": "2.0", "method": "initialized"}))
            return message.get("result") or {}

    async def _read_loop(self, link: Link) -> None:
        while True:
            text = await link.recv()
            if text is None:
                self._drop(link, link.reason or f"{link.label} closed")
                return
            if self._link is link:
                self._on_message(text)

    async def _ping_loop(self, link: Link) -> None:
        while self._link is link:
            await asyncio.sleep(self._heartbeat)
            if self._link is not link:
                return
            try:
                await asyncio.wait_for(self.request("$/ping"), self._heartbeat)
            except asyncio.TimeoutError:
                self._drop(link, f"no answer to $/ping within {self._heartbeat:g} s")
                return
            except CodeintelError:
                return

    def _on_message(self, text: str) -> None:
        if self._trace is not None:
            self._trace("recv", text)
        try:
            message = json.loads(text)
        except ValueError:
            return  # not ours to answer: a server never sends junk on purpose
        if not isinstance(message, dict):
            return
        method = message.get("method")
        if method is None and message.get("id") is not None:
            entry = self._pending.pop(message["id"], None) if isinstance(message["id"], int) else None
            if entry is None:
                return
            future = entry[1]
            if future.done():
                return
            if "error" in message:
                future.set_exception(CodeintelError.from_rpc(message["error"]))
            else:
                future.set_result(message.get("result"))
            return
        params = message.get("params") or {}
        if not isinstance(params, dict):
            return
        if method == "$/progress":
            token = params.get("progressToken")
            if isinstance(token, str) and token.startswith("p") and token[1:].isdigit():
                entry = self._pending.get(int(token[1:]))
                if entry is not None and entry[2] is not None:
                    progress = {k: v for k, v in params.items() if k != "progressToken"}
                    try:
                        entry[2](progress)  # type: ignore[arg-type]
                    except Exception:
                        log.exception("on_progress callback failed")
            return
        sid = params.get("sessionId")
        if isinstance(sid, str) and sid in self._sessions:
            self._sessions[sid]._on_notification(str(method), params)
            return
        if self._on_notification is not None and isinstance(method, str):
            try:
                self._on_notification(method, params)
            except Exception:
                log.exception("on_notification callback failed")

    def _drop(self, link: Link, reason: str) -> None:
        """The connection is gone: fail what is in flight at once, then reconnect (or end)."""
        if self._link is not link or self._state != "connected":
            return
        self._link = None
        current = asyncio.current_task()
        for task in (self._pinger, self._reader):
            if task is not None and task is not current:
                task.cancel()
        self._spawn(link.close())
        self._fail_pending(lambda m: Disconnected(f"{m}: connection to {link.label} lost ({reason}); retry"))
        for s in list(self._sessions.values()):
            s._connection_lost()
        if self._reconnect is None:
            self._set_state("closed", f"disconnected: {reason}")
            for s in list(self._sessions.values()):
                s._end(Disconnected(f"search session: connection to {link.label} lost ({reason})"))
            self._sessions.clear()
            return
        self._set_state("reconnecting", f"disconnected: {reason}")
        self._reconnector = self._spawn(self._reconnect_loop())

    async def _reconnect_loop(self) -> None:
        policy = self._reconnect
        assert policy is not None
        attempts = 0
        last = ""
        while self._state == "reconnecting":
            if policy.max_attempts is not None and attempts >= policy.max_attempts:
                self._set_state("closed", f"gave up reconnecting after {attempts} attempts ({last})")
                for s in list(self._sessions.values()):
                    s._end(Disconnected(f"search session: gave up reconnecting ({last})"))
                self._sessions.clear()
                self._fail_pending(lambda m: Closed(f"{m}: gave up reconnecting"))
                return
            # Full jitter: clients of a restarted server spread out over the whole window.
            await asyncio.sleep(random.uniform(0, min(policy.cap, policy.base * 2**attempts)))
            attempts += 1
            if self._state != "reconnecting":
                return
            try:
                await self._attach()
                return
            except asyncio.CancelledError:
                raise
            except Exception as err:
                last = str(err) or type(err).__name__

    def _fail_pending(self, error: Callable[[str], CodeintelError]) -> None:
        pending = list(self._pending.values())
        self._pending.clear()
        for method, future, _ in pending:
            if not future.done():
                future.set_exception(error(method))

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _set_state(self, state: State, detail: str) -> None:
        self._state = state
        if state == "connected":
            self._connected.set()
        else:
            self._connected.clear()
            if state == "closed":
                self._connected.set()  # wake wait_connected() to raise
        if self._on_state_change is not None:
            try:
                self._on_state_change(state, detail)
            except Exception:
                log.exception("on_state_change callback failed")
