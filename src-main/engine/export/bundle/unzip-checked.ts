/**
 * Reads a bundle's zip without trusting it. First the central directory alone (nothing inflated): member
 * names, count, declared sizes and compression ratios. Then each wanted member is inflated as a stream, fed
 * in small compressed chunks, counting the bytes it really produces: a member that inflates past the size
 * it declares is refused at that chunk — a lying zip bomb costs one chunk of work, not gigabytes — and one
 * that ends short is refused too. Large members inflate on fflate's worker threads, so the event loop (the
 * web server) keeps answering meanwhile.
 */
import { AsyncUnzipInflate, Unzip, unzipSync, type UnzipFile } from 'fflate';
import { CrucibleError, isCrucibleError } from '../../errors';
import { memberNameProblem, type BundleLimits } from './members';

/** A member as the zip's central directory declares it. */
export interface MemberEntry {
  name: string;
  /** Compressed bytes. */
  size: number;
  /** Uncompressed bytes, as declared (and enforced while inflating). */
  originalSize: number;
}

export const RE_EXPORT = 'Export the bundle again from its training run, and do not edit bundles by hand.';

export function refuse(source: string, message: string, hint = RE_EXPORT): CrucibleError {
  return new CrucibleError('bad-input', `${source}: ${message}`, { hint });
}

const MiB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Compressed bytes handed to the inflater at a time: bounds the work one lying member can cause (deflate expands at most ~1032×). */
const CHUNK_BYTES = 64 * 1024;

const unreadable = (source: string, e: unknown) =>
  refuse(source, `it is not a readable zip archive (${(e as Error).message}).`, 'Check that the file is a .crucible bundle and was copied completely.');

const UNIX = 3;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Names of the members the central directory marks as Unix symbolic links (made on Unix, file type S_IFLNK in the
 * external attributes). fflate does not report attributes; the directory records are read here, no further.
 */
function symbolicLinks(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) return [];
  const links: string[] = [];
  let at = view.getUint32(end + 16, true);
  for (let k = view.getUint16(end + 10, true); k > 0 && at + 46 <= bytes.length && view.getUint32(at, true) === 0x02014b50; k--) {
    const nameLength = view.getUint16(at + 28, true);
    const mode = view.getUint32(at + 38, true) >>> 16;
    if (bytes[at + 5] === UNIX && (mode & S_IFMT) === S_IFLNK) links.push(new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)));
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return links;
}

/** The members the central directory lists (directory entries skipped), every name and size checked; nothing is inflated. */
export function listMembers(bytes: Uint8Array, source: string, limits: BundleLimits): Map<string, MemberEntry> {
  const entries = new Map<string, MemberEntry>();
  let total = 0;
  const [link] = symbolicLinks(bytes);
  if (link !== undefined) throw refuse(source, `member ${JSON.stringify(link)} is a symbolic link; bundles hold plain files only.`);
  try {
    unzipSync(bytes, {
      filter: (entry) => {
        const isDir = entry.name.endsWith('/');
        const problem = memberNameProblem(isDir ? entry.name.slice(0, -1) : entry.name);
        if (problem) throw refuse(source, `member ${JSON.stringify(entry.name)} ${problem}; bundles may only hold relative paths inside the bundle.`);
        if (isDir) return false;
        if (entries.has(entry.name)) throw refuse(source, `member "${entry.name}" appears twice.`);
        if (entries.size >= limits.maxMembers) throw refuse(source, `it has more than ${limits.maxMembers} members.`);
        if (entry.originalSize > limits.maxMemberBytes) {
          throw refuse(source, `member "${entry.name}" unpacks to ${MiB(entry.originalSize)}, more than the ${MiB(limits.maxMemberBytes)} allowed.`);
        }
        total += entry.originalSize;
        if (total > limits.maxTotalBytes)
          throw refuse(source, `its members unpack to more than the ${MiB(limits.maxTotalBytes)} allowed (at member "${entry.name}").`);
        if (entry.originalSize > limits.ratioFloorBytes && entry.originalSize > limits.maxRatio * entry.size) {
          throw refuse(
            source,
            `member "${entry.name}" is compressed ${Math.round(entry.originalSize / Math.max(entry.size, 1))}:1, beyond the ${limits.maxRatio}:1 a model file reaches (a zip bomb?).`,
          );
        }
        entries.set(entry.name, { name: entry.name, size: entry.size, originalSize: entry.originalSize });
        return false;
      },
    });
  } catch (e) {
    if (isCrucibleError(e)) throw e;
    throw unreadable(source, e);
  }
  return entries;
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Inflates the listed members that `wanted` selects (all by default), each held to its declared size. */
export function inflateMembers(
  bytes: Uint8Array,
  source: string,
  entries: ReadonlyMap<string, MemberEntry>,
  wanted: (name: string) => boolean = () => true,
): Promise<Map<string, Uint8Array>> {
  return new Promise((resolve, reject) => {
    const out = new Map<string, Uint8Array>();
    const open = new Set<UnzipFile>();
    let failed = false;
    let pushed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      for (const f of open) f.terminate();
      reject(isCrucibleError(e) ? e : unreadable(source, e));
    };
    const settle = () => {
      if (failed || !pushed || open.size > 0) return;
      const missing = [...entries.keys()].filter((n) => wanted(n) && !out.has(n));
      if (missing.length) return fail(refuse(source, `member "${missing[0]}" is listed in the zip directory but has no data.`));
      resolve(out);
    };
    const unzip = new Unzip((file) => {
      if (failed) return;
      const entry = entries.get(file.name);
      // The local headers must tell the same story as the central directory the checks read.
      if (!entry) return fail(refuse(source, `member ${JSON.stringify(file.name)} is not in the zip directory.`));
      if (!wanted(file.name)) return;
      if (out.has(file.name)) return fail(refuse(source, `member "${file.name}" appears twice.`));
      const chunks: Uint8Array[] = [];
      let produced = 0;
      open.add(file);
      file.ondata = (err, data, final) => {
        if (failed) return;
        if (err) return fail(err);
        produced += data.length;
        if (produced > entry.originalSize) {
          return fail(refuse(source, `member "${file.name}" inflates to more than the ${entry.originalSize} bytes it declares (a zip bomb?).`));
        }
        chunks.push(data);
        if (!final) return;
        open.delete(file);
        if (produced !== entry.originalSize)
          return fail(refuse(source, `member "${file.name}" inflates to ${produced} bytes, not the ${entry.originalSize} it declares.`));
        out.set(file.name, concat(chunks, produced));
        settle();
      };
      file.start();
    });
    unzip.register(AsyncUnzipInflate);
    try {
      for (let at = 0; at < bytes.length && !failed; at += CHUNK_BYTES) unzip.push(bytes.subarray(at, at + CHUNK_BYTES), at + CHUNK_BYTES >= bytes.length);
    } catch (e) {
      fail(e);
    }
    pushed = true;
    settle();
  });
}
