"""connect_sync: the same methods, blocking, on a background event-loop thread."""
from __future__ import annotations

import threading
from pathlib import Path

import codeintel
import pytest
from conftest import DEADLINE, processes_with_marker


def _loop_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "codeintel-client"]


def test_sync_client(project: Path) -> None:
    marker = "py-sync"
    before = len(_loop_threads())
    with codeintel.connect_sync(spawn=[project], args=["--symbol-index", "off"], env={"CODEINTEL_TEST_MARKER": marker}) as ci:
        assert ci.connected and ci.server_info and ci.server_info["name"] == "codeintel"
        assert [r["path"] for r in ci.find_files("shap", timeout=DEADLINE)["results"]] == ["src/shapes.ts"]
        hover = ci.hover("src/main.ts", symbol="report", timeout=DEADLINE)
        assert "function report(): string" in hover["contents"]
        symbols = ci.document_symbols("src/shapes.ts", timeout=DEADLINE)
        assert "Circle" in {s["name"] for s in symbols["results"]}
        assert ci.call("debug_sleep", {"ms": 1})["structured"]["steps"] == 1

        with pytest.raises(codeintel.CodeintelError) as err:
            ci.definition("../nope.ts", line=1)
        assert err.value.code == "invalid_input" and not err.value.retryable

        # A timeout cancels the call ($/cancelRequest) and the client goes on.
        with pytest.raises(TimeoutError):
            ci.call("debug_sleep", {"ms": 600_000}, timeout=0.2)
        assert ci.request("$/ping") == {}

        with ci.search_session() as session:
            session.update("main")
            seen = []
            for event in session:
                seen.append(event)
                if event["type"] == "completed":
                    break
            assert any(f["path"] == "src/main.ts" for e in seen if e["type"] == "updated" for f in e["files"])
            with pytest.raises(TimeoutError):
                session.next_event(timeout=0.1)  # nothing more for this query
        assert len(_loop_threads()) == before + 1
    assert ci.state == "closed"
    assert not processes_with_marker(marker), "close() stopped the spawned server"
    assert len(_loop_threads()) == before, "close() ended the loop thread"
    with pytest.raises(codeintel.Closed):
        ci.find_files("x")
