// Which language servers the background index may start: only those a client has asked about
// (a navigation or symbol call started the server) and those the user named in codeintel.json,
// so a service used only for the file picker starts none (13 servers, 1.5 GB, before this).
// The ctags and syntactic tiers answer for every other file; `codeintel index` (explicit) asks
// every server.
//
//   codeintel.json: { "symbolIndex": { "languages": ["typescript", "py", "*"] } }
//     an entry is a server id ("typescript", "pyright"), a file extension ("py", ".rs"), or "*"
//     for every server (the old behaviour)
//
//   const interest = new LspInterest(configuredLanguages(config.raw));
//   interest.wants(serverId, path)   → may the background pass ask this file's server?
//   interest.noteAsked(serverId)     → true when this server was not wanted before
import { extname } from "node:path";

export class LspInterest {
  readonly #configured: Set<string>;
  readonly #asked = new Set<string>();

  constructor(configured: readonly string[] = []) {
    this.#configured = new Set(configured.map((c) => c.trim().toLowerCase().replace(/^\./, "")));
  }

  /** Whether the background pass may ask `serverId` for the root-relative `path`. */
  wants(serverId: string, path: string): boolean {
    if (this.#asked.has(serverId) || this.#configured.has("*")) return true;
    if (this.#configured.has(serverId.toLowerCase())) return true;
    const ext = extname(path).slice(1).toLowerCase();
    return ext !== "" && this.#configured.has(ext);
  }

  /** A client's call started (or used) this server: the background pass covers its files from now on. Returns whether that is new. */
  noteAsked(serverId: string): boolean {
    if (this.#asked.has(serverId)) return false;
    this.#asked.add(serverId);
    return true;
  }

  /** Servers clients have asked about so far. */
  get asked(): string[] {
    return [...this.#asked];
  }
}

/** `symbolIndex.languages` of a codeintel.json (its raw sections, checked against the schema when loaded); [] when absent. */
export function configuredLanguages(raw: Record<string, unknown>): string[] {
  return (raw.symbolIndex as { languages?: string[] } | undefined)?.languages ?? [];
}
