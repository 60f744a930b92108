/** Per-point features of a curve's x-grid (normalised position and Fourier features), projected to a width. */
import type { Ops } from '../ops/ops';
import type { ParamStore } from '../params';
import { Dense } from './dense';

/** The training steps' range in physical units (from `HeadDataInfo.steps`). */
export interface StepsRange {
  min: number;
  max: number;
}

/** u = (t − min)/(max − min): the training grid maps onto [0, 1]; steps outside it extrapolate linearly. */
export function normaliseSteps<T>(ops: Ops<T>, steps: T, range: StepsRange): T {
  // A single-point training grid has no span; any scale then works, 1 keeps u = t − min.
  const span = range.max - range.min || 1;
  return ops.mul(ops.sub(steps, ops.scalar(range.min)), ops.scalar(1 / span));
}

/**
 * Embeds steps t [B, L] as [B, L, dim]: a dense layer over (u, sin(π2ᵏu), cos(π2ᵏu)) for k < `frequencies`
 * (Fourier features, Tancik et al. 2020). Positions come from the steps themselves, so irregular and
 * varying grids work and no position index (a dynamic `range`) is needed.
 */
export class StepsEmbedding {
  readonly proj: Dense;
  /** Angular frequencies twice over and phases 0 then π/2: one sin gives the sines and the cosines. */
  private readonly omegas: Float32Array;
  private readonly phases: Float32Array;

  constructor(
    store: ParamStore,
    name: string,
    readonly range: StepsRange,
    readonly frequencies: number,
    dim: number,
    group: string,
  ) {
    const omegas = Array.from({ length: frequencies }, (_, k) => Math.PI * 2 ** k);
    this.omegas = Float32Array.from([...omegas, ...omegas]);
    this.phases = Float32Array.from(this.omegas, (_, i) => (i < frequencies ? 0 : Math.PI / 2));
    // Kernel rows: u, then the sines, then the cosines.
    this.proj = new Dense(store, name, 1 + 2 * frequencies, dim, { group, init: 'glorot' });
  }

  apply<T>(ops: Ops<T>, steps: T): T {
    const u = ops.expandDims(normaliseSteps(ops, steps, this.range), 2);
    const { kernel, bias } = this.proj.params(ops);
    // Each feature block is multiplied by its rows of the kernel and the products summed: the same
    // dense layer without concatenating narrow feature blocks, a slow strided copy on the wasm backend.
    let y = ops.add(ops.mul(u, ops.slice(kernel, 0, 0, 1)), bias!);
    if (this.frequencies > 0) {
      const n = 2 * this.frequencies;
      const waves = ops.sin(ops.add(ops.mul(u, ops.constant(this.omegas, [n])), ops.constant(this.phases, [n])));
      y = ops.add(y, ops.matMul(waves, ops.slice(kernel, 0, 1)));
    }
    return y;
  }
}
