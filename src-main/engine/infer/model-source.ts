/**
 * The model to predict with, from a bundle file, a training run folder (its checkpoint exported to ONNX
 * in memory) or, with a project, the id of one of the project's models.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { bundleFromRun } from '../export/bundle/bundle-from-run';
import type { BundleManifest } from '../export/bundle/manifest';
import { MEMBERS } from '../export/bundle/members';
import { modelFile } from '../export/bundle/project-models';
import { readBundle } from '../export/bundle/read-bundle';
import { parseDomainRecord, type DomainRecord } from '../run-folder/domain';
import { CrucibleError } from '../errors';
import type { Project } from '../project/project';

export interface PredictionModel {
  /** The bundle's file name or the run folder's name, for messages. */
  label: string;
  manifest: BundleManifest;
  onnx: Uint8Array;
  /** The applicability domain, when the bundle carries one: its record, its distance graph and the graph's output. */
  domain?: ModelDomain;
}

export interface ModelDomain {
  record: DomainRecord;
  onnx: Uint8Array;
  distance: string;
}

function domainOf(manifest: BundleManifest, members: ReadonlyMap<string, Uint8Array>, source: string): { domain?: ModelDomain } {
  const d = manifest.domain;
  if (!d) return {};
  return { domain: { record: parseDomainRecord(members.get(d.record)!, `${d.record} in ${source}`), onnx: members.get(d.model)!, distance: d.distance } };
}

export async function openModel(model: string, opts: { project?: Project; onNotice?: (message: string) => void } = {}): Promise<PredictionModel> {
  const path = resolve(model);
  if (existsSync(path) && statSync(path).isDirectory()) {
    const contents = await bundleFromRun(path, { project: opts.project, onNotice: opts.onNotice });
    const label = basename(path);
    return { label, manifest: contents.manifest, onnx: contents.members.get(MEMBERS.model)!, ...domainOf(contents.manifest, contents.members, label) };
  }
  if (!existsSync(path) && !opts.project) {
    throw new CrucibleError('not-found', `There is no model at ${path}.`, {
      hint: 'Give a .crucible bundle, a training run folder, or with --project the name of a project model.',
    });
  }
  const bundle = await readBundle(existsSync(path) ? path : await modelFile(opts.project!, model));
  return {
    label: bundle.source,
    manifest: bundle.manifest,
    onnx: bundle.members.get(MEMBERS.model)!,
    ...domainOf(bundle.manifest, bundle.members, bundle.source),
  };
}
