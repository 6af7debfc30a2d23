"""The README's Python SDK examples stay true: every block compiles and uses only methods the
clients have. (They are not run here: spawned on the repository itself they index all of it.)"""
from __future__ import annotations

import ast
import re

import codeintel
from conftest import REPO


def _blocks() -> list[str]:
    readme = (REPO / "README.md").read_text()
    section = readme.split("### Python SDK\n", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2, "the Python SDK section has an asyncio and a sync example"
    return blocks


def _methods_used(source: str) -> set[str]:
    return {n.attr for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "ci"}


def test_examples_use_real_methods() -> None:
    asynchronous, synchronous = _blocks()
    for name in _methods_used(asynchronous):
        assert hasattr(codeintel.Client, name), f"README: Client has no {name}"
    for name in _methods_used(synchronous):
        assert hasattr(codeintel.SyncClient, name), f"README: SyncClient has no {name}"
    compile(asynchronous, "README async example", "exec")
    compile(synchronous, "README sync example", "exec")
