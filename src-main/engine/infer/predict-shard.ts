/**
 * One shard of a prediction (`crucible predict --shard I/N`): skipped when its complete output is already in the
 * shards folder beside the output, otherwise predicted and written there (shard-output.ts). `crucible merge`
 * joins the shards into the output. Skipping makes a job array safe to submit again after some tasks failed.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CrucibleError } from '../errors';
import type { JobContext } from '../jobs/job';
import { openModel } from './model-source';
import { predictBatch, type PredictEvent, type PredictInput, type PredictSummary } from './predict';
import { completeShard, shardFingerprint, shardsDir, type ShardFingerprint, type ShardManifest } from './shard-output';
import type { ShardSpec } from './shard-rows';
import { checkOutputPath } from './write-output';

export interface ShardResult {
  /** True when the shard was complete already and nothing was predicted. */
  skipped: boolean;
  manifest: ShardManifest;
  /** The shard's rows file. */
  file: string;
  /** The prediction's summary, when it ran. */
  summary?: PredictSummary;
}

/** The shards folder of `job` and what its shards must match, with the model opened once for both. */
async function openShards(job: Omit<PredictInput, 'project'>, notice: (message: string) => void) {
  if (!job.output)
    throw new CrucibleError('bad-input', 'A shard needs --out: the file its shards are merged into.', {
      hint: 'e.g. --out predictions.csv --shard 0/4 writes shard 0 into predictions.csv.shards/.',
    });
  const out = checkOutputPath(job.output, job.input);
  const model = await openModel(job.model, { onNotice: notice });
  const fingerprint: ShardFingerprint = await shardFingerprint(job.input, model, job);
  return { dir: shardsDir(out.path), model, fingerprint };
}

export async function predictShard(job: PredictInput & { shard: ShardSpec }, ctx: JobContext<PredictEvent>): Promise<ShardResult> {
  if (job.project)
    throw new CrucibleError('bad-input', 'Shards are written to files, not to a project table.', {
      hint: 'Predict the shards with --out, join them with `crucible merge OUT`, then import the merged file with `crucible import`.',
    });
  const { dir, model, fingerprint } = await openShards(job, (message) => ctx.emit({ type: 'status', message }));
  const done = await completeShard(dir, job.shard, fingerprint);
  if (done) return { skipped: true, manifest: done, file: join(dir, done.file) };
  await mkdir(dir, { recursive: true });
  const summary = await predictBatch(job, ctx, { model, shard: { spec: job.shard, dir, fingerprint } });
  return { skipped: false, manifest: summary.shard!, file: summary.output!, summary };
}

/** The shards of `count` that are not complete for this input, model and options, in index order. */
export async function incompleteShards(job: Omit<PredictInput, 'project'>, count: number): Promise<number[]> {
  const { dir, fingerprint } = await openShards(job, () => {});
  const indices = Array.from({ length: count }, (_, index) => index);
  const done = await Promise.all(indices.map((index) => completeShard(dir, { index, count }, fingerprint)));
  return indices.filter((i) => done[i] === null);
}
