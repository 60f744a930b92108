/**
 * Batch prediction as a job: a model (bundle, run folder or project model) on a CSV, Parquet or Excel file,
 * streamed through onnxruntime in batches. Rows that cannot be featurized are reported and left without
 * predictions; the rows go to a CSV or Parquet file and, with a project, to a project table.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeProblem } from '../data/import/problems';
import { defaultTableName } from '../data/import/table-name';
import { DataStore, INTERNAL_TABLE_PREFIX } from '../data/store/data-store';
import type { SqlConnection } from '../data/store/sql-connection';
import { CrucibleError } from '../errors';
import type { JobContext } from '../jobs/job';
import { openProject, type Project } from '../project/project';
import { sha256File } from '../util/hash';
import { BatchReader, type RowFailure } from './batch-reader';
import { DomainCheck } from './domain-check';
import { ID_LIKE, planInputs, type InputPlan } from './input-plan';
import { loadInputTable, type InputTable } from './input-table';
import { openModel, type PredictionModel } from './model-source';
import { fixedLengthOutputs, ModelRunner } from './model-runner';
import { createModelSession, type ModelSession, type ProviderRequest } from './ort-session';
import { PredictionTable, type OutputSelect } from './prediction-table';
import { type ShardFingerprint, type ShardManifest, writeShard } from './shard-output';
import { INPUT_ROW, selectShard, type ShardSpec } from './shard-rows';
import { roundedSelect } from './csv-rounding';
import { checkOutputPath, copyToFile, storeInProject } from './write-output';

export interface PredictInput {
  /** A .crucible bundle, a training run folder, or (with `project`) the id of a project model. */
  model: string;
  /** CSV, TSV, Parquet or XLSX with a formula column and/or the model's descriptor columns. */
  input: string;
  /** .csv or .parquet (a CSV rounds each task to the digits its test error allows; Parquet keeps full precision); may be left out when `project` is given. */
  output?: string;
  /** Whether an existing `output` file may be replaced (default true); false refuses it with already-exists before any work. */
  overwrite?: boolean;
  /** Project folder: the predictions are also stored as a table there. */
  project?: string;
  /** The project table's name; default `<input file>_predictions`. */
  table?: string;
  /** Replace a project table of the same name. */
  replace?: boolean;
  provider?: ProviderRequest;
  /** onnxruntime intra-op threads; default: every core. */
  threads?: number;
  /** Rows per onnxruntime call (default 4096). */
  batchSize?: number;
  formulaColumn?: string;
  /** Input columns to copy into the output; default: every input column. */
  keep?: string[];
}

export type PredictEvent = { type: 'status'; message: string } | { type: 'progress'; done: number; total: number; rowsPerSecond: number };

/** A row without (some) predictions: its 1-based spreadsheet row and why. */
export interface ReportedFailure {
  row: number;
  column: string | null;
  reason: string;
  /** Set when only this task's prediction is missing. */
  task?: string;
}

export interface PredictSummary {
  model: string;
  provider: 'cuda' | 'cpu';
  threads: number;
  /** Why 'auto' did not use CUDA. */
  fallbackReason?: string;
  rows: number;
  /** Rows that got no prediction at all (their descriptors could not be computed). */
  rowsWithoutPredictions: number;
  /** The first {@link MAX_REPORTED_FAILURES} failures, in row order. */
  failures: ReportedFailure[];
  failureCount: number;
  /** Predicted rows outside the training domain for some task; null when the model carries no domain to check. */
  rowsOutsideDomain: number | null;
  output: string | null;
  table: string | null;
  /** The output's columns, in order. */
  columns: string[];
  notes: string[];
  seconds: number;
  rowsPerSecond: number;
}

/** A shard to predict instead of the whole input (see predict-shard.ts, which opens it). */
export interface ShardTarget {
  spec: ShardSpec;
  /** The shards folder. */
  dir: string;
  fingerprint: ShardFingerprint;
}

export const DEFAULT_BATCH_SIZE = 4096;
export const MAX_REPORTED_FAILURES = 1000;
const PROGRESS_INTERVAL_MS = 100;

function rowsTableMeta(input: InputTable, plan: InputPlan, select: OutputSelect, sourceSha256: string) {
  const formula = plan.descriptors.kind === 'featurize' && plan.keep.includes(plan.descriptors.column) ? plan.descriptors.column : null;
  return {
    role: formula ? ('samples' as const) : ('other' as const),
    format: input.format,
    sourceFile: input.file,
    sourceSha256,
    formulaColumn: formula,
    idColumn: plan.keep.find((c) => ID_LIKE.test(c)) ?? null,
    curves: select.curves,
    longFormat: null,
  };
}

async function storeTable(
  project: Project,
  sql: SqlConnection,
  select: OutputSelect,
  input: InputTable,
  plan: InputPlan,
  job: PredictInput,
  parquet: string | null,
): Promise<string> {
  const name = job.table ?? `${defaultTableName(input.file)}_predictions`.slice(0, 63);
  const temp = parquet ? null : join(tmpdir(), `crucible-predictions-${randomBytes(6).toString('hex')}.parquet`);
  try {
    if (temp) await copyToFile(sql, select.sql, temp, 'parquet');
    const meta = await storeInProject(project, {
      name,
      replace: job.replace,
      parquet: (parquet ?? temp)!,
      meta: rowsTableMeta(input, plan, select, await sha256File(input.path)),
    });
    return meta.name;
  } finally {
    if (temp) await rm(temp, { force: true });
  }
}

async function reportedFailures(input: InputTable, failures: RowFailure[]): Promise<ReportedFailure[]> {
  // Mapping rows may scan the whole file (CSV): only when there is something to report.
  if (failures.length === 0) return [];
  const rows = await input.rowNumbers.rows(failures.map((f) => f.index));
  return failures.map((f, i) => ({ row: rows[i], column: f.column, reason: f.reason, ...(f.task ? { task: f.task } : {}) }));
}

interface BatchCounts {
  /** The first failures, in row order. */
  failures: RowFailure[];
  failureCount: number;
  rowsWithoutPredictions: number;
  rowsOutsideDomain: number;
}

/** Every row through reader → onnxruntime (and the domain check) → predictions table, batch by batch, with progress and cancellation. */
async function predictAll(
  reader: BatchReader,
  runner: ModelRunner,
  domain: DomainCheck | undefined,
  predictions: PredictionTable,
  rowCount: number,
  batchSize: number,
  ctx: JobContext<PredictEvent>,
  started: number,
): Promise<BatchCounts> {
  const counts: BatchCounts = { failures: [], failureCount: 0, rowsWithoutPredictions: 0, rowsOutsideDomain: 0 };
  let lastProgress = 0;
  for (let start = 0; start < rowCount; start += batchSize) {
    if (ctx.signal.aborted) throw new CrucibleError('cancelled', 'Prediction cancelled; no output was written.');
    const n = Math.min(batchSize, rowCount - start);
    const batch = await reader.read(start, n);
    const verdicts = domain && (await domain.check(batch));
    predictions.append(start, n, batch.ok, await runner.run(batch), batch.canonical, verdicts);
    counts.failureCount += batch.failures.length;
    if (verdicts) for (let r = 0; r < n; r++) if (batch.ok[r] && verdicts.notes[r] !== null) counts.rowsOutsideDomain++;
    for (let r = 0; r < n; r++) counts.rowsWithoutPredictions += 1 - batch.ok[r];
    for (const f of batch.failures) if (counts.failures.length < MAX_REPORTED_FAILURES) counts.failures.push(f);
    const now = performance.now();
    if (now - lastProgress >= PROGRESS_INTERVAL_MS || start + n === rowCount) {
      lastProgress = now;
      ctx.emit({ type: 'progress', done: start + n, total: rowCount, rowsPerSecond: ((start + n) * 1000) / (now - started) });
    }
  }
  // Failures of a batch come featurization first, then x values: back into row order.
  counts.failures.sort((a, b) => a.index - b.index);
  return counts;
}

/**
 * `opened`: what predict-shard.ts has already opened to decide whether the shard needs predicting: the model, and the
 * shard, whose rows alone are predicted and written to the shards folder instead of `job.output`.
 */
export async function predictBatch(
  job: PredictInput,
  ctx: JobContext<PredictEvent>,
  opened: { model?: PredictionModel; shard?: ShardTarget } = {},
): Promise<PredictSummary & { shard?: ShardManifest }> {
  const started = performance.now();
  const notes: string[] = [];
  const note = (message: string) => {
    notes.push(message);
    ctx.emit({ type: 'status', message });
  };
  if (!job.output && !job.project)
    throw new CrucibleError('bad-input', 'Nowhere to put the predictions.', {
      hint: 'Give an output file (--out predictions.csv), or a project (--project DIR) to store them as a table.',
    });
  const batchSize = job.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new CrucibleError('bad-input', `The batch size must be a positive whole number, not ${batchSize}.`);
  const out = job.output ? checkOutputPath(job.output, job.input, job.overwrite) : null;
  const project = job.project ? await openProject(job.project) : undefined;

  const model = opened.model ?? (await openModel(job.model, { project, onNotice: note }));
  const { shard } = opened;
  const session: ModelSession = await createModelSession(model.onnx, { provider: job.provider, threads: job.threads });
  const { manifest } = model;
  const store = await DataStore.inMemory();
  let reader: BatchReader | undefined;
  let domain: DomainCheck | undefined;
  try {
    ctx.emit({
      type: 'status',
      message: `Model ${model.label} on ${session.provider === 'cuda' ? 'CUDA' : `the CPU (${session.threads === 1 ? '1 thread' : `${session.threads} threads`})`}${session.fallbackReason ? `; not CUDA: ${session.fallbackReason}` : ''}`,
    });
    const suffix = randomBytes(6).toString('hex');
    let inputRows = 0;
    const input = await store.transaction(async (sql) => {
      const whole = await loadInputTable(sql, job.input, `${INTERNAL_TABLE_PREFIX}input_${suffix}`, `${INTERNAL_TABLE_PREFIX}staging_${suffix}`);
      inputRows = whole.rowCount;
      return shard ? selectShard(sql, whole, shard.spec, `${INTERNAL_TABLE_PREFIX}shard_${suffix}`) : whole;
    });
    for (const p of input.problems) note(describeProblem(p));
    const plan = planInputs(manifest, input, { formulaColumn: job.formulaColumn, keep: job.keep, fixedLength: fixedLengthOutputs(session) });
    for (const n of plan.notes) note(n);
    if (model.domain) {
      domain = await DomainCheck.create(manifest, model.domain, session);
      for (const n of domain.notes(plan.descriptors.kind === 'featurize')) note(n);
    } else note(`${model.label} carries no applicability domain (exported before Crucible recorded one): no row is flagged as outside the training data.`);
    const widths = { descriptors: manifest.input.descriptors.columns.length, structure: manifest.input.structure?.columns.length ?? 0 };
    // The input is read on the store's own connection while predictions are appended on the transaction's.
    const batches = new BatchReader(store.sql, input, plan, widths, batchSize);
    reader = batches;
    const runner = new ModelRunner(session, manifest, plan, batchSize);
    return await store.transaction(async (sql) => {
      const predictions = await PredictionTable.create(
        sql,
        `${INTERNAL_TABLE_PREFIX}predictions_${suffix}`,
        manifest,
        plan.descriptors.kind === 'featurize',
        domain !== undefined,
      );
      let counts: BatchCounts;
      try {
        counts = await predictAll(batches, runner, domain, predictions, input.rowCount, batchSize, ctx, started);
      } finally {
        predictions.close();
      }
      const { failures, failureCount, rowsWithoutPredictions, rowsOutsideDomain } = counts;
      const select = predictions.outputSelect(input.table, plan, shard ? [INPUT_ROW] : []);
      const shardManifest = shard
        ? await writeShard(sql, select.sql, shard.dir, shard.spec, shard.fingerprint, {
            inputRows,
            rows: input.rowCount,
            rowsWithoutPredictions,
            failureCount,
            csvRounding: select.rounding,
          })
        : undefined;
      if (out && !shard) await copyToFile(sql, out.format === 'csv' ? roundedSelect(select.sql, select.rounding) : select.sql, out.path, out.format);
      const table = project ? await storeTable(project, sql, select, input, plan, job, out?.format === 'parquet' ? out.path : null) : null;
      const seconds = (performance.now() - started) / 1000;
      return {
        model: model.label,
        provider: session.provider,
        threads: session.threads,
        ...(session.fallbackReason ? { fallbackReason: session.fallbackReason } : {}),
        rows: input.rowCount,
        rowsWithoutPredictions,
        failures: await reportedFailures(input, failures),
        failureCount,
        rowsOutsideDomain: domain ? rowsOutsideDomain : null,
        output: shardManifest ? join(shard!.dir, shardManifest.file) : (out?.path ?? null),
        table,
        columns: select.columns,
        notes,
        seconds,
        rowsPerSecond: input.rowCount / seconds,
        ...(shardManifest && { shard: shardManifest }),
      };
    });
  } finally {
    await reader?.drain();
    await store.close();
    await session.session.release();
    await domain?.release();
  }
}
