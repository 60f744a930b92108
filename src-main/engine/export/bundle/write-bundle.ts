/** `crucible export`: a training run's checkpoint written as one .crucible bundle (a zip), atomically. */
import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { CrucibleError } from '../../errors';
import { writeFileAtomic } from '../../util/atomic-write';
import { bundleFromRun, type BundleContents, type BundleFromRunOptions } from './bundle-from-run';
import type { BundleManifest } from './manifest';
import { BUNDLE_EXTENSION, MEMBERS } from './members';

export interface ExportOptions extends Omit<BundleFromRunOptions, 'fileName'> {
  /** Replace an existing file at the output path. */
  overwrite?: boolean;
}

export interface ExportResult {
  file: string;
  bytes: number;
  manifest: BundleManifest;
}

/** The zip bytes: manifest.json first (readers find what they need at the front), then the other members. */
export function encodeBundle(contents: BundleContents): Uint8Array {
  const files: Zippable = { [MEMBERS.manifest]: new TextEncoder().encode(`${JSON.stringify(contents.manifest, null, 2)}\n`) };
  // ONNX weights (and the domain's sampled training rows) barely compress; storing them keeps export and import fast.
  const stored: string[] = [MEMBERS.model, MEMBERS.weights, MEMBERS.domainModel];
  for (const [name, data] of contents.members) files[name] = stored.includes(name) ? [data, { level: 0 }] : data;
  return zipSync(files, { level: 6 });
}

/** Exports `runDir`'s checkpoint as a bundle at `out` (which must end in .crucible). */
export async function exportBundle(runDir: string, out: string, opts: ExportOptions = {}): Promise<ExportResult> {
  const file = resolve(out);
  if (extname(file).toLowerCase() !== BUNDLE_EXTENSION) {
    throw new CrucibleError('bad-input', `The bundle file name ${basename(file)} does not end in ${BUNDLE_EXTENSION}.`, {
      hint: `Name it e.g. ${basename(file, extname(file)) || 'model'}${BUNDLE_EXTENSION}.`,
    });
  }
  if (existsSync(file) && !opts.overwrite) {
    throw new CrucibleError('already-exists', `${file} already exists.`, { hint: 'Choose another name, or pass --force to replace it.' });
  }
  const contents = await bundleFromRun(runDir, { ...opts, fileName: basename(file) });
  const bytes = encodeBundle(contents);
  await writeFileAtomic(file, bytes);
  return { file, bytes: bytes.length, manifest: contents.manifest };
}
