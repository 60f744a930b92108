/**
 * Opens a model bundle and checks everything before anything is used: safe member names, size limits
 * (per member, in total and by compression ratio) checked from the zip directory before decompressing,
 * members inflated by the bytes they really produce (unzip-checked.ts), the manifest's format version and
 * schema, and every member against its size and sha-256.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CrucibleError } from '../../errors';
import { sha256 } from '../../util/hash';
import { parseManifest, type BundleManifest } from './manifest';
import { DEFAULT_LIMITS, MEMBERS, type BundleLimits } from './members';
import { inflateMembers, listMembers, refuse, type MemberEntry } from './unzip-checked';

/** A bundle whose every check passed. */
export interface Bundle {
  /** The bundle's file name, as messages show it. */
  source: string;
  manifest: BundleManifest;
  /** Every member except manifest.json, each matching its sha-256. */
  members: ReadonlyMap<string, Uint8Array>;
}

const MiB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** A manifest is a few kilobytes of JSON; anything near this is not one. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** Inflates and parses only the manifest. */
async function readManifest(bytes: Uint8Array, source: string, entries: ReadonlyMap<string, MemberEntry>): Promise<BundleManifest> {
  const entry = entries.get(MEMBERS.manifest);
  if (!entry) throw refuse(source, `it has no ${MEMBERS.manifest}, so it is not a Crucible model bundle.`, 'Bundles are written by `crucible export`.');
  if (entry.originalSize > MAX_MANIFEST_BYTES)
    throw refuse(source, `its ${MEMBERS.manifest} unpacks to ${MiB(entry.originalSize)}; a manifest is a few kilobytes.`);
  return manifestOf(await inflateMembers(bytes, source, entries, (n) => n === MEMBERS.manifest), source);
}

function manifestOf(members: ReadonlyMap<string, Uint8Array>, source: string): BundleManifest {
  const bytes = members.get(MEMBERS.manifest);
  if (!bytes) throw refuse(source, `it has no ${MEMBERS.manifest}, so it is not a Crucible model bundle.`, 'Bundles are written by `crucible export`.');
  return parseManifest(bytes, source);
}

/** Checks bundle bytes (see the module comment); `source` names the bundle in messages. */
export async function decodeBundle(bytes: Uint8Array, source: string, limits: BundleLimits = DEFAULT_LIMITS): Promise<Bundle> {
  if (bytes.length > limits.maxFileBytes) throw refuse(source, `the file is ${MiB(bytes.length)}, more than the ${MiB(limits.maxFileBytes)} a bundle may be.`);
  const entries = listMembers(bytes, source, limits);
  const manifest = await readManifest(bytes, source, entries);
  for (const [name, entry] of entries) {
    if (name === MEMBERS.manifest) continue;
    if (!Object.hasOwn(manifest.files, name)) throw refuse(source, `member "${name}" is not listed in ${MEMBERS.manifest}, so its content cannot be verified.`);
    if (entry.originalSize !== manifest.files[name].bytes) {
      throw refuse(source, `member "${name}" declares ${entry.originalSize} bytes in the zip but ${manifest.files[name].bytes} in ${MEMBERS.manifest}.`);
    }
  }
  for (const name of Object.keys(manifest.files)) if (!entries.has(name)) throw refuse(source, `member "${name}" listed in ${MEMBERS.manifest} is missing.`);
  const members = await inflateMembers(bytes, source, entries, (n) => n !== MEMBERS.manifest);
  for (const [name, expected] of Object.entries(manifest.files)) {
    const data = members.get(name)!;
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
  const bytes = await readBundleBytes(file, limits);
  return readManifest(bytes, name, listMembers(bytes, name, limits));
}
