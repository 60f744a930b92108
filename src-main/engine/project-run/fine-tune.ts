/**
 * Fine-tuning a project run from a trained model: where it starts (a run of the project, or a model bundle kept
 * in it), what that source holds, its weights, and the config keys each method sets (freeze the encoder, or LoRA
 * adapters on it).
 */
import { MEMBERS, modelFile, readBundle } from '../export/bundle/index';
import { CrucibleError } from '../errors';
import type { Project } from '../project/project';
import { headerFromConfigText, readRunHeader, type RunHeader } from '../run-folder/index';
import { checkpointInitSource, loadInitSource, type InitSource } from '../train/init-from';
import type { FineTuneMethod } from '../vocabulary';
import { projectRunDir } from './project-runs';

export type FineTuneSource = { kind: 'run'; runId: string } | { kind: 'model'; id: string };

export interface FineTuneRequest {
  from: FineTuneSource;
  method: FineTuneMethod;
  loraRank: number;
  loraAlpha: number;
  /** The project tasks the run trains; the source's other heads are kept, frozen. */
  tasks: readonly string[];
}

/** What a source holds, as its header says: its tasks (heads), encoder widths and featurizer. */
export type SourceView = RunHeader & { label: string };

async function bundleMember(project: Project, id: string, member: string): Promise<Uint8Array> {
  const bundle = await readBundle(await modelFile(project, id));
  const bytes = bundle.members.get(member);
  if (!bytes)
    throw new CrucibleError('bad-input', `Model "${id}" has no ${member}, so it cannot be fine-tuned.`, {
      hint: 'Export the run again with this version of Crucible.',
    });
  return bytes;
}

export async function describeSource(project: Project, from: FineTuneSource): Promise<SourceView> {
  if (from.kind === 'run') return { ...(await readRunHeader(projectRunDir(project, from.runId))), label: `run ${from.runId}` };
  // A bundle carries the run's config.yaml, not its run.json.
  const text = new TextDecoder().decode(await bundleMember(project, from.id, MEMBERS.config));
  return { ...headerFromConfigText(text), label: `model ${from.id}` };
}

/**
 * The trained weights to start from. A run brings its data too (its old tasks are then checked for forgetting); a
 * bundle carries weights only, read from its bytes. Opens the project's database: call it where the app queues database work.
 */
export async function loadFineTuneSource(project: Project, from: FineTuneSource): Promise<InitSource> {
  if (from.kind === 'run') return loadInitSource(projectRunDir(project, from.runId), { project });
  const label = `model ${from.id}`;
  return checkpointInitSource(await bundleMember(project, from.id, MEMBERS.weights), label, `model "${from.id}" carries its weights but not its training data`);
}

/** The raw run config with the method's keys set: a frozen encoder, or LoRA adapters on it. */
export function applyFineTune(raw: Record<string, unknown>, ft: Pick<FineTuneRequest, 'method' | 'loraRank' | 'loraAlpha'>): Record<string, unknown> {
  const model = raw.model as { init_args: Record<string, unknown> };
  const args = { ...model.init_args };
  if (ft.method === 'freeze') args.shared_block_optimizer = { ...(args.shared_block_optimizer as object), freeze_parameters: true };
  if (ft.method === 'lora') Object.assign(args, { lora_rank: ft.loraRank, lora_alpha: ft.loraAlpha });
  return { ...raw, model: { ...model, init_args: args } };
}
