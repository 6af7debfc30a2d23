"""A fuzzy file search session over the app-server, iterated with ``async for``.

It outlives its connection: after a reconnect the client re-opens it (``sessionStart`` with the
same id, then the latest query) and iteration goes on.
"""
from __future__ import annotations

import asyncio
import itertools
import os
import secrets
from typing import TYPE_CHECKING, Any, AsyncIterator

from .errors import CodeintelError
from .types import SearchEvent

if TYPE_CHECKING:
    from .client import Client

_counter = itertools.count(1)


class SearchSession:
    """``update(query)`` per keystroke; ``async for event in session`` yields ``updated`` snapshots
    (only for the latest query) and one ``completed`` per query. ``stop()`` ends the iteration."""

    def __init__(self, client: "Client", roots: list[str]) -> None:
        self.id = f"py-{os.getpid()}-{next(_counter)}-{secrets.token_hex(3)}"
        self._client = client
        self._roots = roots
        self.query: str | None = None
        #: The query of the last snapshot the server sent (sessionCompleted belongs to it).
        self._snapshot_query: str | None = None
        self._pending: list[SearchEvent] = []
        self._wakeup = asyncio.Event()
        self._failure: BaseException | None = None
        self.ended = False

    def update(self, query: str) -> None:
        """Searches for ``query``; snapshots for it follow. While reconnecting it is sent once the session is back."""
        if self.ended:
            return
        self.query = query
        if self._client.connected:
            self._send("fuzzyFileSearch/sessionUpdate", {"sessionId": self.id, "query": query})

    def stop(self) -> None:
        """Ends the session: iteration finishes, nothing follows."""
        if self.ended:
            return
        if self._client.connected:
            self._send("fuzzyFileSearch/sessionStop", {"sessionId": self.id})
        self._end()

    def __aiter__(self) -> AsyncIterator[SearchEvent]:
        return self

    async def __anext__(self) -> SearchEvent:
        while True:
            if self._pending:
                return self._pending.pop(0)
            if self._failure is not None:
                raise self._failure
            if self.ended:
                raise StopAsyncIteration
            self._wakeup.clear()
            await self._wakeup.wait()

    async def __aenter__(self) -> "SearchSession":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop()

    # -- the client's side ----------------------------------------------------------------------

    def _reopen(self) -> None:
        """The connection is (back) up: start the session there and repeat the latest query."""
        if self.ended:
            return
        self._send("fuzzyFileSearch/sessionStart", {"sessionId": self.id, "roots": self._roots})
        if self.query is not None:
            self._send("fuzzyFileSearch/sessionUpdate", {"sessionId": self.id, "query": self.query})

    def _connection_lost(self) -> None:
        """The snapshot in hand is stale; the query will be repeated."""
        self._pending.clear()

    def _on_notification(self, method: str, params: dict[str, Any]) -> None:
        if method == "fuzzyFileSearch/sessionUpdated":
            self._snapshot_query = params.get("query")
            if params.get("query") != self.query:
                return  # an older query's snapshot
            self._push({"type": "updated", "query": params["query"], "files": params.get("files", [])})
        elif method == "fuzzyFileSearch/sessionCompleted":
            # It names no query: it completes the query of the snapshot just before it. An older
            # query's completion, which crossed a newer update on the wire, is not this query's.
            if self._snapshot_query != self.query:
                return
            self._push({"type": "completed", "query": self.query or ""})

    def _end(self, error: BaseException | None = None) -> None:
        if self.ended:
            return
        self.ended = True
        self._client._forget_session(self.id)
        if error is not None:
            self._failure = error
        self._wakeup.set()

    def _send(self, method: str, params: dict[str, Any]) -> None:
        future = self._client._start_request(method, params)

        def settled(f: "asyncio.Future[Any]") -> None:
            if f.cancelled():
                return
            err = f.exception()
            # A drop fails the request "disconnected": _reopen() repeats it. Any other failure ends the session.
            if isinstance(err, CodeintelError) and err.code not in ("disconnected", "closed"):
                self._end(err)

        future.add_done_callback(settled)

    def _push(self, event: SearchEvent) -> None:
        if self.ended:
            return
        # A snapshot not yet consumed is superseded by a newer one.
        if event["type"] == "updated" and self._pending and self._pending[-1]["type"] == "updated":
            self._pending[-1] = event
        else:
            self._pending.append(event)
        self._wakeup.set()
