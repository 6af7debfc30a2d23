// --record on the real servers (the app-server over stdio, MCP over stdio through the SDK's
// client), and the tree identity a recording is tied to, on real git repositories and plain folders.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRecording } from "../../src/core/recorder.js";
import { treeIdentity } from "../../src/workspace/tree-identity.js";
import { bin, repoRoot, spawnCodeintel, StdioRpcClient, testCacheDir } from "../service/helpers.js";
import { runCli } from "../support/compiled.js";

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

function gitRepo(): string {
  const repo = temp("ci-tree-git-");
  const git = (...args: string[]) => execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", ...args], { stdio: "pipe" });
  mkdirSync(join(repo, "sub"));
  mkdirSync(join(repo, "other"));
  writeFileSync(join(repo, "sub/a.ts"), "export const a = 1;\n");
  writeFileSync(join(repo, "other/b.ts"), "export const b = 1;\n");
  writeFileSync(join(repo, ".gitignore"), "*.log\n");
  git("init", "-q");
  git("add", ".");
  git("commit", "-q", "-m", "one");
  return repo;
}

describe("tree identity", () => {
  it("in git: the root's tree and its changes, not commits elsewhere in the repository", async () => {
    const repo = gitRepo();
    const sub = join(repo, "sub");
    const first = await treeIdentity(sub);
    expect(first).toMatchObject({ kind: "git", files: 0 });
    writeFileSync(join(repo, "other/b.ts"), "export const b = 2;\n");
    execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "elsewhere"]);
    const afterCommitElsewhere = await treeIdentity(sub);
    expect(afterCommitElsewhere.hash).toBe(first.hash);
    expect(afterCommitElsewhere.commit).not.toBe(first.commit);
    writeFileSync(join(sub, "debug.log"), "ignored\n");
    expect((await treeIdentity(sub)).hash).toBe(first.hash);
    writeFileSync(join(sub, "new.ts"), "export const n = 1;\n");
    const untracked = await treeIdentity(sub);
    expect(untracked).toMatchObject({ kind: "git", files: 1 });
    expect(untracked.hash).not.toBe(first.hash);
    writeFileSync(join(sub, "a.ts"), "export const a = 2;\n");
    const modified = await treeIdentity(sub);
    expect(modified.files).toBe(2);
    expect(modified.hash).not.toBe(untracked.hash);
    rmSync(join(sub, "new.ts"));
    writeFileSync(join(sub, "a.ts"), "export const a = 1;\n");
    expect((await treeIdentity(sub)).hash).toBe(first.hash);
  });

  it("outside git: a hash of every file's content", async () => {
    const dir = temp("ci-tree-plain-");
    writeFileSync(join(dir, "a.txt"), "one\n");
    const first = await treeIdentity(dir);
    expect(first).toMatchObject({ kind: "content", files: 1 });
    writeFileSync(join(dir, "a.txt"), "two\n");
    expect((await treeIdentity(dir)).hash).not.toBe(first.hash);
    writeFileSync(join(dir, "a.txt"), "one\n");
    expect((await treeIdentity(dir)).hash).toBe(first.hash);
  });
});

describe("--record", () => {
  it("app-server: every call with its arguments and answer or error, after a header naming the tree", async () => {
    const root = temp("ci-rec-root-");
    writeFileSync(join(root, "hello.txt"), "hello\n");
    const file = join(temp("ci-rec-"), "session.jsonl");
    const { child } = spawnCodeintel(["app-server", "--symbol-index", "off", "--record", file, root]);
    const rpc = new StdioRpcClient(child);
    await rpc.initialize();
    const found = await rpc.request<{ structured: { results: Array<{ path: string }> } }>("tools/call", { name: "find_files", arguments: { query: "hello" } });
    expect(found.structured.results[0]!.path).toBe("hello.txt");
    await expect(rpc.request("document_symbols", { file: "missing.ts" })).rejects.toMatchObject({ code: -32004 });
    child.stdin.end();
    expect(await rpc.exited).toBe(0);

    expect(statSync(file).mode & 0o777).toBe(0o600);
    const [session, ...more] = readRecording(file);
    expect(more).toEqual([]);
    expect(session!.header).toMatchObject({ recordedBy: "app-server", options: { symbolIndex: "off" }, roots: [{ root, tree: await treeIdentity(root) }] });
    expect(session!.calls).toEqual([
      expect.objectContaining({ seq: 1, tool: "find_files", arguments: { query: "hello" }, answer: { structured: found.structured, text: expect.stringMatching(/hello\.txt/) } }),
      expect.objectContaining({ seq: 2, tool: "document_symbols", arguments: { file: "missing.ts" }, error: { code: "not_found", message: expect.stringMatching(/missing\.ts/) } }),
    ]);
  });

  it("serve (MCP over stdio): the same recorder, a new session appended to the same file", async () => {
    const root = temp("ci-rec-mcp-");
    writeFileSync(join(root, "hello.txt"), "hello\n");
    const file = join(temp("ci-rec-"), "session.jsonl");
    const earlier = { type: "session", format: 1, codeintel: "0", startedAt: "earlier", recordedBy: "serve", roots: [{ root, tree: await treeIdentity(root) }], options: {} };
    writeFileSync(file, JSON.stringify(earlier) + "\n");
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, "serve", "--symbol-index", "off", "--record", file, root],
      cwd: repoRoot,
      env: { ...(process.env as Record<string, string>), CODEINTEL_CACHE_DIR: testCacheDir() },
      stderr: "pipe",
    });
    const client = new Client({ name: "record-test", version: "0" });
    await client.connect(transport);
    const result = await client.callTool({ name: "find_files", arguments: { query: "hel" } });
    expect(result.structuredContent).toMatchObject({ results: [{ path: "hello.txt" }] });
    await client.close();
    const sessions = readRecording(file);
    const last = sessions.at(-1)!;
    expect(sessions.map((s) => s.header.startedAt)).toEqual(["earlier", last.header.startedAt]);
    expect(last.header).toMatchObject({ recordedBy: "serve", roots: [{ root }] });
    expect(last.calls).toEqual([expect.objectContaining({ tool: "find_files", arguments: { query: "hel" }, answer: expect.objectContaining({ structured: result.structuredContent }) })]);
  });

  it("says a recording holds source text, and fails clearly when the file cannot be written", async () => {
    const help = await runCli(["app-server", "--help"]).done;
    expect(help.out).toMatch(/--record FILE[\s\S]*holds\s+source text/);
    const bad = await runCli(["serve", "--symbol-index", "off", "--record", "/nonexistent-folder/x.jsonl", repoRoot + "test/fixtures/ts"], { env: { CODEINTEL_CACHE_DIR: testCacheDir() } }).done;
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--record \/nonexistent-folder\/x\.jsonl: .*ENOENT/);
  });
});
