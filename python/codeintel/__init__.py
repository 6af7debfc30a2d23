"""codeintel: a Python client for the codeintel app-server.

    async with codeintel.connect(spawn=["."]) as ci:
        hover = await ci.hover("src/app.ts", symbol="main")

    with codeintel.connect_sync(socket="/run/user/1000/codeintel/ab12.sock") as ci:
        print(ci.workspace_symbols("Widget")["results"])

Connect by spawning ``codeintel app-server`` over stdio (``spawn=ROOTS``; the ``codeintel`` on
PATH, ``$CODEINTEL_BIN`` or ``command=[...]``), to a Unix socket (``socket=PATH``, as the daemon
listens on) or to a WebSocket (``url=ws://...``, ``token=...``; needs the websockets package).
"""
from __future__ import annotations

import os
from typing import Any, Callable, Generator, Sequence

from ._links import LinkFactory, socket_link, spawn_link, websocket_link
from .client import TYPED_TOOLS, Client, Reconnect, State
from .errors import Closed, CodeintelError, Disconnected, RETRYABLE_CODES
from .session import SearchSession
from .sync import SyncClient, SyncSearchSession, _LoopThread
from .types import *  # noqa: F401,F403  (the TypedDicts)

__version__ = "0.1.0"

__all__ = [
    "connect",
    "connect_sync",
    "Client",
    "SyncClient",
    "SearchSession",
    "SyncSearchSession",
    "Reconnect",
    "State",
    "CodeintelError",
    "Disconnected",
    "Closed",
    "RETRYABLE_CODES",
    "TYPED_TOOLS",
]


def _link_factory(
    spawn: Sequence[str | os.PathLike[str]] | str | os.PathLike[str] | None,
    socket: str | os.PathLike[str] | None,
    url: str | None,
    token: str | None,
    command: Sequence[str] | None,
    args: Sequence[str],
    env: dict[str, str] | None,
    log: Callable[[str], None] | None,
) -> LinkFactory:
    given = [name for name, value in (("spawn", spawn), ("socket", socket), ("url", url)) if value is not None]
    if len(given) != 1:
        raise ValueError(f"connect() takes exactly one of spawn=, socket=, url= (got {', '.join(given) or 'none'})")
    if spawn is not None:
        roots = [os.fspath(spawn)] if isinstance(spawn, (str, os.PathLike)) else [os.fspath(r) for r in spawn]
        return spawn_link(roots, command=command, args=args, env=env, log=log)
    if socket is not None:
        return socket_link(os.fspath(socket))
    assert url is not None
    return websocket_link(url, token if token is not None else os.environ.get("CODEINTEL_TOKEN"))


class _Connecting:
    """What connect() returns: ``await`` it for a Client, or use it as ``async with``."""

    def __init__(self, make_client: Callable[[], Client]) -> None:
        self._make_client = make_client
        self._client: Client | None = None

    def __await__(self) -> Generator[Any, None, Client]:
        return self._make_client().open().__await__()

    async def __aenter__(self) -> Client:
        self._client = await self._make_client().open()
        return self._client

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.close()


def connect(
    spawn: Sequence[str | os.PathLike[str]] | str | os.PathLike[str] | None = None,
    *,
    socket: str | os.PathLike[str] | None = None,
    url: str | None = None,
    token: str | None = None,
    command: Sequence[str] | None = None,
    args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    log: Callable[[str], None] | None = None,
    heartbeat: float = 20.0,
    initialize_timeout: float = 30.0,
    reconnect: bool | Reconnect = True,
    client_info: dict[str, str] | None = None,
    on_state_change: Callable[[State, str], None] | None = None,
    on_notification: Callable[[str, dict[str, Any]], None] | None = None,
    trace: Callable[[str, str], None] | None = None,
) -> _Connecting:
    """Connects and initializes; raises when the first connection fails (later drops reconnect).

    ``spawn``: project roots for a ``codeintel app-server`` child (``args``: extra app-server
    arguments such as ``["--symbol-index", "off"]``; ``env``: extra environment; ``log``: told each
    stderr line). ``socket``: a Unix socket path. ``url``: a WebSocket URL, ``token`` its bearer
    token (default ``$CODEINTEL_TOKEN``). ``heartbeat``: ``$/ping`` period in seconds (0: none);
    ``initialize_timeout``: seconds a connection attempt waits for ``initialize``; ``reconnect``:
    False, True or a :class:`Reconnect` policy. ``on_state_change(state, detail)``,
    ``on_notification(method, params)`` (notifications no session takes), ``trace(direction, text)``.
    """
    link = _link_factory(spawn, socket, url, token, command, args, env, log)
    return _Connecting(
        lambda: Client(
            link,
            heartbeat=heartbeat,
            initialize_timeout=initialize_timeout,
            reconnect=reconnect,
            client_info=client_info,
            on_state_change=on_state_change,
            on_notification=on_notification,
            trace=trace,
        )
    )


def connect_sync(
    spawn: Sequence[str | os.PathLike[str]] | str | os.PathLike[str] | None = None,
    **options: Any,
) -> SyncClient:
    """connect() for scripts and notebooks: the same options, a client whose methods block."""
    runner = _LoopThread()
    try:
        client = runner.run(_open(spawn, options))
    except BaseException:
        runner.stop()
        raise
    return SyncClient(runner, client)


async def _open(spawn: Any, options: dict[str, Any]) -> Client:
    return await connect(spawn, **options)
