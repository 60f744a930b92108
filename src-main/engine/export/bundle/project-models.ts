/**
 * The models of a project: bundles kept as `models/<id>.crucible`. Import checks a bundle completely
 * (zip, names, sizes, manifest, checksums, the ONNX graph) before writing anything; list and delete.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { pathForId } from '../../util/id-path';
import { isValidId, toId } from '../../util/ids';
import { suggestionHint } from '../../util/suggest';
import { CrucibleError, isCrucibleError } from '../../errors';
import { writeFileAtomic } from '../../util/atomic-write';
import type { Project } from '../../project/project';
import { checkModelAgainstManifest } from './check-model';
import type { BundleManifest } from './manifest';
import { BUNDLE_EXTENSION, DEFAULT_LIMITS, MEMBERS, type BundleLimits } from './members';
import { decodeBundle, readBundleBytes, readBundleManifest } from './read-bundle';

/** One model of a project. */
export interface ModelEntry {
  /** The name the project knows it by (the file name without .crucible). */
  id: string;
  file: string;
  bytes: number;
  /** Absent when the file cannot be read any more; `problem` then says why. */
  manifest?: BundleManifest;
  problem?: string;
}

export interface ImportModelOptions {
  /** The id to keep it under; default: the bundle's file name without .crucible. */
  id?: string;
  /** Replace a model with the same id. */
  replace?: boolean;
  limits?: BundleLimits;
}

const defaultId = (file: string) => toId(basename(file, extname(file)), 'model');

/** The file of model `id`, proven to lie in the project's models folder (see pathForId). */
export const modelPath = (project: Project, id: string) => pathForId(project.modelsDir, id, 'model', { suffix: BUNDLE_EXTENSION, root: project.dir });

/** Checks the bundle at `file` and copies it into the project's models folder; on any failure nothing is written. */
export async function importModel(project: Project, file: string, opts: ImportModelOptions = {}): Promise<ModelEntry> {
  const id = opts.id ?? defaultId(file);
  const dest = modelPath(project, id);
  if (existsSync(dest) && !opts.replace) {
    throw new CrucibleError('already-exists', `Project "${project.name}" already has a model "${id}".`, {
      hint: 'Choose another name with --name, or pass --replace.',
    });
  }
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const bytes = await readBundleBytes(file, limits);
  const bundle = await decodeBundle(bytes, basename(file), limits);
  await checkModelAgainstManifest(bundle.members.get(MEMBERS.model)!, bundle.manifest, bundle.source);
  await mkdir(project.modelsDir, { recursive: true });
  // The original bytes, so the copy can be checked against the file the colleague sent.
  await writeFileAtomic(dest, bytes);
  return { id, file: dest, bytes: bytes.length, manifest: bundle.manifest };
}

/** The project's models by id, each with its manifest or the problem reading it. */
export async function listModels(project: Project): Promise<ModelEntry[]> {
  if (!existsSync(project.modelsDir)) return [];
  const names = (await readdir(project.modelsDir)).filter((n) => n.endsWith(BUNDLE_EXTENSION) && !n.startsWith('.')).sort();
  return Promise.all(
    names.map(async (name): Promise<ModelEntry> => {
      const file = join(project.modelsDir, name);
      const entry = { id: basename(name, BUNDLE_EXTENSION), file, bytes: (await stat(file)).size };
      try {
        return { ...entry, manifest: await readBundleManifest(file) };
      } catch (e) {
        if (!isCrucibleError(e)) throw e;
        return { ...entry, problem: e.message };
      }
    }),
  );
}

/** The file of the project's model `id`; throws not-found suggesting the nearest id. */
export async function modelFile(project: Project, id: string): Promise<string> {
  const file = isValidId(id) ? modelPath(project, id) : null;
  if (file && existsSync(file)) return file;
  const ids = (await listModels(project)).map((m) => m.id);
  throw new CrucibleError('not-found', `Project "${project.name}" has no model "${id}".`, { hint: suggestionHint(id, ids, 'model') });
}

export async function deleteModel(project: Project, id: string): Promise<void> {
  await rm(await modelFile(project, id));
}
