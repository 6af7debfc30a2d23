"""Errors a client call fails with: the protocol's code names (src/protocol/errors.ts, which the
TypeScript SDK uses too; tests/test_protocol_drift.py checks these constants against it).

``CodeintelError.code`` is stable (``invalid_input``, ``not_found``, ``indexing``, ...);
``retryable`` says whether the same call may succeed if made again after a backoff.
"""
from __future__ import annotations

from typing import Any

__all__ = ["CodeintelError", "Disconnected", "Closed", "RETRYABLE_CODES", "RPC_CODES"]

#: JSON-RPC error codes and the code names they map to when the answer carries no ``data.kind``.
RPC_CODES: dict[int, str] = {
    -32700: "parse_error",
    -32600: "invalid_request",
    -32601: "method_not_found",
    -32602: "invalid_input",
    -32603: "internal",
    -32000: "invalid_request",
    -32001: "overloaded",
    -32003: "indexing",
    -32004: "not_found",
    -32005: "unavailable",
    -32006: "timeout",
    -32800: "cancelled",
}

#: Codes after which the same call may succeed if made again (after a backoff).
RETRYABLE_CODES = frozenset({"disconnected", "overloaded", "indexing"})


class CodeintelError(Exception):
    """A failed call: ``code`` (a name), ``rpc_code`` (the JSON-RPC code, when the server answered), ``data``."""

    def __init__(self, code: str, message: str, rpc_code: int | None = None, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.rpc_code = rpc_code
        self.data = data

    @property
    def retryable(self) -> bool:
        return self.code in RETRYABLE_CODES

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, rpc_code={self.rpc_code!r})"

    @staticmethod
    def from_rpc(error: dict[str, Any]) -> "CodeintelError":
        """A server's error answer; the tool error code travels in ``data.kind``."""
        rpc_code = error.get("code")
        data = error.get("data")
        kind = data.get("kind") if isinstance(data, dict) else None
        code = kind if isinstance(kind, str) else RPC_CODES.get(rpc_code, "internal") if isinstance(rpc_code, int) else "internal"
        return CodeintelError(code, str(error.get("message", "")), rpc_code if isinstance(rpc_code, int) else None, data)


class Disconnected(CodeintelError):
    """The connection dropped before the answer came: the request may or may not have run. Retryable."""

    def __init__(self, message: str) -> None:
        super().__init__("disconnected", message)


class Closed(CodeintelError):
    """The client was closed (or gave up reconnecting)."""

    def __init__(self, message: str) -> None:
        super().__init__("closed", message)
