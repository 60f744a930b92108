/**
 * Adam and AdamW over the ParamStore's variables, with parameter groups (own learning rate and weight
 * decay each, and optionally momentum SGD with delta-bar-delta gains instead of Adam), frozen
 * parameters, optional global-norm clipping, and a state that saves to Float32Arrays and restores
 * bit-exactly so a resumed run continues the uninterrupted one.
 * Written with plain tf ops rather than tf.train.adam, which has one learning rate and a hidden state.
 */
import { CrucibleError } from '../../errors';
import type { ParamStore } from '../../model/params';
import { tf, type Tensor, type Variable } from '../../model/tf';
import { clipByGlobalNorm } from './clip';
import { gainUpdate, type GainOptions } from './delta-bar-delta';

export interface ParamGroupOptions {
  /** Group id: 'encoder', 'head:<task>', … (names the group in logs and schedulers). */
  id: string;
  /** The ParamStore groups it trains, e.g. ['encoder', 'weighting', 'lora'] for the seed's shared-block optimiser. */
  storeGroups: string[];
  lr: number;
  /** Default 0. AdamW: decoupled decay p ← p·(1 − lr·wd); Adam and gains: L2, g ← g + wd·p. */
  weightDecay?: number;
  /** When set, this group trains with momentum SGD and per-weight delta-bar-delta gains (see delta-bar-delta.ts), not Adam. */
  gains?: GainOptions;
}

export interface AdamOptions {
  groups: ParamGroupOptions[];
  /**
   * true: AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019);
   * false: Adam (Kingma & Ba 2015) with weight decay as an L2 term, like PyTorch's `Adam(weight_decay=…)`.
   */
  decoupledWeightDecay: boolean;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8 (PyTorch's). */
  epsilon?: number;
  /** When set, gradients are first scaled so their global norm (over all groups) is at most this. */
  globalClipNorm?: number;
}

/** Adam's state for one parameter. */
export interface SlotState {
  /** Updates this parameter has received (its bias correction uses its own count, as in PyTorch). */
  step: number;
  /** First-moment estimate (gains groups: the momentum buffer), in the parameter's row-major order. */
  m: Float32Array;
  /** Second-moment estimate (gains groups: the per-weight gains). */
  v: Float32Array;
}

/** Everything needed to resume: plain numbers and Float32Arrays (a checkpoint stores the arrays as blobs). */
export interface OptimizerState {
  /** Current learning rate of each group, by group id. */
  lrs: Record<string, number>;
  /** By parameter name; parameters never updated have no slot. */
  slots: Record<string, SlotState>;
}

interface Group {
  id: string;
  lr: number;
  weightDecay: number;
  gains?: GainOptions;
}

interface Slot {
  step: number;
  m: Variable;
  v: Variable;
}

function checkNumber(value: number, what: string, min: number, max = Infinity): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new CrucibleError('bad-config', `The optimiser's ${what} is ${value}; it must lie in [${min}, ${max}].`, {
      hint: 'Typical values: lr 1e-3, weight_decay 1e-5, betas 0.9 and 0.999.',
    });
  }
}

/** A non-trainable variable holding `values` (`fill` everywhere when absent). */
function slotVariable(shape: number[], values?: Float32Array, fill = 0): Variable {
  const init = values ? tf.tensor(values, shape) : tf.fill(shape, fill);
  const v = tf.variable(init, false);
  // The variable shares the initial tensor's data; dropping the tensor leaves it to the variable alone.
  init.dispose();
  return v;
}

function checkGains(o: GainOptions, group: string): void {
  checkNumber(o.momentum, `momentum of group "${group}"`, 0, 0.999999);
  checkNumber(o.increment, `gain increment of group "${group}"`, 0);
  checkNumber(o.decay, `gain decay of group "${group}"`, 1e-12, 1);
  checkNumber(o.min, `minimum gain of group "${group}"`, 1e-12);
  checkNumber(o.max, `maximum gain of group "${group}"`, o.min);
}

/**
 * Adam/AdamW with parameter groups.
 *
 * @example
 * const opt = new Adam(model.store, { decoupledWeightDecay: true, globalClipNorm: 1, groups: [
 *   { id: 'encoder', storeGroups: ['encoder', 'weighting', 'lora'], lr: 1e-3, weightDecay: 1e-5 },
 *   { id: 'head:gap', storeGroups: ['head:gap'], lr: 5e-3 } ] });
 * const { value, grads } = model.store.variableGrads(lossFn, opt.variables());
 * opt.step(grads); tf.dispose([value, grads]);
 */
export class Adam {
  private readonly groups: Group[];
  /** ParamStore group → optimiser group. */
  private readonly groupOfStoreGroup = new Map<string, Group>();
  private readonly slots = new Map<string, Slot>();
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(
    private readonly store: ParamStore,
    private readonly options: AdamOptions,
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    checkNumber(this.beta1, 'beta1', 0, 0.999999);
    checkNumber(this.beta2, 'beta2', 0, 0.999999);
    checkNumber(this.epsilon, 'epsilon', 0);
    if (options.globalClipNorm !== undefined) checkNumber(options.globalClipNorm, 'gradient clipping norm', 1e-12);
    this.groups = options.groups.map((g) => {
      checkNumber(g.lr, `learning rate of group "${g.id}"`, 0);
      checkNumber(g.weightDecay ?? 0, `weight decay of group "${g.id}"`, 0);
      if (g.gains) checkGains(g.gains, g.id);
      const group = { id: g.id, lr: g.lr, weightDecay: g.weightDecay ?? 0, gains: g.gains };
      for (const storeGroup of g.storeGroups) {
        const other = this.groupOfStoreGroup.get(storeGroup);
        if (other)
          throw new CrucibleError('bad-config', `Parameters "${storeGroup}" are in two optimiser groups ("${other.id}" and "${g.id}").`, {
            hint: 'Give each parameter group one optimiser.',
          });
        this.groupOfStoreGroup.set(storeGroup, group);
      }
      return group;
    });
  }

  /** The trainable (not frozen) parameters some group covers: the variable list to differentiate. */
  variables(): Variable[] {
    return this.store.trainable((g) => this.groupOfStoreGroup.has(g));
  }

  groupIds(): string[] {
    return this.groups.map((g) => g.id);
  }

  lr(groupId: string): number {
    return this.group(groupId).lr;
  }

  /** The current learning rate of the group that trains parameter `name`. */
  paramLr(name: string): number {
    return this.groupOfParam(name).lr;
  }

  /** Sets a group's learning rate (schedulers call this between epochs). */
  setLr(groupId: string, lr: number): void {
    checkNumber(lr, `learning rate of group "${groupId}"`, 0);
    this.group(groupId).lr = lr;
  }

  /**
   * One update from gradients keyed by parameter name (as `ParamStore.variableGrads` gives them). Parameters
   * without a gradient this step (a head whose task was skipped) are left alone, moments included;
   * frozen parameters are skipped. The gradients stay owned by the caller.
   */
  step(grads: Record<string, Tensor>): void {
    const names = Object.keys(grads).filter((n) => this.store.isTrainable(n));
    if (names.length === 0) return;
    const groups = names.map((n) => this.groupOfParam(n));
    const slots = names.map((n, i) => this.slot(n, groups[i]));
    tf.tidy(() => {
      const own = Object.fromEntries(names.map((n) => [n, grads[n]]));
      const g = this.options.globalClipNorm === undefined ? own : clipByGlobalNorm(own, this.options.globalClipNorm);
      names.forEach((name, i) => this.update(this.store.get(name), g[name], slots[i], groups[i]));
    });
  }

  /** Plain-array copy of the state (see {@link OptimizerState}). */
  exportState(): OptimizerState {
    const slots: Record<string, SlotState> = {};
    for (const [name, s] of this.slots) {
      slots[name] = { step: s.step, m: (s.m.dataSync() as Float32Array).slice(), v: (s.v.dataSync() as Float32Array).slice() };
    }
    return { lrs: Object.fromEntries(this.groups.map((g) => [g.id, g.lr])), slots };
  }

  /**
   * Replaces the state with a saved one. Groups and parameters the saved state does not name keep
   * their current learning rate and start fresh; saved entries this model lacks are ignored.
   */
  loadState(state: OptimizerState): void {
    for (const [id, lr] of Object.entries(state.lrs)) if (this.groups.some((g) => g.id === id)) this.setLr(id, lr);
    this.disposeSlots();
    for (const [name, saved] of Object.entries(state.slots)) {
      if (!this.store.has(name)) continue;
      const shape = this.store.spec(name).shape;
      const size = shape.reduce((a, b) => a * b, 1);
      if (saved.m.length !== size || saved.v.length !== size) {
        throw new CrucibleError('bad-input', `The saved optimiser state of "${name}" has ${saved.m.length} values but the parameter has ${size}.`, {
          hint: 'Resume only with the configuration the run started with, or start a fresh run.',
        });
      }
      this.slots.set(name, { step: saved.step, m: slotVariable(shape, saved.m), v: slotVariable(shape, saved.v) });
    }
  }

  dispose(): void {
    this.disposeSlots();
  }

  private update(p: Variable, grad: Tensor, slot: Slot, group: Group): void {
    const { beta1, beta2, epsilon } = this;
    const { lr, weightDecay } = group;
    slot.step += 1;
    if (group.gains) {
      gainUpdate(p, weightDecay > 0 ? tf.add(grad, tf.mul(p, weightDecay)) : grad, { m: slot.m, gains: slot.v }, lr, group.gains);
      return;
    }
    // PyTorch's form: the bias corrections are host scalars, step = lr / (1 − β₁ᵗ), denom = √v / √(1 − β₂ᵗ) + ε.
    const bc1 = 1 - beta1 ** slot.step;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** slot.step);
    let g = grad;
    let base: Tensor = p;
    if (weightDecay > 0) {
      if (this.options.decoupledWeightDecay) base = tf.mul(p, 1 - lr * weightDecay);
      else g = tf.add(g, tf.mul(p, weightDecay));
    }
    slot.m.assign(tf.add(tf.mul(slot.m, beta1), tf.mul(g, 1 - beta1)));
    slot.v.assign(tf.add(tf.mul(slot.v, beta2), tf.mul(tf.square(g), 1 - beta2)));
    const denom = tf.add(tf.div(tf.sqrt(slot.v), bc2Sqrt), epsilon);
    p.assign(tf.sub(base, tf.mul(tf.div(slot.m, denom), lr / bc1)));
  }

  private slot(name: string, group: Group): Slot {
    let s = this.slots.get(name);
    if (!s) {
      const shape = this.store.spec(name).shape;
      // A gains group keeps its gains in v, and every gain starts at 1.
      s = { step: 0, m: slotVariable(shape), v: slotVariable(shape, undefined, group.gains ? 1 : 0) };
      this.slots.set(name, s);
    }
    return s;
  }

  private group(id: string): Group {
    const g = this.groups.find((x) => x.id === id);
    if (!g) throw new CrucibleError('internal', `There is no optimiser group "${id}".`);
    return g;
  }

  private groupOfParam(name: string): Group {
    if (!this.store.has(name)) {
      throw new CrucibleError('internal', `Gradient for unknown parameter "${name}"; key gradients by parameter name (ParamStore.variableGrads does).`);
    }
    const g = this.groupOfStoreGroup.get(this.store.spec(name).group);
    if (!g) throw new CrucibleError('internal', `Parameter "${name}" got a gradient but no optimiser group trains "${this.store.spec(name).group}".`);
    return g;
  }

  private disposeSlots(): void {
    for (const s of this.slots.values()) tf.dispose([s.m, s.v]);
    this.slots.clear();
  }
}
