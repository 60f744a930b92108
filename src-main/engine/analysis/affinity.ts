/**
 * Inter-task affinity measured during a multi-task run: the lookahead affinity of Fifty, Amid, Zhao, Yu,
 * Anil & Finn, "Efficiently Identifying Task Groupings for Multi-Task Learning" (NeurIPS 2021), and the
 * cosine similarity of the task gradients on the shared parameters, both averaged over training.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CrucibleError } from '../errors';
import { tf, type Tensor } from '../model/tf';
import type { CallbackState, TrainingCallback } from '../train/callbacks/index';
import type { ProbeStep, StepProbe } from '../train/fit';

export interface AffinityOptions {
  /** Measure every this many training steps (each measurement costs about 2·T forward and T backward passes). */
  every: number;
  /** η of the lookahead step; absent: the learning rate the shared parameters train with at that step. */
  lr?: number;
}

export const AFFINITY_DEFAULTS: AffinityOptions = { every: 10 };

/** Task × task matrices, rows and columns in `tasks` order; null where a pair was never measured. */
export interface AffinityReport {
  tasks: string[];
  /**
   * lookahead[i][j] = mean over measured steps of Z(i→j) = 1 − Lⱼ(θₛ − η·∇θₛLᵢ) / Lⱼ(θₛ): the relative
   * drop of task j's loss after a plain gradient step on the shared parameters θₛ for task i alone (heads
   * fixed). Positive: i's update helps j; negative: it hurts j. The diagonal is each task's own drop.
   */
  lookahead: (number | null)[][];
  /** cosine[i][j] = mean cosine similarity of ∇θₛLᵢ and ∇θₛLⱼ (1 on the diagonal). */
  cosine: (number | null)[][];
  /** How many steps each pair was measured on (both tasks labelled in the batch). */
  steps: number[][];
  every: number;
  /** η of the lookahead, or 'shared' when it followed the shared parameters' learning rate. */
  lr: number | 'shared';
}

type Matrix = number[][];
const zeros = (n: number): Matrix => Array.from({ length: n }, () => new Array<number>(n).fill(0));

/**
 * A step probe (see `FitOptions.probes`) and a callback (its sums survive a resume). Every `every` steps,
 * on the batch the step trains on and at the parameters it starts from, in inference mode: each task's
 * loss and gradient on the shared parameters, then for each task i the losses after the lookahead step
 * on i's gradient; the parameters are restored exactly afterwards, so training is unchanged.
 *
 * @example
 * const affinity = new TaskAffinity(['bulk_modulus', 'shear_modulus'], { every: 10 });
 * await fit({ ..., probes: [affinity], callbacks: [..., affinity] });
 * affinity.report().lookahead[0][1]; // how much bulk-modulus steps help shear modulus
 */
export class TaskAffinity implements StepProbe, TrainingCallback {
  private readonly index: Map<string, number>;
  private readonly lookaheadSum: Matrix;
  private readonly lookaheadCount: Matrix;
  private readonly cosineSum: Matrix;
  private readonly cosineCount: Matrix;

  constructor(
    readonly tasks: readonly string[],
    private readonly options: AffinityOptions = AFFINITY_DEFAULTS,
  ) {
    this.index = new Map(tasks.map((t, i) => [t, i]));
    [this.lookaheadSum, this.lookaheadCount, this.cosineSum, this.cosineCount] = [
      zeros(tasks.length),
      zeros(tasks.length),
      zeros(tasks.length),
      zeros(tasks.length),
    ];
  }

  beforeStep(step: ProbeStep): void {
    if (step.step % this.options.every !== 0 || step.shared.length === 0) return;
    const tasks = step.tasks.filter((t) => this.index.has(t));
    if (tasks.length < 2) return;
    const eta = this.options.lr ?? step.sharedLr;
    const ids = tasks.map((t) => this.index.get(t)!);
    const vars = step.shared.map((n) => step.store.get(n));
    tf.tidy(() => {
      const lossesNow = (): number[] => {
        const losses = step.losses(tasks);
        const values = tf.stack(tasks.map((t) => losses.get(t)!)).dataSync();
        return Array.from(values);
      };
      const before = lossesNow();
      const grads = tasks.map((t) => step.store.variableGrads(() => step.losses([t]).get(t)!, vars).grads);
      const flat = tf.stack(grads.map((g) => tf.concat(step.shared.map((n, k) => (g[n] ? tf.reshape(g[n], [-1]) : tf.zeros([vars[k].size]))))));
      const gram = tf.matMul(flat, flat, false, true).dataSync();
      const saved: Tensor[] = vars.map((v) => tf.clone(v));
      tasks.forEach((_, i) => {
        vars.forEach((v, k) => {
          const g = grads[i][step.shared[k]];
          if (g) v.assign(tf.sub(saved[k], tf.mul(g, eta)));
        });
        const after = lossesNow();
        vars.forEach((v, k) => v.assign(saved[k]));
        tasks.forEach((_, j) => {
          if (before[j] > 0) {
            this.lookaheadSum[ids[i]][ids[j]] += 1 - after[j] / before[j];
            this.lookaheadCount[ids[i]][ids[j]] += 1;
          }
          const norms = gram[i * tasks.length + i] * gram[j * tasks.length + j];
          if (norms > 0) {
            this.cosineSum[ids[i]][ids[j]] += gram[i * tasks.length + j] / Math.sqrt(norms);
            this.cosineCount[ids[i]][ids[j]] += 1;
          }
        });
      });
    });
  }

  report(): AffinityReport {
    const mean = (sum: Matrix, count: Matrix) => sum.map((row, i) => row.map((s, j) => (count[i][j] > 0 ? s / count[i][j] : null)));
    return {
      tasks: [...this.tasks],
      lookahead: mean(this.lookaheadSum, this.lookaheadCount),
      cosine: mean(this.cosineSum, this.cosineCount),
      steps: this.cosineCount.map((row, i) => row.map((c, j) => Math.max(c, this.lookaheadCount[i][j]))),
      every: this.options.every,
      lr: this.options.lr ?? 'shared',
    };
  }

  state(): CallbackState {
    const out: CallbackState = {};
    const put = (name: string, m: Matrix) => m.forEach((row, i) => row.forEach((v, j) => (out[`${name}.${i}.${j}`] = v)));
    put('lookahead_sum', this.lookaheadSum);
    put('lookahead_count', this.lookaheadCount);
    put('cosine_sum', this.cosineSum);
    put('cosine_count', this.cosineCount);
    return out;
  }

  loadState(state: CallbackState): void {
    const take = (name: string, m: Matrix) => m.forEach((row, i) => row.forEach((_, j) => (row[j] = state[`${name}.${i}.${j}`] ?? 0)));
    take('lookahead_sum', this.lookaheadSum);
    take('lookahead_count', this.lookaheadCount);
    take('cosine_sum', this.cosineSum);
    take('cosine_count', this.cosineCount);
  }
}

/** A run folder's affinity.json, for the UI's affinity heatmaps. */
export async function readAffinity(runDir: string): Promise<AffinityReport> {
  try {
    return JSON.parse(await readFile(join(runDir, 'affinity.json'), 'utf8')) as AffinityReport;
  } catch {
    throw new CrucibleError('not-found', `The run folder ${runDir} has no affinity.json.`, {
      hint: 'Train with task affinity on, e.g. `crucible compare` or `crucible group` with --affinity.',
    });
  }
}
