"""Spawn mode: the client starts `codeintel app-server` over stdio and stops it on close."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import codeintel
import pytest
from conftest import eventually, processes_with_marker, run, within

ARGS = ["--symbol-index", "off"]


@run
async def test_typed_tools_errors_progress_and_close(project: Path) -> None:
    marker = "py-spawn-basic"
    async with codeintel.connect(spawn=[project], args=ARGS, env={"CODEINTEL_TEST_MARKER": marker}) as ci:
        assert ci.state == "connected"
        assert ci.server_info and ci.server_info["name"] == "codeintel"
        assert processes_with_marker(marker), "the spawned app-server runs"

        found = await within(ci.find_files("shap"), "find_files")
        assert [r["path"] for r in found["results"]] == ["src/shapes.ts"]
        assert found["results"][0]["matchType"] == "file"

        progress: list[dict] = []
        hover = await within(ci.hover("src/main.ts", symbol="report", on_progress=progress.append), "hover of report")
        assert "function report(): string" in hover["contents"]
        assert hover["target"]["path"] == "src/main.ts"
        assert hover["precision"] in ("exact", "approximate") and hover["source"]

        symbols = await within(ci.workspace_symbols("Shape"), "workspace_symbols")
        assert any(s["name"] == "Shape" and s["path"] == "src/shapes.ts" for s in symbols["results"]), symbols

        # call() for any tool: the structured output and the text an agent sees.
        result = await ci.call("find_files", {"query": "main", "limit": 1})
        assert result["structured"]["results"][0]["path"] == "src/main.ts"
        assert "src/main.ts" in result["text"]

        steps: list[dict] = []
        await ci.call("debug_sleep", {"ms": 30, "steps": 3}, on_progress=steps.append)
        assert [p["progress"] for p in steps] == [1, 2, 3] and steps[0]["total"] == 3

        with pytest.raises(codeintel.CodeintelError) as bad:
            await ci.hover("../outside.ts", line=1)
        assert bad.value.code == "invalid_input" and bad.value.rpc_code == -32602 and not bad.value.retryable
        assert bad.value.data == {"kind": "invalid_input"}

        with pytest.raises(codeintel.CodeintelError) as unknown:
            await ci.call("no_such_tool", {})
        assert unknown.value.code == "invalid_input" and "unknown tool 'no_such_tool'" in str(unknown.value)

        with pytest.raises(codeintel.CodeintelError) as method:
            await ci.request("no/such/method")
        assert method.value.code == "method_not_found" and method.value.rpc_code == -32601

        with pytest.raises(TypeError):
            await ci.hover("src/main.ts", symbol="report", colum=3)  # type: ignore[call-arg]
        with pytest.raises(codeintel.CodeintelError) as wrong:
            await ci.request("hover", {"file": "src/main.ts", "col": 3})
        assert wrong.value.code == "invalid_input" and "column" in str(wrong.value)
    assert ci.state == "closed"
    await eventually(lambda: not processes_with_marker(marker), "close() to stop the spawned app-server")
    with pytest.raises(codeintel.Closed) as closed:
        await ci.find_files("x")
    assert closed.value.code == "closed" and not closed.value.retryable


def test_typos_in_keywords_are_python_errors() -> None:
    # A misspelt keyword never reaches the server: the typed methods' signatures are the schema's.
    import inspect

    sig = inspect.signature(codeintel.Client.references)
    assert "include_declaration" in sig.parameters and "includeDeclaration" not in sig.parameters


@run
async def test_cancelling_a_task_sends_cancel_request(project: Path) -> None:
    sent: list[dict] = []
    received: list[dict] = []

    def trace(direction: str, text: str) -> None:
        (sent if direction == "send" else received).append(json.loads(text))

    async with codeintel.connect(spawn=[project], args=ARGS, trace=trace) as ci:
        started = asyncio.Event()
        task = asyncio.ensure_future(ci.call("debug_sleep", {"ms": 100_000, "steps": 1000}, on_progress=lambda p: started.set()))
        await within(started.wait(), "the first progress of debug_sleep")
        request_id = next(m["id"] for m in sent if m.get("method") == "tools/call")
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": request_id}} in sent
        # The server stops the call and answers it "cancelled" (the client no longer waits for it).
        await eventually(lambda: any(m.get("id") == request_id and "error" in m for m in received), "the cancelled call's answer")
        answer = next(m for m in received if m.get("id") == request_id)
        assert answer["error"]["code"] == -32800
        # The connection goes on.
        assert (await ci.call("debug_sleep", {"ms": 1}))["structured"]["steps"] == 1


@run
async def test_connect_fails_when_the_command_is_missing(project: Path) -> None:
    with pytest.raises(FileNotFoundError):
        await codeintel.connect(spawn=[project], command=["/nonexistent/codeintel"])
