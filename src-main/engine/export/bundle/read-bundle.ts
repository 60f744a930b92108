/**
 * Opens a model bundle and checks everything before anything is used: safe member names, size limits
 * (per member, in total and by compression ratio) checked from the zip directory before decompressing,
 * the manifest's format version and schema, and every member against its sha-256.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { unzipSync, type Unzipped } from 'fflate';
import { CrucibleError, isCrucibleError } from '../../errors';
import { sha256 } from '../../util/hash';
import { parseManifest, type BundleManifest } from './manifest';
import { DEFAULT_LIMITS, MEMBERS, memberNameProblem, type BundleLimits } from './members';

/** A bundle whose every check passed. */
export interface Bundle {
  /** The bundle's file name, as messages show it. */
  source: string;
  manifest: BundleManifest;
  /** Every member except manifest.json, each matching its sha-256. */
  members: ReadonlyMap<string, Uint8Array>;
}

const RE_EXPORT = 'Export the bundle again from its training run, and do not edit bundles by hand.';

function refuse(source: string, message: string, hint = RE_EXPORT): CrucibleError {
  return new CrucibleError('bad-input', `${source}: ${message}`, { hint });
}

const MiB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The zip's members that pass the name and size checks (directory entries are skipped). */
function unzipChecked(bytes: Uint8Array, source: string, limits: BundleLimits, only?: string): Unzipped {
  const seen = new Set<string>();
  let total = 0;
  try {
    return unzipSync(bytes, {
      filter: (entry) => {
        const isDir = entry.name.endsWith('/');
        const problem = memberNameProblem(isDir ? entry.name.slice(0, -1) : entry.name);
        if (problem) throw refuse(source, `member ${JSON.stringify(entry.name)} ${problem}; bundles may only hold relative paths inside the bundle.`);
        if (isDir) return false;
        if (seen.has(entry.name)) throw refuse(source, `member "${entry.name}" appears twice.`);
        seen.add(entry.name);
        if (seen.size > limits.maxMembers) throw refuse(source, `it has more than ${limits.maxMembers} members.`);
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
        return only === undefined || entry.name === only;
      },
    });
  } catch (e) {
    if (isCrucibleError(e)) throw e;
    throw refuse(source, `it is not a readable zip archive (${(e as Error).message}).`, 'Check that the file is a .crucible bundle and was copied completely.');
  }
}

function manifestOf(entries: Unzipped, source: string): BundleManifest {
  const bytes = entries[MEMBERS.manifest];
  if (!bytes) throw refuse(source, `it has no ${MEMBERS.manifest}, so it is not a Crucible model bundle.`, 'Bundles are written by `crucible export`.');
  return parseManifest(bytes, source);
}

/** Checks bundle bytes (see the module comment); `source` names the bundle in messages. */
export function decodeBundle(bytes: Uint8Array, source: string, limits: BundleLimits = DEFAULT_LIMITS): Bundle {
  if (bytes.length > limits.maxFileBytes) throw refuse(source, `the file is ${MiB(bytes.length)}, more than the ${MiB(limits.maxFileBytes)} a bundle may be.`);
  const entries = unzipChecked(bytes, source, limits);
  const manifest = manifestOf(entries, source);
  const members = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(entries)) {
    if (name === MEMBERS.manifest) continue;
    if (!Object.hasOwn(manifest.files, name)) throw refuse(source, `member "${name}" is not listed in ${MEMBERS.manifest}, so its content cannot be verified.`);
    members.set(name, data);
  }
  for (const [name, expected] of Object.entries(manifest.files)) {
    const data = members.get(name);
    if (!data) throw refuse(source, `member "${name}" listed in ${MEMBERS.manifest} is missing.`);
    if (data.length !== expected.bytes || sha256(data) !== expected.sha256) {
      throw refuse(source, `member "${name}" does not match its sha-256 in ${MEMBERS.manifest}: it was changed or damaged after export.`);
    }
  }
  if (!members.has(MEMBERS.model)) throw refuse(source, `it has no ${MEMBERS.model}.`);
  return { source, manifest, members };
}

/** The bytes of the bundle file at `file`, refused unread when it is larger than the limit. */
export async function readBundleBytes(file: string, limits: BundleLimits = DEFAULT_LIMITS): Promise<Uint8Array> {
  const name = basename(file);
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch {
    throw new CrucibleError('not-found', `There is no model bundle at ${file}.`, { hint: 'Check the path; bundles are written by `crucible export`.' });
  }
  if (size > limits.maxFileBytes) throw refuse(name, `the file is ${MiB(size)}, more than the ${MiB(limits.maxFileBytes)} a bundle may be.`);
  return new Uint8Array(await readFile(file));
}

/** Reads and checks the bundle at `file`. */
export async function readBundle(file: string, limits: BundleLimits = DEFAULT_LIMITS): Promise<Bundle> {
  return decodeBundle(await readBundleBytes(file, limits), basename(file), limits);
}

/** Only the manifest of the bundle at `file` (names and sizes checked, members not verified): for listings. */
export async function readBundleManifest(file: string, limits: BundleLimits = DEFAULT_LIMITS): Promise<BundleManifest> {
  const name = basename(file);
  return manifestOf(unzipChecked(await readBundleBytes(file, limits), name, limits, MEMBERS.manifest), name);
}
