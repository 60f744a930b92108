/**
 * The optimiser of a run: parameter groups over the ParamStore's variables, each with its own update rule
 * (optimizers/: Adam, AdamW, delta-bar-delta, …), learning rate and weight decay; frozen parameters,
 * optional global-norm clipping, and a state that saves to Float32Arrays and restores bit-exactly so a
 * resumed run continues the uninterrupted one.
 * Written with plain tf ops rather than tf.train.*, which have one learning rate and a hidden state.
 */
import { CrucibleError } from '../../errors';
import type { ParamStore } from '../../model/params';
import { tf, type Tensor, type Variable } from '../../model/tf';
import { clipByGlobalNorm } from './clip';
import { createUpdate } from './optimizers/index';
import type { ParamUpdate, Slot } from './optimizers/optimizer-type';

export interface ParamGroupOptions {
  /** Group id: 'encoder', 'head:<task>', … (names the group in logs and schedulers). */
  id: string;
  /** The ParamStore groups it trains, e.g. ['encoder', 'weighting', 'lora'] for the seed's shared-block optimiser. */
  storeGroups: string[];
  /** The optimiser registry id, e.g. 'adamw'. */
  type: string;
  /** That optimiser's own options (betas, momentum, …); defaults fill what is missing. */
  options?: unknown;
  lr: number;
  /** Default 0; the rule decides how it applies (AdamW decoupled, the others as an L2 term). */
  weightDecay?: number;
}

export interface OptimizerOptions {
  groups: ParamGroupOptions[];
  /** When set, gradients are first scaled so their global norm (over all groups) is at most this. */
  globalClipNorm?: number;
}

/** One parameter's state (see {@link Slot}), in the parameter's row-major order. */
export interface SlotState {
  step: number;
  m: Float32Array;
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
  update: ParamUpdate;
}

function checkNumber(value: number, what: string, min: number): void {
  if (!Number.isFinite(value) || value < min) {
    throw new CrucibleError('bad-config', `The optimiser's ${what} is ${value}; it must be at least ${min}.`, {
      hint: 'Typical values: lr 1e-3, weight_decay 1e-5.',
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

/**
 * An optimiser with parameter groups.
 *
 * @example
 * const opt = new Optimizer(model.store, { globalClipNorm: 1, groups: [
 *   { id: 'encoder', storeGroups: ['encoder', 'weighting', 'lora'], type: 'adamw', lr: 1e-3, weightDecay: 1e-5 },
 *   { id: 'head:gap', storeGroups: ['head:gap'], type: 'delta_bar_delta', options: { momentum: 0.8 }, lr: 5e-3 } ] });
 * const { value, grads } = model.store.variableGrads(lossFn, opt.variables());
 * opt.step(grads); tf.dispose([value, grads]);
 */
export class Optimizer {
  private readonly groups: Group[];
  /** ParamStore group → optimiser group. */
  private readonly groupOfStoreGroup = new Map<string, Group>();
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly store: ParamStore,
    private readonly options: OptimizerOptions,
  ) {
    if (options.globalClipNorm !== undefined) checkNumber(options.globalClipNorm, 'gradient clipping norm', 1e-12);
    this.groups = options.groups.map((g) => {
      checkNumber(g.lr, `learning rate of group "${g.id}"`, 0);
      checkNumber(g.weightDecay ?? 0, `weight decay of group "${g.id}"`, 0);
      const group = { id: g.id, lr: g.lr, weightDecay: g.weightDecay ?? 0, update: createUpdate(g.type, g.options) };
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
   * without a gradient this step (a head whose task was skipped) are left alone, state included;
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
      names.forEach((name, i) => {
        const { update, lr, weightDecay } = groups[i];
        slots[i].step += 1;
        update.apply(this.store.get(name), g[name], slots[i], lr, weightDecay);
      });
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

  private slot(name: string, group: Group): Slot {
    let s = this.slots.get(name);
    if (!s) {
      const shape = this.store.spec(name).shape;
      s = { step: 0, m: slotVariable(shape), v: slotVariable(shape, undefined, group.update.initialV) };
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
