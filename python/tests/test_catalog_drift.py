"""The typed methods and TypedDicts against the live tool catalog (tools/list), so they cannot drift:

- every tool of the catalog (but debug_*) has a typed method on Client and SyncClient, and every
  typed method names a tool of the catalog;
- a method's keyword names, mapped as the client maps them (``include_declaration`` ->
  ``includeDeclaration``), are exactly the properties of the tool's inputSchema, and its
  positional parameters exactly the required ones;
- every key of the method's result TypedDict is a property of the tool's outputSchema, the
  required keys exactly its required properties, recursively for nested objects and arrays.

The server runs with --symbol-index lazy: the full catalog (index, the cache's filters).
"""
from __future__ import annotations

import inspect
import typing
from pathlib import Path
from typing import Any, NotRequired, get_args, get_origin, get_type_hints, is_typeddict

import codeintel
from codeintel.client import camel
from conftest import run, within


@run
async def _catalog(project: Path) -> list[dict[str, Any]]:
    async with codeintel.connect(spawn=[project], args=["--symbol-index", "lazy"]) as ci:
        return await within(ci.tools(), "tools/list")


def _unwrap(tp: Any) -> Any:
    """NotRequired[X] -> X; X | None -> X."""
    while get_origin(tp) is NotRequired:
        (tp,) = get_args(tp)
    if get_origin(tp) in (typing.Union, __import__("types").UnionType):
        rest = [a for a in get_args(tp) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return tp


def _compare(td: Any, schema: dict[str, Any], where: str, problems: list[str]) -> None:
    props: dict[str, Any] = schema.get("properties", {})
    hints = get_type_hints(td)
    keys = set(hints)
    for key in sorted(keys - set(props)):
        problems.append(f"{where}: {td.__name__}.{key} is not in the outputSchema (properties: {sorted(props)})")
    for key in sorted(set(props) - keys):
        problems.append(f"{where}: the outputSchema's {key!r} is missing from {td.__name__}")
    required = set(schema.get("required", []))
    if required != set(td.__required_keys__):
        problems.append(f"{where}: {td.__name__} requires {sorted(td.__required_keys__)}, the outputSchema {sorted(required)}")
    for key in sorted(keys & set(props)):
        tp = _unwrap(hints[key])
        sub = props[key]
        if is_typeddict(tp) and "properties" in sub:
            _compare(tp, sub, f"{where}.{key}", problems)
        elif get_origin(tp) is list:
            (item,) = get_args(tp)
            item = _unwrap(item)
            if is_typeddict(item) and "properties" in sub.get("items", {}):
                _compare(item, sub["items"], f"{where}.{key}[]", problems)


def _result_type(method: Any) -> Any:
    return get_type_hints(method)["return"]


def test_typed_methods_match_the_live_catalog(project: Path) -> None:
    catalog = {t["name"]: t for t in _catalog(project) if not t["name"].startswith("debug_")}
    problems: list[str] = []
    missing = sorted(set(catalog) - set(codeintel.TYPED_TOOLS))
    extra = sorted(set(codeintel.TYPED_TOOLS) - set(catalog))
    if missing:
        problems.append(f"tools without a typed method: {missing}")
    if extra:
        problems.append(f"typed methods for tools the catalog lacks: {extra}")
    for name in sorted(set(catalog) & set(codeintel.TYPED_TOOLS)):
        tool = catalog[name]
        for cls in (codeintel.Client, codeintel.SyncClient):
            if not callable(getattr(cls, name, None)):
                problems.append(f"{cls.__name__}.{name} is missing")
        method = getattr(codeintel.Client, name)
        params = [p for p in inspect.signature(method).parameters.values() if p.name not in ("self", "on_progress")]
        inputs = tool["inputSchema"].get("properties", {})
        mapped = {camel(p.name): p for p in params}
        for key in sorted(set(mapped) - set(inputs)):
            problems.append(f"{name}: keyword {mapped[key].name!r} ({key}) is not an input of the tool ({sorted(inputs)})")
        for key in sorted(set(inputs) - set(mapped)):
            problems.append(f"{name}: input {key!r} has no keyword")
        positional = {camel(p.name) for p in params if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty}
        if positional != set(tool["inputSchema"].get("required", [])):
            problems.append(f"{name}: required parameters {sorted(positional)}, the inputSchema requires {sorted(tool['inputSchema'].get('required', []))}")
        assert "on_progress" in inspect.signature(method).parameters, name
        result = _result_type(method)
        if not is_typeddict(result):
            problems.append(f"{name}: the result {result!r} is not a TypedDict")
        elif "outputSchema" not in tool:
            problems.append(f"{name}: the tool publishes no outputSchema")
        else:
            _compare(result, tool["outputSchema"], name, problems)
    assert not problems, "typed SDK and the catalog disagree:\n" + "\n".join(problems)


def test_the_comparison_finds_drift() -> None:
    # The check itself: a key the schema lacks, a required key it does not require.
    from typing import TypedDict

    class Out(TypedDict):
        a: int
        b: NotRequired[str]
        c: int

    problems: list[str] = []
    _compare(Out, {"properties": {"a": {}, "b": {}, "d": {}}, "required": ["a", "b"]}, "t", problems)
    assert any("Out.c is not in the outputSchema" in p for p in problems)
    assert any("'d' is missing" in p for p in problems)
    assert any("requires" in p for p in problems)
