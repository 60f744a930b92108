/**
 * Fine-tuning from the UI: where a run starts (a run of the project, or a model bundle kept in it),
 * what that source holds, and the config keys each method sets (freeze the encoder, or LoRA adapters).
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MEMBERS, modelFile, readBundle } from '../../engine/export/bundle/index';
import { CrucibleError } from '../../engine/errors';
import type { Project } from '../../engine/project/index';
import { loadInitSource, type InitSource } from '../../engine/train/init-from';
import type { FineTune, FineTuneSource } from '../contract';
import { configView, readText, runFolder, type RunConfigView } from './run-reader';

async function bundleMember(project: Project, id: string, member: string): Promise<Uint8Array> {
  const bundle = await readBundle(await modelFile(project, id));
  const bytes = bundle.members.get(member);
  if (!bytes)
    throw new CrucibleError('bad-input', `Model "${id}" has no ${member}, so it cannot be fine-tuned.`, {
      hint: 'Export the run again with this version of Crucible.',
    });
  return bytes;
}

/** The source's training configuration, as the UI reads it. */
export async function describeSource(project: Project, from: FineTuneSource): Promise<RunConfigView & { label: string }> {
  if (from.kind === 'run') {
    const dir = runFolder(project, from.runId);
    return { ...configView(await readText(join(dir, 'config.yaml'))), label: `run ${from.runId}` };
  }
  const text = new TextDecoder().decode(await bundleMember(project, from.id, MEMBERS.config));
  return { ...configView(text), label: `model ${from.id}` };
}

/**
 * The trained weights to start from. A run brings its data too (its old tasks are then checked for
 * forgetting); a bundle carries weights only. Opens the project's database: call it under Session.exclusive.
 */
export async function loadFineTuneSource(project: Project, from: FineTuneSource): Promise<InitSource> {
  if (from.kind === 'run') return loadInitSource(runFolder(project, from.runId), { project });
  const file = join(tmpdir(), `crucible-init-${randomBytes(6).toString('hex')}.ckpt`);
  try {
    await writeFile(file, await bundleMember(project, from.id, MEMBERS.weights));
    return { ...(await loadInitSource(file)), label: `model ${from.id}`, dataNote: `model "${from.id}" carries its weights but not its training data` };
  } finally {
    await rm(file, { force: true });
  }
}

/** The raw run config with the method's keys set: a frozen encoder, or LoRA adapters on it. */
export function applyFineTune(raw: Record<string, unknown>, ft: Pick<FineTune, 'method' | 'loraRank' | 'loraAlpha'>): Record<string, unknown> {
  const model = raw.model as { init_args: Record<string, unknown> };
  const args = { ...model.init_args };
  if (ft.method === 'freeze') args.shared_block_optimizer = { ...(args.shared_block_optimizer as object), freeze_parameters: true };
  if (ft.method === 'lora') Object.assign(args, { lora_rank: ft.loraRank, lora_alpha: ft.loraAlpha });
  return { ...raw, model: { ...model, init_args: args } };
}
