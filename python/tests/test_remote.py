"""Socket and WebSocket modes against app-servers the tests start, search sessions, and surviving
the server: a killed and restarted server is reconnected to with the session going on, a stopped
one (SIGSTOP) is dropped by the heartbeat."""
from __future__ import annotations

import asyncio
import os
import signal
import stat
from pathlib import Path
from typing import Callable

import codeintel
import pytest
from conftest import Server, eventually, files_of, processes_with_marker, run, until_completed, within

FAST = codeintel.Reconnect(base=0.05, cap=0.5)


def test_unix_socket_typed_tools_and_ping(project: Path, servers: Callable[..., Server], socket_dir: Path) -> None:
    path = socket_dir / "a" / "ci.sock"
    server = servers(f"unix://{path}", project)
    server.wait_line(r"listening on unix:", "the socket server to listen")
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700

    @run
    async def check() -> None:
        async with codeintel.connect(socket=path) as ci:
            assert ci.server_info and ci.server_info["name"] == "codeintel"
            assert await ci.request("$/ping") == {}
            files = await ci.fuzzy_file_search("shap")
            assert [f["path"] for f in files] == ["src/shapes.ts"] and files[0]["file_name"] == "shapes.ts"
            hover = await within(ci.hover("src/shapes.ts", symbol="Circle"), "hover of Circle")
            assert "Circle" in hover["contents"]
            outline = await within(ci.document_symbols("src/shapes.ts"), "document_symbols")
            assert {"Shape", "Circle"} <= {s["name"] for s in outline["results"]}
            defs = await within(ci.definition("src/main.ts", symbol="report"), "definition")
            assert defs["results"] and defs["results"][0]["path"] == "src/main.ts"
            names = {t["name"] for t in await ci.tools()}
            assert {"hover", "find_files", "workspace_symbols"} <= names

    check()


def test_websocket_with_token(project: Path, servers: Callable[..., Server]) -> None:
    pytest.importorskip("websockets")
    server = servers("ws://127.0.0.1:0", project, "--token", "s3cret")
    url = server.wait_line(r"listening on (ws://\S+)", "the WebSocket server to listen").group(1)

    @run
    async def check() -> None:
        with pytest.raises(ConnectionError, match="HTTP 401"):
            await codeintel.connect(url=url, token="wrong")
        async with codeintel.connect(url=url, token="s3cret") as ci:
            found = await within(ci.find_files("main"), "find_files over WebSocket")
            assert "src/main.ts" in [r["path"] for r in found["results"]]
            session = ci.search_session()
            session.update("unicode")
            events = await until_completed(session, "unicode")
            assert "src/unicode.ts" in files_of(events)
            session.stop()

    check()


def test_search_session_streams_updates_for_the_latest_query(project: Path, servers: Callable[..., Server], socket_dir: Path) -> None:
    path = socket_dir / "s.sock"
    servers(f"unix://{path}", project).wait_line(r"listening on unix:", "the socket server to listen")

    @run
    async def check() -> None:
        async with codeintel.connect(socket=path) as ci:
            async with ci.search_session() as session:
                session.update("shap")
                first = await until_completed(session, "shap")
                assert first[-1] == {"type": "completed", "query": "shap"}
                assert files_of(first) == {"src/shapes.ts"}
                # Each keystroke: snapshots only for the latest query, then its completion.
                session.update("m")
                session.update("ma")
                session.update("main")
                later = await until_completed(session, "main")
                assert all(e["query"] == "main" for e in later), later
                assert "src/main.ts" in files_of(later)
                assert later[-1]["type"] == "completed"
                snapshot = next(e for e in later if e["type"] == "updated")
                hit = next(f for f in snapshot["files"] if f["path"] == "src/main.ts")
                assert hit["match_type"] == "file" and [hit["path"][i] for i in hit["indices"]] == list("main")
            # Leaving the block stops it: iteration ends.
            assert [e async for e in session] == []

    check()


def test_reconnects_to_a_restarted_server(project: Path, servers: Callable[..., Server], socket_dir: Path) -> None:
    path = socket_dir / "b.sock"
    first = servers(f"unix://{path}", project)
    first.wait_line(r"listening on unix:", "the first socket server to listen")

    @run
    async def check() -> None:
        states: list[str] = []
        async with codeintel.connect(socket=path, reconnect=FAST, on_state_change=lambda s, _: states.append(s)) as ci:
            session = ci.search_session()
            session.update("shap")
            assert "src/shapes.ts" in files_of(await until_completed(session, "shap"))

            started = asyncio.Event()
            in_flight = asyncio.ensure_future(ci.call("debug_sleep", {"ms": 600_000, "steps": 1000}, on_progress=lambda _: started.set()))
            await within(started.wait(), "the in-flight call to start")
            first.kill(signal.SIGKILL)
            with pytest.raises(codeintel.Disconnected) as err:
                await within(in_flight, "the in-flight call to fail")
            assert err.value.code == "disconnected" and err.value.retryable is True
            assert "lost" in str(err.value) and "retry" in str(err.value)
            assert isinstance(err.value, codeintel.CodeintelError)
            await eventually(lambda: ci.state == "reconnecting", "the client to see the drop")
            with pytest.raises(codeintel.Disconnected):
                await ci.find_files("x")  # while reconnecting: at once, retryable

            second = servers(f"unix://{path}", project)
            second.wait_line(r"listening on unix:", "the second socket server to listen")
            await within(ci.wait_connected(), "the client to reconnect")
            # The session was re-opened on the new server: it goes on.
            session.update("main")
            assert "src/main.ts" in files_of(await until_completed(session, "main", "the re-opened session"))
            assert states == ["connected", "reconnecting", "connected"], states
            session.stop()
            assert [e async for e in session] == []

    check()


def test_heartbeat_drops_a_stopped_server_then_reconnects(project: Path, servers: Callable[..., Server], socket_dir: Path) -> None:
    path = socket_dir / "c.sock"
    server = servers(f"unix://{path}", project)
    server.wait_line(r"listening on unix:", "the socket server to listen")

    @run
    async def check() -> None:
        details: list[str] = []
        async with codeintel.connect(socket=path, heartbeat=0.3, reconnect=FAST, on_state_change=lambda s, d: details.append(f"{s}: {d}")) as ci:
            in_flight = asyncio.ensure_future(ci.call("debug_sleep", {"ms": 600_000}))
            os.kill(server.proc.pid, signal.SIGSTOP)
            with pytest.raises(codeintel.Disconnected) as err:
                await within(in_flight, "the heartbeat to drop the stopped server")
            assert "$/ping" in str(err.value)
            assert ci.state != "connected"
            os.kill(server.proc.pid, signal.SIGCONT)
            await within(ci.wait_connected(), "the client to reconnect once the server resumed")
            assert await ci.request("$/ping") == {}
        assert any("no answer to $/ping" in d for d in details), details

    check()


def test_respawns_a_spawned_server_that_died(project: Path) -> None:
    marker = "py-respawn"

    @run
    async def check() -> None:
        async with codeintel.connect(spawn=[project], args=["--symbol-index", "off"], env={"CODEINTEL_TEST_MARKER": marker}, reconnect=FAST) as ci:
            session = ci.search_session()
            session.update("unicode")
            await until_completed(session, "unicode")
            (pid,) = [p for p in processes_with_marker(marker) if b"app-server" in Path(f"/proc/{p}/cmdline").read_bytes()]
            os.kill(pid, signal.SIGKILL)
            await eventually(lambda: ci.state == "reconnecting" or any(p != pid for p in processes_with_marker(marker)), "the client to see the server die")
            await within(ci.wait_connected(), "a new server")
            session.update("shapes")
            assert "src/shapes.ts" in files_of(await until_completed(session, "shapes"))
        await eventually(lambda: not processes_with_marker(marker), "close() to end the spawned server")

    check()
