// The picker page: a fuzzy file search session over the app-server WebSocket, streamed
// results with highlighted matches, keyboard selection, and the chosen file's symbols.
const params = new URLSearchParams(location.search);
const token = params.get("token");
const queryBox = document.getElementById("query");
const statusBox = document.getElementById("status");
const resultList = document.getElementById("results");
const symbolTitle = document.getElementById("symbols-title");
const symbolList = document.getElementById("symbol-list");

const sessionId = `picker-${Math.random().toString(36).slice(2)}`;
let socket;
let nextId = 1;
const pending = new Map();
let files = [];
let selected = 0;
let currentQuery = "";
/** The query of the last snapshot the server sent: sessionCompleted belongs to it. */
let snapshotQuery;
let multiRoot = false;

// Like codeintel/client: a dropped connection fails what is pending at once and is made again
// with capped exponential backoff and jitter, re-opening the search session with the current
// query; a server that stops answering $/ping is dropped.
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 5000;
const HEARTBEAT_MS = 20000;
let attempts = 0;
let heartbeat;

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${location.host}/${token ? `?token=${encodeURIComponent(token)}` : ""}`;
  const ws = new WebSocket(url);
  socket = ws;
  ws.addEventListener("open", async () => {
    try {
      const init = await request("initialize", { clientInfo: { name: "codeintel-picker", version: "1" } });
      notify("initialized");
      multiRoot = false;
      await request("fuzzyFileSearch/sessionStart", { sessionId, roots: [] });
      attempts = 0;
      startHeartbeat(ws);
      setStatus(`ready — ${init.serverInfo.name} ${init.serverInfo.version}`);
      if (queryBox.value) search(queryBox.value);
    } catch (err) {
      setStatus(`failed to start: ${err.message}`);
      ws.close();
    }
  });
  ws.addEventListener("message", (event) => onMessage(JSON.parse(event.data)));
  ws.addEventListener("close", (event) => {
    if (socket !== ws) return;
    window.clearInterval(heartbeat);
    for (const { reject } of pending.values()) reject(new Error("disconnected; retrying"));
    pending.clear();
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempts++);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    setStatus(`disconnected${event.reason ? `: ${event.reason}` : ""}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
    window.setTimeout(connect, delay);
  });
}

function startHeartbeat(ws) {
  let waiting = false;
  window.clearInterval(heartbeat);
  heartbeat = window.setInterval(() => {
    if (waiting) return ws.close(4000, "no answer to $/ping");
    waiting = true;
    request("$/ping", {}).then(() => (waiting = false), () => undefined);
  }, HEARTBEAT_MS);
}

function request(method, params) {
  if (socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error("disconnected; retrying"));
  const id = nextId++;
  socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}

function notify(method, params) {
  socket.send(JSON.stringify({ jsonrpc: "2.0", method, params }));
}

function onMessage(message) {
  if (message.id !== undefined && message.id !== null && pending.has(message.id)) {
    const { resolve, reject } = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) reject(new Error(message.error.message));
    else resolve(message.result);
    return;
  }
  if (message.method === "fuzzyFileSearch/sessionUpdated" && message.params.sessionId === sessionId) {
    snapshotQuery = message.params.query;
    if (message.params.query !== currentQuery) return;
    files = message.params.files;
    multiRoot = new Set(files.map((f) => f.root)).size > 1;
    selected = Math.min(selected, Math.max(0, files.length - 1));
    setStatus(`searching… ${files.length} so far`);
    renderResults();
  } else if (message.method === "fuzzyFileSearch/sessionCompleted" && message.params.sessionId === sessionId) {
    // It names no query: it completes the last snapshot's, which may be an older query's.
    if (snapshotQuery !== currentQuery) return;
    setStatus(`${files.length} result${files.length === 1 ? "" : "s"}`);
    resultList.dataset.complete = "true";
  }
}

function setStatus(text) {
  statusBox.textContent = text;
}

function search(query) {
  currentQuery = query;
  resultList.dataset.complete = "false";
  if (socket.readyState === WebSocket.OPEN) {
    request("fuzzyFileSearch/sessionUpdate", { sessionId, query }).catch((err) => setStatus(err.message));
  }
}

// `indices` count characters (code points), as codex's wire format does.
function highlighted(path, indices) {
  const fragment = document.createDocumentFragment();
  const marks = new Set(indices);
  const chars = Array.from(path);
  let run = "";
  let runMarked = false;
  const flush = () => {
    if (!run) return;
    if (runMarked) {
      const mark = document.createElement("mark");
      mark.textContent = run;
      fragment.append(mark);
    } else fragment.append(run);
    run = "";
  };
  for (let i = 0; i < chars.length; i++) {
    const isMarked = marks.has(i);
    if (isMarked !== runMarked) {
      flush();
      runMarked = isMarked;
    }
    run += chars[i];
  }
  flush();
  return fragment;
}

function renderResults() {
  resultList.replaceChildren(
    ...files.map((file, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", String(i === selected));
      li.dataset.path = file.path;
      li.append(highlighted(file.path, file.indices));
      if (file.match_type === "directory") {
        const slash = document.createElement("span");
        slash.className = "dir";
        slash.textContent = "/";
        li.append(slash);
      }
      if (multiRoot) {
        const root = document.createElement("span");
        root.className = "root";
        root.textContent = file.root;
        li.append(root);
      }
      li.addEventListener("mousedown", (event) => {
        event.preventDefault();
        selected = i;
        renderResults();
        open(file);
      });
      return li;
    }),
  );
  resultList.children[selected]?.scrollIntoView({ block: "nearest" });
}

async function open(file) {
  symbolTitle.textContent = `Symbols in ${file.path}`;
  symbolList.replaceChildren();
  if (file.match_type === "directory") {
    symbolTitle.textContent = `${file.path}/ is a folder`;
    return;
  }
  symbolList.dataset.state = "loading";
  try {
    const outline = await request("document_symbols", { file: `${file.root}/${file.path}` });
    symbolTitle.textContent = `${outline.total} symbol${outline.total === 1 ? "" : "s"} in ${outline.path}`;
    symbolList.replaceChildren(
      ...outline.results.map((s) => {
        const li = document.createElement("li");
        const line = document.createElement("span");
        line.className = "line";
        line.textContent = String(s.line);
        const kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = `${s.kind} `;
        li.append(line, "  ".repeat(s.depth), kind, s.name);
        return li;
      }),
    );
    symbolList.dataset.state = "done";
  } catch (err) {
    const li = document.createElement("li");
    li.className = "error";
    li.textContent = err.message;
    symbolList.replaceChildren(li);
    symbolList.dataset.state = "error";
  }
}

queryBox.addEventListener("input", () => {
  selected = 0;
  search(queryBox.value);
});

queryBox.addEventListener("keydown", (event) => {
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    if (files.length === 0) return;
    selected = (selected + (event.key === "ArrowDown" ? 1 : files.length - 1)) % files.length;
    renderResults();
  } else if (event.key === "Enter") {
    event.preventDefault();
    if (files[selected]) open(files[selected]);
  }
});

connect();
