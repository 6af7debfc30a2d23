// The rules every HTTP/WebSocket endpoint applies before anything else: a Host header
// naming this server (DNS rebinding), an Origin only from the allow-list (browsers on other
// sites), and the bearer token when one is set (compared in constant time).
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isIP } from "node:net";
import { refusal, sendHttpError } from "./http-errors.js";
import { requestTarget } from "./http-request.js";

export interface HttpSecurityOptions {
  /** The address the server binds. */
  host: string;
  /** The bound port (filled in once listening). */
  port: number;
  /** A bearer token; required when `host` is not loopback. */
  token?: string;
  /** Extra origins allowed to call (CORS, WebSocket upgrades); the server's own origin is always allowed. */
  allowedOrigins?: string[];
  /** Extra host names accepted in the Host header. */
  allowedHosts?: string[];
}

export type SecurityVerdict = { ok: true } | { ok: false; status: 401 | 403 | 421; reason: string };

/**
 * Exactly the loopback literals: an IPv4 literal in 127.0.0.0/8, `::1` (bracketed or not) and
 * `localhost`. A name that merely starts with "127." (`127.0.0.1.evil.example`) is a DNS name
 * anyone can point anywhere, so it is not loopback.
 */
function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  return isIP(h) === 4 && h.startsWith("127.");
}

/** Refuses configurations that would expose the service without a token. */
export function assertSafeBinding(options: HttpSecurityOptions): void {
  if (!isLoopbackHost(options.host) && !options.token) {
    throw new Error(`listening on ${options.host} (not loopback) requires a token: pass --token or set CODEINTEL_TOKEN`);
  }
}

export class HttpSecurity {
  private readonly tokenDigest: Buffer | undefined;

  constructor(private readonly options: HttpSecurityOptions) {
    assertSafeBinding(options);
    this.tokenDigest = options.token ? digest(options.token) : undefined;
  }

  setPort(port: number): void {
    this.options.port = port;
  }

  /** Host and Origin checks: applied to every request, including health probes. */
  checkHostAndOrigin(req: IncomingMessage): SecurityVerdict {
    const host = req.headers.host;
    if (!host || !this.hostAllowed(host)) {
      return { ok: false, status: 421, reason: `host '${host ?? ""}' is not served here` };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.originAllowed(origin)) {
      return { ok: false, status: 403, reason: `origin '${origin}' is not allowed` };
    }
    return { ok: true };
  }

  /** The bearer token, from `Authorization: Bearer` or (for browsers, which cannot set headers on WebSocket) `?token=`. */
  checkToken(req: IncomingMessage): SecurityVerdict {
    if (!this.tokenDigest) return { ok: true };
    const presented = presentedToken(req);
    if (presented === undefined) return { ok: false, status: 401, reason: "missing bearer token" };
    if (!timingSafeEqual(digest(presented), this.tokenDigest)) return { ok: false, status: 401, reason: "wrong token" };
    return { ok: true };
  }

  check(req: IncomingMessage): SecurityVerdict {
    const first = this.checkHostAndOrigin(req);
    return first.ok ? this.checkToken(req) : first;
  }

  originAllowed(origin: string): boolean {
    if (this.options.allowedOrigins?.includes(origin) || this.options.allowedOrigins?.includes("*")) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    // The server's own pages (the picker) connect back with their origin.
    const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
    return (url.protocol === "http:" || url.protocol === "https:") && port === this.options.port && this.selfHostName(url.hostname);
  }

  /** CORS headers for an allowed Origin; call after checkHostAndOrigin passed. */
  applyCors(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    res.setHeader("Access-Control-Allow-Origin", origin);
    res.setHeader("Vary", "Origin");
    res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID");
    res.setHeader("Access-Control-Expose-Headers", "Mcp-Session-Id, Mcp-Protocol-Version");
    res.setHeader("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
  }

  private hostAllowed(hostHeader: string): boolean {
    let hostname: string;
    let port: string;
    try {
      const url = new URL(`http://${hostHeader}`);
      hostname = url.hostname;
      port = url.port;
    } catch {
      return false;
    }
    // A reverse proxy may forward an allowed name without a port; our own names must name our
    // port (none means 80), as every HTTP client does for a non-default port.
    if (this.options.allowedHosts?.some((h) => h.toLowerCase() === hostname)) return port === "" || Number(port) === this.options.port;
    return (port === "" ? 80 : Number(port)) === this.options.port && this.selfHostName(hostname);
  }

  private selfHostName(hostname: string): boolean {
    const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
    if (h === this.options.host.toLowerCase()) return true;
    if (isLoopbackHost(this.options.host) || this.options.host === "0.0.0.0" || this.options.host === "::") {
      if (isLoopbackHost(h)) return true;
    }
    // Bound to all interfaces: any literal IP is this machine's address; names need allowedHosts.
    return (this.options.host === "0.0.0.0" || this.options.host === "::") && isIP(h) !== 0;
  }
}

/**
 * The front door both HTTP transports share: Host/Origin checks, CORS, preflight, /healthz and
 * /readyz. Returns the request's path when the caller still has to answer it, else undefined.
 * Call it inside guardHttpHandler (http-request.ts), which answers a target that does not parse.
 */
export function answerCommonHttp(req: IncomingMessage, res: ServerResponse, security: HttpSecurity, isReady: () => boolean): string | undefined {
  const verdict = security.checkHostAndOrigin(req);
  if (!verdict.ok) {
    reject(res, verdict);
    return undefined;
  }
  security.applyCors(req, res);
  if (req.method === "OPTIONS") {
    res.statusCode = 204;
    res.end();
    return undefined;
  }
  const { path } = requestTarget(req);
  if (path === "/healthz" || path === "/readyz") {
    const ready = path === "/healthz" || isReady();
    sendJson(res, ready ? 200 : 503, { status: path === "/healthz" ? "ok" : ready ? "ready" : "not ready" });
    return undefined;
  }
  return path;
}

/**
 * Listens (port 0 picks a free one), tells `security` the real port for its Host check, and
 * returns it with the host as it goes in a URL (IPv6 in brackets).
 */
export async function listenHttp(http: Server, port: number, host: string, security: HttpSecurity): Promise<{ port: number; hostForUrl: string }> {
  await new Promise<void>((resolve, rejectListen) => {
    http.once("error", rejectListen);
    http.listen(port, host, () => {
      http.off("error", rejectListen);
      resolve();
    });
  });
  const bound = (http.address() as AddressInfo).port;
  security.setPort(bound);
  return { port: bound, hostForUrl: host.includes(":") ? `[${host}]` : host };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify(body));
}

/** A refused check answered in the one HTTP error shape (http-errors.ts): `{error: {code: "unauthorized", message}}`. */
export function reject(res: ServerResponse, verdict: Exclude<SecurityVerdict, { ok: true }>): void {
  sendHttpError(res, refusal(verdict.status, verdict.reason));
}

function presentedToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    return m ? m[1] : undefined;
  }
  return requestTarget(req).query.get("token") ?? undefined;
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}
