/**
 * The hyper-parameters `crucible tune` searches, their ranges, seeded sampling, and how a sample is written into
 * a run configuration. A trial's configuration is the user's, resolved and dumped back to its explicit form (every
 * optimiser present, deposit_dim written out), with the sampled keys set and resolved again: it passes the same
 * checks as a file, and the run folder's config.yaml is a normal config `crucible train` runs.
 */
import { resolveRunConfig, toRunConfig, type ResolvedRunConfig } from '../../config/index';
import { deriveSeed, Rng } from '../../util/random';

export interface TuneParams {
  lr: number;
  weight_decay: number;
  dropout: number;
  /** The shared block's hidden widths (shared_block_dims after its input entry). */
  widths: number[];
  batch_size: number;
}

type Range = { scale: 'log' | 'linear'; min: number; max: number; zeroShare?: number; key: string };
type Choices<T> = { choices: readonly T[]; key: string };

/**
 * The search space. Ranges are the usual ones for AdamW on tabular MLPs; the widths keep the config's deposit
 * width (deposit_dim), so the task heads, which read the deposit layer, stay as configured.
 */
export const SEARCH_SPACE = {
  lr: { scale: 'log', min: 1e-4, max: 1e-2, key: "every optimiser's lr (shared block and each task)" },
  weight_decay: { scale: 'log', min: 1e-6, max: 1e-2, zeroShare: 0.25, key: "every optimiser's weight_decay" },
  dropout: { scale: 'linear', min: 0, max: 0.3, key: 'model.init_args.dropout' },
  widths: {
    choices: [
      [128, 128],
      [256, 256],
      [512, 256],
    ],
    key: 'model.init_args.shared_block_dims after its input entry',
  },
  batch_size: { choices: [64, 128, 256], key: 'data.init_args.batch_size' },
} as const satisfies { [K in keyof TuneParams]: Range | Choices<TuneParams[K]> };

const bound = (v: number) => (v !== 0 && Math.abs(v) <= 0.01 ? v.toExponential() : String(v));

/** One line per hyper-parameter, for `crucible tune --help`. */
export function describeSearchSpace(): string {
  const rows = Object.entries(SEARCH_SPACE).map(([name, p]: [string, Range | Choices<unknown>]) => {
    const range =
      'choices' in p
        ? p.choices.map((c) => (Array.isArray(c) ? `[in, ${c.join(', ')}]` : String(c))).join(' | ')
        : `${p.zeroShare ? `0 (${p.zeroShare * 100} % of trials) or ` : ''}${p.scale === 'log' ? 'log-uniform' : 'uniform'} ${bound(p.min)} … ${bound(p.max)}`;
    return [name, range, p.key];
  });
  const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map(([name, range, key]) => `  ${name.padEnd(widths[0])}  ${range.padEnd(widths[1])}  ${key}`).join('\n');
}

const sig3 = (v: number) => Number(v.toPrecision(3));

function draw(rng: Rng, r: Range): number {
  if (r.zeroShare !== undefined && rng.float() < r.zeroShare) return 0;
  const u = rng.float();
  return r.scale === 'log' ? sig3(Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min)))) : Math.round((r.min + u * (r.max - r.min)) * 100) / 100;
}

const pick = <T>(rng: Rng, c: Choices<T>): T => c.choices[rng.int(c.choices.length)];

/**
 * Trial `trial`'s hyper-parameters under `seed`. Each trial has its own stream, so a larger budget with the same
 * seed repeats the smaller budget's trials and adds new ones.
 */
export function sampleParams(seed: number, trial: number): TuneParams {
  const rng = new Rng(deriveSeed(seed, 'tune', trial));
  const s = SEARCH_SPACE;
  return {
    lr: draw(rng, s.lr),
    weight_decay: draw(rng, s.weight_decay),
    dropout: draw(rng, s.dropout),
    widths: [...pick(rng, s.widths)],
    batch_size: pick(rng, s.batch_size),
  };
}

interface Optimizer {
  lr: number;
  weight_decay: number;
}

/** The parts of {@link toRunConfig}'s explicit form that a sample sets. */
interface ExplicitConfig {
  model: {
    init_args: { shared_block_dims: unknown[]; dropout: number; shared_block_optimizer: Optimizer; task_configs: { optimizer: Optimizer }[] };
  };
  data: { init_args: { batch_size: number } };
  trainer: { max_epochs: number; min_epochs: number };
}

/** `base` with `params` set and trained for `epochs` (min_epochs lowered to fit a short rung). */
export function trialConfig(base: ResolvedRunConfig, params: TuneParams, epochs: number): ResolvedRunConfig {
  const raw = toRunConfig(base) as unknown as ExplicitConfig;
  const m = raw.model.init_args;
  for (const o of [m.shared_block_optimizer, ...m.task_configs.map((t) => t.optimizer)]) {
    o.lr = params.lr;
    o.weight_decay = params.weight_decay;
  }
  m.dropout = params.dropout;
  m.shared_block_dims = [m.shared_block_dims[0], ...params.widths];
  raw.data.init_args.batch_size = params.batch_size;
  raw.trainer.max_epochs = epochs;
  raw.trainer.min_epochs = Math.min(raw.trainer.min_epochs, epochs);
  // Source paths in the explicit form are absolute, so no folder is read relative to baseDir.
  return resolveRunConfig(raw, { baseDir: process.cwd() });
}
