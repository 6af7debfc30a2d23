// MCP over stdio, on codeintel's own transport (the SDK's Transport interface). The SDK's
// stdio transport reads and writes without bound (a client that never read drove it out of
// memory), ends silently on an oversized line and answers nothing to malformed JSON. Here
// lines are framed as the app-server frames them: bad input is answered -32700 / -32600 and
// the service keeps serving, and input is read only while the outbound queue has room.
// The SDK's transport also keeps running after stdin closes; an agent that goes away must not
// leave us (and our language servers) behind, so EOF ends the service.
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { JSONRPCMessageSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Readable, Writable } from "node:stream";
import { ErrorCodes, RpcError, errorMessage, isRequestId, type RequestId, type RpcOutgoing } from "../core/jsonrpc.js";
import { DEFAULT_QUEUE_CAPACITY, OutboundQueue } from "../core/outbound-queue.js";
import { isPlainObject, keepProtoKey } from "../core/schema-check.js";
import type { McpEndpoint } from "./mcp-server.js";
import { DEFAULT_MAX_MESSAGE_BYTES, lineWriter, readLines, type LineReader } from "./stdio-lines.js";

export interface McpStdioOptions {
  input?: Readable;
  output?: Writable;
  /** Longest accepted message line. */
  maxMessageBytes?: number;
  /** Outbound queue capacity (messages); input pauses while it is full. */
  queueCapacity?: number;
  /** Told when input pauses because the client is not reading. */
  onPause?: (reason: string) => void;
}

export interface McpStdioServer {
  /** Resolves when stdin ends or the transport closes. */
  readonly ended: Promise<void>;
  /** Resolves once every queued message has been written (bound it: a peer may not be reading). */
  flushed(): Promise<void>;
  close(): Promise<void>;
}

export async function serveMcpStdio(endpoint: McpEndpoint, options: McpStdioOptions = {}): Promise<McpStdioServer> {
  const transport = new McpStdioTransport(options);
  let resolveEnded!: () => void;
  const ended = new Promise<void>((r) => (resolveEnded = r));
  transport.onclose = () => resolveEnded();
  await endpoint.connect(transport);
  void transport.inputEnded.then(() => resolveEnded());
  return {
    ended,
    flushed: () => transport.flushed(),
    close: () => endpoint.close(),
  };
}

class McpStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly queue: OutboundQueue<JSONRPCMessage | RpcOutgoing>;
  private reader: LineReader | undefined;
  private closed = false;
  private resolveInputEnded!: () => void;
  /** Resolves when stdin ends (or fails); the transport itself stays open to finish writing. */
  readonly inputEnded = new Promise<void>((r) => (this.resolveInputEnded = r));

  constructor(private readonly options: McpStdioOptions = {}) {
    this.queue = new OutboundQueue(
      {
        write: lineWriter(options.output ?? process.stdout),
        // The agent went away while we were writing (EPIPE): the same as stdin closing.
        close: () => void this.close(),
      },
      { capacity: options.queueCapacity ?? DEFAULT_QUEUE_CAPACITY },
    );
  }

  async start(): Promise<void> {
    if (this.reader) throw new Error("McpStdioTransport already started");
    this.reader = readLines(this.options.input ?? process.stdin, {
      maxMessageBytes: this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      queue: this.queue,
      line: (text) => this.receive(text),
      oversized: (bytes, limit) => this.refuse(null, ErrorCodes.invalidRequest, `message too large: ${bytes} bytes (limit ${limit}); it was skipped`),
      onPause: this.options.onPause,
    });
    void this.reader.ended.then(() => this.resolveInputEnded());
  }

  /** Resolves once the message is written. Progress is droppable: a newer one for the same token replaces a queued one. */
  async send(message: JSONRPCMessage): Promise<void> {
    if ("method" in message && message.method === "notifications/progress") {
      this.queue.push(message, `progress:${String(message.params?.progressToken)}`);
      return;
    }
    await this.queue.send(message);
  }

  flushed(): Promise<void> {
    return this.queue.flushed();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reader?.stop();
    this.queue.close();
    this.onclose?.();
  }

  private receive(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      this.refuse(null, ErrorCodes.parseError, `parse error: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (Array.isArray(value)) {
      this.refuse(null, ErrorCodes.invalidRequest, "batch requests are not supported; send one message at a time");
      return;
    }
    keepProtoKey(value);
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (parsed.success) {
      this.onmessage?.(parsed.data);
      return;
    }
    // Never answer something shaped like a response: two peers could bounce errors forever.
    if (isPlainObject(value) && ("result" in value || "error" in value)) {
      this.onerror?.(new Error("ignored an invalid JSON-RPC response"));
      return;
    }
    const id = isPlainObject(value) && isRequestId(value.id) ? value.id : null;
    this.refuse(id, ErrorCodes.invalidRequest, `invalid request: ${invalidReason(value)}`);
  }

  private refuse(id: RequestId | null, code: number, message: string): void {
    this.queue.push(errorMessage(id, new RpcError(code, message)));
  }
}

function invalidReason(v: unknown): string {
  if (!isPlainObject(v)) return "a message must be a JSON object";
  if (v.jsonrpc !== "2.0") return `'jsonrpc' must be "2.0"`;
  if (typeof v.method !== "string") return "'method' must be a string";
  if (v.id !== undefined && v.id !== null && !isRequestId(v.id)) return "'id' must be a string or a number";
  if (v.params !== undefined && !isPlainObject(v.params)) return "'params' must be an object";
  return "not a JSON-RPC 2.0 request or notification";
}
