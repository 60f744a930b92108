/** A dense layer (x·W + b) whose parameters live in the ParamStore, with optional LoRA adapters. */
import type { DenseParams, Ops } from '../ops/ops';
import type { Init, ParamStore } from '../params';

export interface DenseOptions {
  bias?: boolean;
  init?: Init;
  group: string;
}

export class Dense {
  readonly kernelName: string;
  readonly biasName?: string;
  private lora?: { a: string; b: string; scale: number };

  constructor(
    private readonly store: ParamStore,
    readonly name: string,
    readonly inDim: number,
    readonly outDim: number,
    opts: DenseOptions,
  ) {
    this.kernelName = `${name}.kernel`;
    store.create(this.kernelName, [inDim, outDim], opts.init ?? 'glorot', opts.group);
    if (opts.bias ?? true) {
      this.biasName = `${name}.bias`;
      store.create(this.biasName, [outDim], 'zeros', opts.group);
    }
    store.registerLoraTarget(this);
  }

  /**
   * Adds LoRA adapters (Hu et al. 2021): y = x·W + (α/r)·(x·A)·B with A ~ N(0, 1/r) and B = 0, so
   * the adapted layer starts out exactly equal to the base layer. The adapters get their own group.
   */
  addLora(rank: number, alpha: number, group: string): void {
    if (this.lora) return;
    const a = `${this.name}.lora_a`;
    const b = `${this.name}.lora_b`;
    this.store.create(a, [this.inDim, rank], { normal: 1 / rank }, group);
    this.store.create(b, [rank, this.outDim], 'zeros', group);
    this.lora = { a, b, scale: alpha / rank };
  }

  get loraInfo(): { a: string; b: string; scale: number } | undefined {
    return this.lora;
  }

  params<T>(ops: Ops<T>): DenseParams<T> {
    return {
      kernel: ops.param(this.kernelName),
      bias: this.biasName ? ops.param(this.biasName) : undefined,
      lora: this.lora ? { a: ops.param(this.lora.a), b: ops.param(this.lora.b), scale: this.lora.scale } : undefined,
    };
  }

  apply<T>(ops: Ops<T>, x: T): T {
    return ops.dense(x, this.params(ops));
  }
}
