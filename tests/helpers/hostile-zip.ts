/**
 * Zip archives no honest writer produces, for the bundle reader's tests: members whose declared sizes lie
 * about what their data inflates to. Written byte by byte (PKZIP APPNOTE 4.3.7, 4.3.12, 4.3.16) because
 * every zip library refuses to write a lie.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';

export interface RawMember {
  name: string;
  /** Raw deflate data. */
  compressed: Uint8Array;
  /** The uncompressed size the headers declare. */
  declaredSize: number;
  crc?: number;
}

/** A member stored honestly (deflated, true size and CRC). */
export function honestMember(name: string, data: Uint8Array): RawMember {
  return { name, compressed: deflateRawSync(data), declaredSize: data.length, crc: crc32(data) };
}

/** Raw deflate data that inflates to `gib` GiB of zeros, in about 4 MB per GiB (flushed 64 MiB segments, then a final empty block). */
export function zerosBomb(gib: number): Uint8Array {
  const segment = deflateRawSync(Buffer.alloc(64 << 20), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const parts = Array.from({ length: gib * 16 }, () => segment);
  return Buffer.concat([...parts, Buffer.from([0x03, 0x00])]);
}

export function writeZip(members: RawMember[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(m.crc ?? 0, 14);
    local.writeUInt32LE(m.compressed.length, 18);
    local.writeUInt32LE(m.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(m.crc ?? 0, 16);
    central.writeUInt32LE(m.compressed.length, 20);
    central.writeUInt32LE(m.declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(m.compressed));
    centrals.push(central, name);
    offset += 30 + name.length + m.compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
