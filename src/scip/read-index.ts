// Reads a .scip file one top-level field at a time: the metadata, each document, each external
// symbol, in file order. An index is a protobuf `Index` message, whose repeated fields an
// indexer writes one after another, so a document is decoded alone from its own bytes and the
// file is never held as objects all at once (a 12 MB index costs one document's memory).
//
//   for (const entry of readScipIndex(path)) entry.kind === "document" ? entry.document : ...
//
// A truncated or corrupt file throws a ScipFormatError naming the byte offset.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { fromBinary } from "@bufbuild/protobuf";
import { DocumentSchema, MetadataSchema, SymbolInformationSchema, type Document, type Metadata, type SymbolInformation } from "./gen/scip_pb.js";

export type ScipEntry =
  | { kind: "metadata"; metadata: Metadata }
  | { kind: "document"; document: Document }
  | { kind: "externalSymbol"; symbol: SymbolInformation };

export class ScipFormatError extends Error {
  override name = "ScipFormatError";
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;
/** A field larger than this is taken as corruption, not a document (protobuf itself caps messages at 2 GiB). */
const MAX_FIELD_BYTES = 512 * 1024 * 1024;
const CHUNK_BYTES = 1 << 20;

/** The entries of the index at `path`, decoded lazily as the caller iterates. */
export function* readScipIndex(path: string): Generator<ScipEntry> {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) throw new ScipFormatError(`${path} is empty, not a SCIP index`);
    const input = new ChunkedInput(fd, size);
    let sawKnownField = false;
    while (!input.atEnd()) {
      const at = input.offset;
      const tag = input.varint(`the field tag at byte ${at}`);
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 0) throw new ScipFormatError(`${path} is corrupt: field number 0 at byte ${at}`);
      if (wire === WIRE_LENGTH) {
        const length = input.varint(`the length of field ${field} at byte ${at}`);
        if (length > MAX_FIELD_BYTES) throw new ScipFormatError(`${path} is corrupt: field ${field} at byte ${at} claims ${length} bytes`);
        if (input.offset + length > size) {
          throw new ScipFormatError(`${path} is truncated: field ${field} at byte ${at} needs ${length} bytes, the file ends ${size - input.offset} bytes later`);
        }
        const bytes = input.take(length);
        const decoded = decodeField(field, bytes, path, at);
        if (decoded) {
          sawKnownField = true;
          yield decoded;
        }
      } else if (field <= 3) {
        throw new ScipFormatError(`${path} is not a SCIP index: field ${field} at byte ${at} has wire type ${wire}, a message was expected`);
      } else {
        skipScalar(input, wire, path, at);
      }
    }
    if (!sawKnownField) throw new ScipFormatError(`${path} holds no SCIP metadata, document or symbol`);
  } finally {
    closeSync(fd);
  }
}

function decodeField(field: number, bytes: Uint8Array, path: string, at: number): ScipEntry | undefined {
  try {
    if (field === 1) return { kind: "metadata", metadata: fromBinary(MetadataSchema, bytes) };
    if (field === 2) return { kind: "document", document: fromBinary(DocumentSchema, bytes) };
    if (field === 3) return { kind: "externalSymbol", symbol: fromBinary(SymbolInformationSchema, bytes) };
  } catch (err) {
    const what = field === 1 ? "the metadata" : field === 2 ? "a document" : "an external symbol";
    throw new ScipFormatError(`${path} is corrupt: ${what} at byte ${at} does not decode (${(err as Error).message})`);
  }
  return undefined; // a field this reader does not know: skipped, as protobuf readers do
}

function skipScalar(input: ChunkedInput, wire: number, path: string, at: number): void {
  if (wire === WIRE_VARINT) input.varint(`a value at byte ${at}`);
  else if (wire === WIRE_FIXED64) input.take(8);
  else if (wire === WIRE_FIXED32) input.take(4);
  else throw new ScipFormatError(`${path} is corrupt: wire type ${wire} at byte ${at}`);
}

/** A file read forward in chunks; a field larger than a chunk gets a buffer of its own. */
class ChunkedInput {
  #buffer = Buffer.alloc(0);
  #start = 0; // offset in the file of #buffer[0]
  #pos = 0; // read position within #buffer

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {}

  get offset(): number {
    return this.#start + this.#pos;
  }

  atEnd(): boolean {
    return this.offset >= this.size;
  }

  /** Makes at least `n` bytes (or the rest of the file) available from the read position. */
  #fill(n: number): void {
    if (this.#buffer.length - this.#pos >= n) return;
    const rest = this.#buffer.subarray(this.#pos);
    const want = Math.min(Math.max(n, CHUNK_BYTES), this.size - this.offset);
    const next = Buffer.allocUnsafe(Math.max(want, rest.length));
    rest.copy(next, 0);
    let filled = rest.length;
    while (filled < want) {
      const got = readSync(this.fd, next, filled, want - filled, this.offset + filled);
      if (got === 0) break;
      filled += got;
    }
    this.#start = this.offset;
    this.#buffer = next.subarray(0, filled);
    this.#pos = 0;
  }

  varint(what: string): number {
    this.#fill(10);
    let value = 0;
    for (let shift = 0, i = 0; i < 10; i++, shift += 7) {
      if (this.#pos >= this.#buffer.length) throw new ScipFormatError(`the file is truncated inside ${what}`);
      const byte = this.#buffer[this.#pos++]!;
      // Past 2^53 a number is not exact: nothing in a sane index is that large.
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (!Number.isSafeInteger(value)) throw new ScipFormatError(`${what} is out of range`);
        return value;
      }
    }
    throw new ScipFormatError(`${what} is not a valid varint`);
  }

  take(n: number): Uint8Array {
    this.#fill(n);
    if (this.#buffer.length - this.#pos < n) throw new ScipFormatError(`the file is truncated at byte ${this.offset}`);
    const bytes = this.#buffer.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return bytes;
  }
}
