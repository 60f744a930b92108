/**
 * One checkpoint = one file, written atomically: a JSON header (model spec, scaling, trainer and
 * optimiser state) followed by named float32 blobs (parameters, optimiser moments). A crash while
 * saving leaves the previous checkpoint intact, never half of a new one.
 *
 * Layout: "CRUCKPT1" | uint32 LE header length | header JSON (UTF-8, padded to 4 bytes) | blobs.
 */
import { readFile } from 'node:fs/promises';
import { CrucibleError } from '../errors';
import { writeFileAtomic } from '../util/atomic-write';

const MAGIC = 'CRUCKPT1';

export interface CheckpointContents<H> {
  header: H;
  blobs: Record<string, Float32Array>;
}

interface StoredHeader<H> {
  header: H;
  blobs: Record<string, { offset: number; length: number }>;
}

export function encodeCheckpoint<H>(contents: CheckpointContents<H>): Uint8Array {
  const layout: StoredHeader<H>['blobs'] = {};
  let offset = 0;
  for (const [name, blob] of Object.entries(contents.blobs)) {
    layout[name] = { offset, length: blob.length };
    offset += blob.length * 4;
  }
  let json = Buffer.from(JSON.stringify({ header: contents.header, blobs: layout } satisfies StoredHeader<H>), 'utf8');
  const pad = (4 - ((MAGIC.length + 4 + json.length) % 4)) % 4;
  if (pad) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const out = new Uint8Array(MAGIC.length + 4 + json.length + offset);
  out.set(Buffer.from(MAGIC, 'ascii'), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, json.length, true);
  out.set(json, MAGIC.length + 4);
  const base = MAGIC.length + 4 + json.length;
  for (const [name, blob] of Object.entries(contents.blobs)) {
    out.set(new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength), base + layout[name].offset);
  }
  return out;
}

export function decodeCheckpoint<H>(bytes: Uint8Array, source = 'checkpoint'): CheckpointContents<H> {
  if (bytes.length < MAGIC.length + 4 || Buffer.from(bytes.subarray(0, MAGIC.length)).toString('ascii') !== MAGIC) {
    throw new CrucibleError('bad-input', `${source} is not a Crucible checkpoint.`);
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  const base = MAGIC.length + 4 + headerLength;
  if (base > bytes.length) throw new CrucibleError('bad-input', `${source} is truncated.`);
  const stored = JSON.parse(Buffer.from(bytes.subarray(MAGIC.length + 4, base)).toString('utf8')) as StoredHeader<H>;
  const blobs: Record<string, Float32Array> = {};
  for (const [name, { offset, length }] of Object.entries(stored.blobs)) {
    const start = base + offset;
    if (start + length * 4 > bytes.length) throw new CrucibleError('bad-input', `${source} is truncated (blob ${name}).`);
    // Copy: the file buffer's alignment is not guaranteed, and callers may keep blobs after the buffer goes.
    blobs[name] = new Float32Array(bytes.slice(start, start + length * 4).buffer);
  }
  return { header: stored.header, blobs };
}

export async function writeCheckpoint<H>(path: string, contents: CheckpointContents<H>): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(contents));
}

export async function readCheckpoint<H>(path: string): Promise<CheckpointContents<H>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new CrucibleError('not-found', `No checkpoint at ${path}.`);
  }
  return decodeCheckpoint<H>(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
