"""The Python SDK's error constants against the protocol module's one list (src/protocol/errors.ts,
read from the build in dist/), so they cannot drift: every JSON-RPC code and the name it maps to,
and the retryable code names. Node reads the compiled module; nothing here re-states the list."""
from __future__ import annotations

import json
import subprocess

from codeintel.errors import RETRYABLE_CODES, RPC_CODES
from conftest import NODE, REPO

PROTOCOL = REPO / "dist" / "src" / "protocol" / "errors.js"

_PRINT = (
    "const p = await import(process.argv[1]);"
    "console.log(JSON.stringify({ names: p.RPC_CODE_NAMES, retryable: p.RETRYABLE_CODES, tool: p.TOOL_ERROR_CODES }));"
)


def _protocol() -> dict:
    assert PROTOCOL.exists(), f"{PROTOCOL} is missing: run `npx tsc -p tsconfig.json` in {REPO}"
    out = subprocess.run([NODE, "--input-type=module", "-e", _PRINT, PROTOCOL.as_uri()], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout)


def test_rpc_codes_are_the_protocols() -> None:
    names = {int(code): name for code, name in _protocol()["names"].items()}
    assert RPC_CODES == names


def test_retryable_codes_are_the_protocols() -> None:
    assert RETRYABLE_CODES == frozenset(_protocol()["retryable"])


def test_every_tool_code_has_a_name_the_sdk_knows() -> None:
    # A tool error travels as data.kind; each kind is also the name of the code it is sent with.
    assert set(_protocol()["tool"]) <= set(RPC_CODES.values())
