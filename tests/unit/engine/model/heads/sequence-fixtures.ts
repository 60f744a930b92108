/** Shared by the sequence-head tests: real curves from the shared data sets, head construction, a tiny Adam loop, the common contract. */
import { expect, it } from 'vitest';
import { readCsv } from '../../data/dataset/fixtures';
import { dataSet } from '../../../../helpers/paths';
import type { HeadDataInfo, HeadInstance } from '../../../../../src-main/engine/model/heads/head';
import { headType } from '../../../../../src-main/engine/model/heads/index';
import { MultiTaskModel } from '../../../../../src-main/engine/model/model';
import { createTfOps } from '../../../../../src-main/engine/model/ops/tf-ops';
import { ParamStore } from '../../../../../src-main/engine/model/params';
import { tf, type Tensor } from '../../../../../src-main/engine/model/tf';
import { Rng } from '../../../../../src-main/engine/util/random';

/** A padded batch of curves, row-major [n, width]. */
export interface Curves {
  n: number;
  width: number;
  values: Float32Array;
  steps: Float32Array;
  mask: Float32Array;
}

function padCurves(rows: Array<{ steps: number[]; values: (number | null)[] }>): Curves {
  const width = Math.max(...rows.map((r) => r.steps.length));
  const n = rows.length;
  const values = new Float32Array(n * width);
  const steps = new Float32Array(n * width);
  const mask = new Float32Array(n * width);
  rows.forEach((r, i) =>
    r.steps.forEach((s, j) => {
      steps[i * width + j] = s;
      const v = r.values[j];
      if (v !== null) {
        values[i * width + j] = v;
        mask[i * width + j] = 1;
      }
    }),
  );
  return { n, width, values, steps, mask };
}

/** Phonon DOS curves (51 points on 0–1000 cm⁻¹) of the given rows of mp_phonon_dos. */
export function phononCurves(rows: number[]): Curves {
  const { header, cells } = readCsv(dataSet('mp_phonon_dos', 'mp_phonon_dos.csv'));
  const col = (name: string) => cells[header.indexOf(name)];
  return padCurves(rows.map((r) => ({ steps: JSON.parse(col('frequency_grid')[r]), values: JSON.parse(col('dos')[r]) })));
}

/** Seebeck curves (μV/K on each row's own temperatures) of the given rows of estm_curves, padded, standardised. */
export function seebeckCurves(rows: number[]): Curves {
  const { header, cells } = readCsv(dataSet('estm_thermoelectric', 'estm_curves.csv'));
  const col = (name: string) => cells[header.indexOf(name)];
  const curves = padCurves(rows.map((r) => ({ steps: JSON.parse(col('temperature_K')[r]), values: JSON.parse(col('seebeck_uV_K')[r]) })));
  const known = curves.values.filter((_, i) => curves.mask[i] === 1);
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  const sd = Math.sqrt(known.reduce((a, b) => a + (b - mean) ** 2, 0) / known.length);
  curves.values.forEach((v, i) => (curves.values[i] = curves.mask[i] ? (v - mean) / sd : 0));
  return curves;
}

/** What the model builder measures on the training steps: range and 11 quantiles of the known points. */
export function stepsInfo(curves: Curves): NonNullable<HeadDataInfo['steps']> {
  const known = Array.from(curves.steps.filter((_, i) => curves.mask[i] === 1)).sort((a, b) => a - b);
  const quantiles = Array.from({ length: 11 }, (_, i) => known[Math.round((i / 10) * (known.length - 1))]);
  return { min: known[0], max: known[known.length - 1], quantiles };
}

/** A head built through the registry on a fresh seeded store. */
export function buildHead(id: string, options: Record<string, unknown>, data: HeadDataInfo, inputDim = 8, seed = 1): { head: HeadInstance; store: ParamStore } {
  const type = headType(id)!;
  const store = new ParamStore(new Rng(seed));
  const head = type.build({ store, prefix: `head.${id}`, group: `head:${id}`, inputDim, data }, type.options.parse(options));
  return { head, store };
}

/** Stand-in deposit outputs in (−1, 1), like the encoder's tanh. */
export function depositOutputs(n: number, dim: number, seed = 3): Tensor {
  const rng = new Rng(seed);
  return tf.tensor(
    Float32Array.from({ length: n * dim }, () => rng.float() * 2 - 1),
    [n, dim],
  );
}

export function maskedMse(pred: Tensor, target: Tensor, mask: Tensor): tf.Scalar {
  return tf.div(tf.sum(tf.mul(tf.square(tf.sub(pred, target)), mask)), tf.sum(mask)) as tf.Scalar;
}

/** Runs `steps` Adam updates of the head on the curves: the loss before each update and the live tensor count after it. */
export function trainHead(
  head: HeadInstance,
  store: ParamStore,
  curves: Curves,
  opts: { steps: number; learningRate: number; inputDim?: number },
): { losses: number[]; tensorCounts: number[] } {
  const ops = createTfOps(store, { training: true, nextSeed: () => 0 });
  const h = depositOutputs(curves.n, opts.inputDim ?? 8);
  const target = tf.tensor(curves.values, [curves.n, curves.width]);
  const mask = tf.tensor(curves.mask, [curves.n, curves.width]);
  const t = tf.tensor(curves.steps, [curves.n, curves.width]);
  const optimizer = tf.train.adam(opts.learningRate);
  const losses: number[] = [];
  const tensorCounts: number[] = [];
  for (let i = 0; i < opts.steps; i++) {
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => maskedMse(head.forward(ops, h, t), target, mask), store.trainable());
      losses.push(value.dataSync()[0]);
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    });
    tensorCounts.push(tf.memory().numTensors);
  }
  optimizer.dispose();
  tf.dispose([h, target, mask, t]);
  return { losses, tensorCounts };
}

/** The first `length` points of every curve. */
export function truncate(curves: Curves, length: number): Curves {
  const cut = (a: Float32Array) => Float32Array.from({ length: curves.n * length }, (_, k) => a[Math.floor(k / length) * curves.width + (k % length)]);
  return { n: curves.n, width: length, values: cut(curves.values), steps: cut(curves.steps), mask: cut(curves.mask) };
}

/** Output of a sequence head inside a whole model (encoder on stand-in descriptors → head) for the given steps, [n, L]. */
export function modelOutput(id: string, options: Record<string, unknown>, data: HeadDataInfo, curves: Curves): { shape: number[]; values: Float32Array } {
  const model = new MultiTaskModel(
    {
      encoder: { inputDim: 5, hiddenDims: [8], depositDim: 8, activation: 'silu', norm: true, residual: false, dropout: 0 },
      tasks: [{ name: 'curve', kind: 'sequence', head: id, headOptions: options, data }],
    },
    7,
  );
  try {
    const ops = createTfOps(model.store, { training: false });
    return tf.tidy(() => {
      const x = depositOutputs(curves.n, 5, 4);
      const out = model.forward(ops, { x, steps: { curve: tf.tensor(curves.steps, [curves.n, curves.width]) } }).curve;
      return { shape: out.shape, values: out.dataSync() as Float32Array };
    });
  } finally {
    model.dispose();
  }
}

/** Which real curves a head is exercised on: DOS on one shared grid, or Seebeck curves on varying, padded grids. */
export type CurveSource = 'dos' | 'seebeck';

export function realCurves(source: CurveSource): Curves {
  return source === 'dos' ? phononCurves([0, 1, 2, 3]) : seebeckCurves([3, 4, 8, 15, 18]);
}

/**
 * The behaviour every sequence head shares, as tests: registered as a sequence head; inside a model it maps
 * B = 3 rows to [3, L] for two grid lengths; 30 Adam steps (lr 1e-3) on real curves cut the masked MSE
 * and leave no tensors behind.
 */
export function sequenceHeadContract(id: string, options: Record<string, unknown>, source: CurveSource): void {
  it('is registered as a sequence head; its filled-in options parse to themselves (they are saved with the model)', () => {
    const type = headType(id)!;
    expect(type.kind).toBe('sequence');
    const filled = type.options.parse(options);
    expect(type.options.parse(filled)).toEqual(filled);
    expect(() => type.options.parse({ ...options, no_such_option: 1 })).toThrow();
  });

  it('maps B = 3 rows to [3, L] for two grid lengths', () => {
    const all = realCurves(source);
    const rows: Curves = { ...truncate(all, all.width), n: 3 };
    for (const length of [all.width, 3]) {
      const curves = truncate(rows, length);
      const out = modelOutput(id, options, { width: length, steps: stepsInfo(all) }, curves);
      expect(out.shape).toEqual([3, length]);
      expect(out.values.every(Number.isFinite)).toBe(true);
    }
  });

  it('learns real curves with Adam and leaks no tensors', () => {
    const curves = realCurves(source);
    const { head, store } = buildHead(id, options, { width: curves.width, steps: stepsInfo(curves) });
    try {
      const { losses, tensorCounts } = trainHead(head, store, curves, { steps: 30, learningRate: 1e-3 });
      expect(losses.at(-1)!).toBeLessThan(0.6 * losses[0]);
      // Adam's moment slots appear in the first step; after that every tidy'd step returns to the same count.
      expect(new Set(tensorCounts).size).toBe(1);
    } finally {
      store.dispose();
    }
  });
}
