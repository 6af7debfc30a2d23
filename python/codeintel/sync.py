"""The synchronous client: the asyncio client on a background event-loop thread.

For scripts and notebooks (a notebook's own running loop is left alone). Every method of the
asyncio client is here with the same arguments, plus ``timeout=`` (seconds; on expiry the call is
cancelled with ``$/cancelRequest`` and ``TimeoutError`` is raised). A KeyboardInterrupt while
waiting cancels the call too. Callbacks (``on_progress``, ``on_state_change``) run on the loop thread.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import threading
from typing import Any, Awaitable, Callable, Iterator, TypeVar

from .client import TYPED_TOOLS, Client, State
from .errors import Closed
from .session import SearchSession
from .types import SearchEvent

__all__ = ["SyncClient", "SyncSearchSession"]

T = TypeVar("T")


class _LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="codeintel-client", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def run(self, coro: Awaitable[T], timeout: float | None = None) -> T:
        if self.loop.is_closed():
            getattr(coro, "close", lambda: None)()
            raise Closed("the client is closed")
        if threading.current_thread() is self._thread:
            raise RuntimeError("a codeintel SyncClient method was called from its own loop thread (from a callback?)")

        async def bounded() -> T:
            return await asyncio.wait_for(coro, timeout) if timeout is not None else await coro

        future = asyncio.run_coroutine_threadsafe(bounded(), self.loop)
        try:
            return future.result()
        except concurrent.futures.CancelledError:
            raise Closed("the call was cancelled: the client was closed") from None
        except BaseException:
            future.cancel()  # KeyboardInterrupt and the like: the task's cancel sends $/cancelRequest
            raise

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(fn, *args)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self.loop.close()


class SyncSearchSession:
    """``update(query)``; ``for event in session``; ``next_event(timeout)``; ``stop()``."""

    def __init__(self, runner: _LoopThread, session: SearchSession) -> None:
        self._runner = runner
        self._session = session
        self.id = session.id

    def update(self, query: str) -> None:
        self._runner.call_soon(self._session.update, query)

    def stop(self) -> None:
        self._runner.call_soon(self._session.stop)

    def next_event(self, timeout: float | None = None) -> SearchEvent:
        """The next event; raises StopIteration once the session has ended, TimeoutError after ``timeout``."""
        async def next_one() -> SearchEvent:
            return await self._session.__anext__()

        try:
            return self._runner.run(next_one(), timeout)
        except StopAsyncIteration:
            raise StopIteration from None

    def __iter__(self) -> Iterator[SearchEvent]:
        return self

    def __next__(self) -> SearchEvent:
        return self.next_event()

    def __enter__(self) -> "SyncSearchSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class SyncClient:
    """Use :func:`codeintel.connect_sync`."""

    def __init__(self, runner: _LoopThread, client: Client) -> None:
        self._runner = runner
        self._client = client

    @property
    def state(self) -> State:
        return self._client.state

    @property
    def connected(self) -> bool:
        return self._client.connected

    @property
    def server_info(self) -> dict[str, str] | None:
        return self._client.server_info

    def search_session(self, *, roots: list[str] | None = None) -> SyncSearchSession:
        async def make() -> SearchSession:
            return self._client.search_session(roots=roots)

        return SyncSearchSession(self._runner, self._runner.run(make()))

    def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        self._runner.call_soon(self._client.notify, method, params)

    def close(self) -> None:
        """Closes the client (stopping a spawned server) and ends the loop thread."""
        if self._runner.loop.is_closed():
            return
        try:
            self._runner.run(self._client.close())
        finally:
            self._runner.stop()

    def __enter__(self) -> "SyncClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sync_method(name: str) -> Callable[..., Any]:
    method = getattr(Client, name)

    @functools.wraps(method)
    def run(self: SyncClient, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        return self._runner.run(getattr(self._client, name)(*args, **kwargs), timeout)

    return run


for _name in ("request", "call", "tools", "ping", "fuzzy_file_search", "wait_connected", *TYPED_TOOLS):
    setattr(SyncClient, _name, _sync_method(_name))
