/**
 * Runs a batch through the ONNX session: one call for every task on fixed grids, then, for sequence tasks
 * that read each row's own x values, one call per group of rows with the same number of points (rows of a
 * call share one length, and padding would change what attention-type heads see).
 */
import * as ort from 'onnxruntime-node';
import type { BundleManifest, ManifestTask } from '../export/bundle/manifest';
import type { Batch } from './batch-reader';
import type { InputPlan } from './input-plan';
import type { ModelSession } from './ort-session';
import { UNCERTAINTY_PARTS, type UncertaintyPart } from '../vocabulary';

/** A task's predictions for a batch: an n × width matrix, or per row (null where the row was not predicted). */
export type TaskPrediction =
  | { kind: 'matrix'; data: Float32Array; width: number; /** Ensembles' calibrated tasks: per row. */ uncertainty?: Uncertainty }
  | { kind: 'rows'; rows: (Float32Array | null)[] };

/** An ensemble's spread and conformal interval bounds, one value per row. */
export type Uncertainty = Record<UncertaintyPart, Float32Array>;

type Feeds = Record<string, ort.Tensor>;

/**
 * Every call's rows are padded to a multiple of this (with what the buffer holds past them, or zeros); the padding's
 * outputs are never read. onnxruntime's matrix kernels compute the rows of a partial row block with other instructions
 * than those of a full one, so without padding a row's prediction changed in its last float digit with the number of
 * rows sharing its call, and a file predicted in shards, or with another --batch, was not the same file. 48 is a
 * multiple of row blocks of 2, 3, 4, 6, 8, 12 and 16 rows; the padding costs at most 47 rows a call.
 */
const ROW_BLOCK = 48;

function tensor(data: Float32Array, rows: number, width: number): ort.Tensor {
  const padded = Math.ceil(rows / ROW_BLOCK) * ROW_BLOCK;
  let values = data.subarray(0, padded * width);
  if (values.length < padded * width) {
    values = new Float32Array(padded * width);
    values.set(data.subarray(0, rows * width));
  }
  return new ort.Tensor('float32', values, [padded, width]);
}

/** Whether a sequence task's ONNX output has a fixed number of points (its head ignores the x values). */
export function fixedLengthOutputs(session: ModelSession): (task: ManifestTask) => boolean {
  const fixed = new Set(session.session.outputMetadata.filter((m) => m.isTensor && typeof m.shape[1] === 'number').map((m) => m.name));
  return (task) => fixed.has(task.output);
}

export class ModelRunner {
  private readonly descriptorWidth: number;
  private readonly structureWidth: number;
  /** Each grid task's grid repeated for a full batch, and zeros standing in for inputs a call does not use. */
  private readonly tiles = new Map<string, { data: Float32Array; width: number }>();
  private readonly zeros: Float32Array;
  private readonly gathered: { x: Float32Array; structure: Float32Array; has: Float32Array };

  constructor(
    private readonly session: ModelSession,
    private readonly manifest: BundleManifest,
    private readonly plan: InputPlan,
    batchSize: number,
  ) {
    this.descriptorWidth = manifest.input.descriptors.columns.length;
    this.structureWidth = manifest.input.structure?.columns.length ?? 0;
    for (const [task, source] of plan.steps) {
      if (source.kind !== 'grid') continue;
      const width = source.grid.length;
      const data = new Float32Array(batchSize * width);
      for (let r = 0; r < batchSize; r++) data.set(source.grid, r * width);
      this.tiles.set(task, { data, width });
    }
    this.zeros = new Float32Array(batchSize * Math.max(1, this.structureWidth));
    this.gathered = {
      x: new Float32Array(batchSize * this.descriptorWidth),
      structure: new Float32Array(batchSize * this.structureWidth),
      has: new Float32Array(batchSize),
    };
  }

  /** Feeds for `rows` rows of descriptors and structure; every steps input gets its grid, or zeros [rows, 1]. */
  private baseFeeds(rows: number, x: Float32Array, structure: Batch['structure']): Feeds {
    const { input } = this.manifest;
    const feeds: Feeds = { [input.descriptors.input]: tensor(x, rows, this.descriptorWidth) };
    // Crucible featurizes formulas itself and sends descriptor rows only: the graph's element amounts get none.
    if (input.composition) feeds[input.composition.input] = tensor(this.zeros, 0, input.composition.elements.length);
    if (input.structure) {
      feeds[input.structure.input] = tensor(structure?.values ?? this.zeros, rows, this.structureWidth);
      feeds[input.structure.has] = tensor(structure?.has ?? this.zeros, rows, 1);
    }
    for (const t of this.manifest.tasks) {
      if (!t.steps) continue;
      const tile = this.tiles.get(t.name);
      feeds[t.steps.input] = tile ? tensor(tile.data, rows, tile.width) : tensor(this.zeros, rows, 1);
    }
    return feeds;
  }

  async run(batch: Batch): Promise<Map<string, TaskPrediction>> {
    const out = new Map<string, TaskPrediction>();
    const onGrid = this.manifest.tasks.filter((t) => this.plan.steps.get(t.name)?.kind !== 'column');
    if (onGrid.length > 0) {
      const results = await this.session.session.run(
        this.baseFeeds(batch.n, batch.x, batch.structure),
        onGrid.flatMap((t) => [t.output, ...(t.uncertainty ? UNCERTAINTY_PARTS.map((k) => t.uncertainty![k]) : [])]),
      );
      for (const t of onGrid) {
        const result = results[t.output];
        const u = t.uncertainty;
        const uncertainty = u && (Object.fromEntries(UNCERTAINTY_PARTS.map((k) => [k, results[u[k]].data as Float32Array])) as unknown as Uncertainty);
        out.set(t.name, { kind: 'matrix', data: result.data as Float32Array, width: Number(result.dims[1]), ...(uncertainty && { uncertainty }) });
      }
    }
    for (const t of this.manifest.tasks) {
      const steps = batch.rowSteps.get(t.name);
      if (steps) out.set(t.name, { kind: 'rows', rows: await this.runOwnSteps(batch, t, steps) });
    }
    return out;
  }

  /** `task` on each row's own x values, one call per distinct point count. */
  private async runOwnSteps(batch: Batch, task: ManifestTask, steps: (Float32Array | null)[]): Promise<(Float32Array | null)[]> {
    const byLength = new Map<number, number[]>();
    steps.forEach((s, r) => {
      if (!s) return;
      const group = byLength.get(s.length);
      if (group) group.push(r);
      else byLength.set(s.length, [r]);
    });
    const rows: (Float32Array | null)[] = steps.map(() => null);
    const d = this.descriptorWidth;
    const ds = this.structureWidth;
    const g = this.gathered;
    for (const [length, members] of byLength) {
      const m = members.length;
      const points = new Float32Array(m * length);
      members.forEach((r, i) => {
        g.x.set(batch.x.subarray(r * d, (r + 1) * d), i * d);
        if (batch.structure) {
          g.structure.set(batch.structure.values.subarray(r * ds, (r + 1) * ds), i * ds);
          g.has[i] = batch.structure.has[r];
        }
        points.set(steps[r]!, i * length);
      });
      const feeds = this.baseFeeds(m, g.x, batch.structure && { values: g.structure, has: g.has });
      feeds[task.steps!.input] = tensor(points, m, length);
      const data = (await this.session.session.run(feeds, [task.output]))[task.output].data as Float32Array;
      members.forEach((r, i) => (rows[r] = data.slice(i * length, (i + 1) * length)));
    }
    return rows;
  }
}
