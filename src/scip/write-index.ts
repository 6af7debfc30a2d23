// Writes a .scip file one top-level field at a time, the way indexers do (and read-index.ts
// reads): the metadata, then each document as it is made, so an export never holds the whole
// index. Written to a temporary file beside the target and renamed at the end: a failed export
// leaves no half file under the target's name.
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { create, toBinary } from "@bufbuild/protobuf";
import { DocumentSchema, MetadataSchema, SymbolInformationSchema, type Document, type Metadata, type SymbolInformation } from "./gen/scip_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";

export class ScipWriter {
  readonly #temp: string;
  readonly #fd: number;
  #done = false;

  constructor(readonly path: string) {
    this.#temp = `${path}.${process.pid}.partial`;
    this.#fd = openSync(this.#temp, "w");
  }

  metadata(init: MessageInitShape<typeof MetadataSchema>): void {
    this.#field(1, toBinary(MetadataSchema, create(MetadataSchema, init) as Metadata));
  }

  document(init: MessageInitShape<typeof DocumentSchema>): void {
    this.#field(2, toBinary(DocumentSchema, create(DocumentSchema, init) as Document));
  }

  externalSymbol(init: MessageInitShape<typeof SymbolInformationSchema>): void {
    this.#field(3, toBinary(SymbolInformationSchema, create(SymbolInformationSchema, init) as SymbolInformation));
  }

  /** Moves the finished file into place. */
  finish(): void {
    this.#done = true;
    closeSync(this.#fd);
    renameSync(this.#temp, this.path);
  }

  /** Drops the partial file (after a failure). */
  abandon(): void {
    if (this.#done) return;
    this.#done = true;
    closeSync(this.#fd);
    rmSync(this.#temp, { force: true });
  }

  #field(field: number, bytes: Uint8Array): void {
    const head = [...varint((field << 3) | 2), ...varint(bytes.byteLength)];
    writeSync(this.#fd, Uint8Array.from(head));
    writeSync(this.#fd, bytes);
  }
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
