/**
 * The model's parameters by name. Layers create them here (initialised from the run's seeded
 * generator, never from tfjs's own random state), optimisers take the trainable ones by group,
 * checkpoints save and load them, and the exporter reads their values.
 */
import { CrucibleError } from '../errors';
import type { Rng } from '../util/random';
import { tf, type Variable } from './tf';

export type Init =
  | 'zeros'
  | 'ones'
  /** Glorot/Xavier uniform: U(±√(6/(fanIn+fanOut))), for tanh/sigmoid/linear layers. */
  | 'glorot'
  /** He/Kaiming uniform: U(±√(6/fanIn)), for ReLU-family layers. */
  | 'he'
  | { normal: number }
  | { uniform: number }
  | { values: Float32Array };

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Optimiser group: 'encoder', 'head:<task>', 'weighting', … (separate learning rates). */
  group: string;
}

/** A copy of all parameter values, e.g. a checkpoint; `data` holds them back to back in `specs` order. */
export interface ParamSnapshot {
  specs: ParamSpec[];
  data: Float32Array;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function initialValues(shape: number[], init: Init, rng: Rng): Float32Array {
  const n = size(shape);
  const out = new Float32Array(n);
  const fanIn = shape.length >= 2 ? shape[shape.length - 2] : shape[0];
  const fanOut = shape[shape.length - 1];
  const uniform = (limit: number) => {
    for (let i = 0; i < n; i++) out[i] = (rng.float() * 2 - 1) * limit;
  };
  if (init === 'zeros') return out;
  if (init === 'ones') return out.fill(1);
  if (init === 'glorot') uniform(Math.sqrt(6 / (fanIn + fanOut)));
  else if (init === 'he') uniform(Math.sqrt(6 / fanIn));
  else if ('normal' in init) for (let i = 0; i < n; i++) out[i] = rng.normal(0, init.normal);
  else if ('uniform' in init) uniform(init.uniform);
  else {
    if (init.values.length !== n) throw new Error(`initial values for shape [${shape}] must have ${n} entries`);
    out.set(init.values);
  }
  return out;
}

/** A layer that can take LoRA adapters (dense layers register themselves when created). */
export interface LoraTarget {
  readonly name: string;
  addLora(rank: number, alpha: number, group: string): void;
}

let storeCounter = 0;

export class ParamStore {
  /** tfjs variable names are process-global: ours are `<store uid>/<param name>`, mapped back here. */
  private readonly uid = `s${++storeCounter}`;
  private readonly vars = new Map<string, Variable>();
  private readonly specs = new Map<string, ParamSpec>();
  private readonly frozen = new Set<string>();
  private readonly loraTargets: LoraTarget[] = [];

  constructor(private readonly rng: Rng) {}

  /** Creates a parameter; names are unique (a second create of one name is a bug). */
  create(name: string, shape: number[], init: Init, group: string): Variable {
    if (this.vars.has(name)) throw new Error(`parameter ${name} created twice`);
    const values = initialValues(shape, init, this.rng);
    // tidy frees the initial tensor; the variable survives it.
    const v = tf.tidy(() => tf.variable(tf.tensor(values, shape), true, `${this.uid}/${name}`));
    this.vars.set(name, v);
    this.specs.set(name, { name, shape: [...shape], group });
    return v;
  }

  registerLoraTarget(target: LoraTarget): void {
    this.loraTargets.push(target);
  }

  /** Adds LoRA adapters to every registered layer whose name starts with `prefix`; returns how many. */
  addLora(prefix: string, rank: number, alpha: number, group: string): number {
    const targets = this.loraTargets.filter((t) => t.name.startsWith(prefix));
    for (const t of targets) t.addLora(rank, alpha, group);
    return targets.length;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  get(name: string): Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`unknown parameter ${name}`);
    return v;
  }

  spec(name: string): ParamSpec {
    return this.specs.get(name)!;
  }

  names(): string[] {
    return [...this.vars.keys()];
  }

  /** Frozen parameters keep their values: optimisers skip them (fine-tuning, disabled heads). */
  setFrozen(predicate: (spec: ParamSpec) => boolean, frozen = true): void {
    for (const spec of this.specs.values()) {
      if (!predicate(spec)) continue;
      if (frozen) this.frozen.add(spec.name);
      else this.frozen.delete(spec.name);
    }
  }

  isTrainable(name: string): boolean {
    return !this.frozen.has(name);
  }

  trainable(group?: (g: string) => boolean): Variable[] {
    return [...this.specs.values()].filter((s) => !this.frozen.has(s.name) && (!group || group(s.group))).map((s) => this.vars.get(s.name)!);
  }

  /**
   * `tf.variableGrads` keyed by parameter name (tfjs keys them by its global variable names).
   * Variables that `f` does not reach get no entry.
   */
  variableGrads(f: () => tf.Scalar, variables: Variable[]): { value: tf.Scalar; grads: Record<string, tf.Tensor> } {
    const { value, grads } = tf.variableGrads(f, variables);
    const prefix = `${this.uid}/`;
    const named: Record<string, tf.Tensor> = {};
    for (const [key, grad] of Object.entries(grads)) named[key.startsWith(prefix) ? key.slice(prefix.length) : key] = grad;
    return { value, grads: named };
  }

  /** Synchronous copy of every value (tfjs variables stay on the backend). */
  snapshot(): ParamSnapshot {
    const specs = [...this.specs.values()];
    const data = new Float32Array(specs.reduce((a, s) => a + size(s.shape), 0));
    let offset = 0;
    for (const s of specs) {
      const values = this.vars.get(s.name)!.dataSync() as Float32Array;
      data.set(values, offset);
      offset += values.length;
    }
    return { specs, data };
  }

  /** Values of one parameter as a Float32Array (for export and tests). */
  values(name: string): Float32Array {
    return this.get(name).dataSync() as Float32Array;
  }

  /**
   * Loads values by name. With `partial`, parameters absent from the snapshot keep their current
   * values (new heads on a pretrained encoder); shape mismatches are always errors naming the layer.
   */
  load(snapshot: ParamSnapshot, opts: { partial?: boolean; only?: (name: string) => boolean } = {}): string[] {
    const loaded: string[] = [];
    let offset = 0;
    const byName = new Map<string, { spec: ParamSpec; offset: number }>();
    for (const s of snapshot.specs) {
      byName.set(s.name, { spec: s, offset });
      offset += size(s.shape);
    }
    for (const [name, v] of this.vars) {
      if (opts.only && !opts.only(name)) continue;
      const source = byName.get(name);
      if (!source) {
        if (opts.partial) continue;
        throw new CrucibleError('bad-input', `The saved weights have no parameter "${name}".`);
      }
      const expected = this.specs.get(name)!.shape;
      if (source.spec.shape.join('x') !== expected.join('x')) {
        throw new CrucibleError('bad-input', `Parameter "${name}" has shape [${source.spec.shape}] in the saved weights but [${expected}] in this model.`, {
          hint: 'Layer sizes must match to reuse weights; change the config or give the task a new name to get a fresh head.',
        });
      }
      tf.tidy(() => v.assign(tf.tensor(snapshot.data.subarray(source.offset, source.offset + size(expected)), expected)));
      loaded.push(name);
    }
    return loaded;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
    this.specs.clear();
  }
}
