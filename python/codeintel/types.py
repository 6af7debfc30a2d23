"""Typed results: the tools' structured outputs as TypedDicts.

(No ``from __future__ import annotations`` here: Python 3.11 sees ``NotRequired`` only in evaluated
annotations.) Kept equal to the live catalog's output schemas by tests/test_catalog_drift.py: every key here
is a property of the tool's ``outputSchema`` (nested objects too), and every required property
there is a required key here.
"""
from typing import Any, Literal, NotRequired, TypedDict

Precision = Literal["exact", "approximate"]


class CallResult(TypedDict):
    """``call(name, arguments)``: the tool's structured output and the compact text an agent sees."""

    structured: Any
    text: str


class Progress(TypedDict, total=False):
    """A ``$/progress`` notification of a call made with ``on_progress=``."""

    progress: float
    total: float
    message: str


# -- find_files ---------------------------------------------------------------------------------


class FileResult(TypedDict):
    root: str
    path: str
    fileName: str
    matchType: Literal["file", "directory"]
    score: float
    #: Matched UTF-16 offsets in ``path``.
    indices: list[int]


class FindFilesOutput(TypedDict):
    query: str
    total: int
    truncated: bool
    results: list[FileResult]


class WireFileMatch(TypedDict):
    """A file of ``fuzzyFileSearch`` and search sessions, exactly as codex serialises it."""

    root: str
    path: str
    match_type: Literal["file", "directory"]
    file_name: str
    score: int
    #: Matched character (code point) offsets in ``path``: index a Python str with them directly.
    indices: list[int]


class SearchEvent(TypedDict):
    """One event of a search session: ``updated`` (a snapshot, ``files`` so far) or ``completed``."""

    type: Literal["updated", "completed"]
    query: str
    files: NotRequired[list[WireFileMatch]]


# -- navigation -----------------------------------------------------------------------------------


class Target(TypedDict):
    path: str
    line: int
    column: int
    symbol: NotRequired[str]


class Declaration(TypedDict, total=False):
    path: str
    line: int
    column: int


class HoverOutput(TypedDict):
    target: Target
    #: Markdown; empty when the server has nothing to say about this position.
    contents: str
    range: NotRequired[dict[str, int]]
    #: Approximate answers: the declaration the contents describe.
    declaration: NotRequired[Declaration]
    precision: Precision
    #: The language server's id (e.g. ``typescript``), ``scip`` or ``syntax``.
    source: str
    #: With ``source == "scip"``: the commit the index was built at, when its import named one.
    indexedCommit: NotRequired[str]


class Location(TypedDict):
    path: str
    line: int
    column: int
    endLine: NotRequired[int]
    endColumn: NotRequired[int]
    kind: NotRequired[str]
    name: NotRequired[str]
    snippet: NotRequired[str]


class LocationsOutput(TypedDict):
    """definition, type_definition, implementation, references."""

    target: Target
    total: int
    offset: int
    omitted: int
    results: list[Location]
    #: False when the server was still loading the project: the list may miss entries (``reason``).
    complete: bool
    reason: NotRequired[str]
    precision: Precision
    source: str
    indexedCommit: NotRequired[str]


class CallItem(TypedDict):
    name: str
    kind: str
    path: str
    line: int
    column: int


class CallSite(TypedDict):
    line: int
    column: int


class CallEntry(TypedDict):
    name: str
    kind: str
    path: str
    line: int
    column: int
    snippet: str
    callSites: list[CallSite]


class CallHierarchyOutput(TypedDict):
    target: Target
    item: CallItem | None
    incoming: NotRequired[list[CallEntry]]
    outgoing: NotRequired[list[CallEntry]]
    complete: bool
    reason: NotRequired[str]


class DiagnosticEntry(TypedDict):
    severity: Literal["error", "warning", "info", "hint"]
    line: int
    column: int
    endLine: int
    endColumn: int
    message: str
    source: NotRequired[str]
    code: NotRequired[str]
    snippet: str


class DiagnosticsOutput(TypedDict):
    path: str
    counts: dict[str, int]
    total: int
    offset: int
    omitted: int
    results: list[DiagnosticEntry]


class OutlineEntry(TypedDict):
    name: str
    kind: str
    detail: NotRequired[str]
    #: Dotted path of the enclosing symbols.
    container: NotRequired[str]
    depth: int
    line: int
    column: int
    endLine: int
    #: ``lsp`` (a language server), ``syntax`` (tree-sitter's parse: approximate) or ``ctags`` (lines only).
    source: Literal["lsp", "syntax", "ctags"]


class SymbolIndexNote(TypedDict):
    #: Which source answered: ``cache``, ``cache+live``, ``live`` or ``syntax``.
    source: Literal["cache", "cache+live", "live", "syntax"]
    #: False while the root's first full indexing pass has not finished (always without a cache).
    complete: bool
    progress: NotRequired[dict[str, Any]]


class DocumentSymbolsOutput(TypedDict):
    path: str
    total: int
    offset: int
    omitted: int
    results: list[OutlineEntry]
    precision: Precision
    index: SymbolIndexNote


class WorkspaceSymbol(TypedDict):
    name: str
    kind: str
    container: NotRequired[str]
    path: str
    line: int
    column: int
    snippet: str
    #: The server that answered ("" for a syntax result).
    server: str
    source: Literal["lsp", "syntax", "ctags"]


class WorkspaceSymbolsOutput(TypedDict):
    query: str
    total: int
    offset: int
    omitted: int
    results: list[WorkspaceSymbol]
    complete: bool
    reason: NotRequired[str]
    precision: Precision
    index: SymbolIndexNote


# -- service --------------------------------------------------------------------------------------


class ServerRef(TypedDict):
    serverId: str
    root: str


class RestartOutput(TypedDict):
    stopped: list[ServerRef]
    cleared: list[ServerRef]


class ServerLocation(TypedDict):
    path: str
    where: Literal["codeintel", "PATH", "node_modules", "venv"]


class RunningServer(TypedDict):
    root: str
    state: str
    pid: NotRequired[int]


class ServerEntry(TypedDict):
    id: str
    languages: list[str]
    extensions: list[str]
    status: Literal["active", "opt-in", "disabled"]
    installed: bool
    location: NotRequired[ServerLocation]
    version: NotRequired[str]
    problem: NotRequired[str]
    answersFor: list[str]
    running: list[RunningServer]
    install: str


class ServersOutput(TypedDict):
    root: str
    servers: list[ServerEntry]


class FileProblem(TypedDict):
    path: str
    error: str | None


class TierStats(TypedDict):
    files: int
    symbols: int
    seconds: float


class IndexTiers(TypedDict):
    syntax: TierStats
    lsp: TierStats


class MissingServer(TypedDict):
    serverId: str
    files: int
    reason: str


class ServerFailure(TypedDict):
    serverId: str
    files: int
    #: timeout, broken, loading or failed
    why: str
    reason: str


class ImportScipOutput(TypedDict):
    root: str
    file: str
    #: The indexer named in the index's metadata, with its version.
    tool: NotRequired[str]
    #: The full commit id the documents describe (absent: the work tree at import time).
    commit: NotRequired[str]
    documents: int
    paths: int
    occurrences: int
    symbols: int
    #: Indexed paths whose content differs from the work tree's: answered by the other tiers.
    stale: int
    databaseBytes: int
    elapsedMs: int


class IndexOutput(TypedDict):
    root: str
    database: str
    total: int
    done: int
    indexed: NotRequired[int]
    empty: NotRequired[int]
    skipped: NotRequired[int]
    failed: NotRequired[int]
    excluded: NotRequired[int]
    symbols: NotRequired[int]
    cacheSymbols: NotRequired[int]
    symbolChange: NotRequired[int]
    removed: NotRequired[int]
    invalidated: NotRequired[int]
    elapsedMs: NotRequired[int]
    #: True when the run was stopped early; the next run resumes.
    cancelled: bool
    failures: list[FileProblem]
    excludedFiles: list[FileProblem]
    #: Files whose language server is not installed: syntax symbols only.
    syntaxOnly: NotRequired[int]
    missingServers: NotRequired[list[MissingServer]]
    #: Files whose server answered no symbols while the syntax tier found some: kept.
    keptSyntax: NotRequired[int]
    #: Servers that failed this run, once each; non-empty: `codeintel index` exits 3.
    serverFailures: NotRequired[list[ServerFailure]]
    tiers: IndexTiers
