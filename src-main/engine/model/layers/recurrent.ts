/** A stack of GRU or LSTM layers over batch-first sequences, parameters in the ONNX gate layout. */
import type { Ops, RecurrentParams } from '../ops/ops';
import type { ParamStore } from '../params';

export type CellType = 'gru' | 'lstm';

/** One recurrent layer [B, L, I] → [B, L, H]; gates in ONNX order (GRU z r h, LSTM i o f c). */
export class Recurrent {
  readonly kernelName: string;
  readonly recurrentName: string;
  readonly biasName: string;
  readonly recurrentBiasName: string;

  constructor(
    store: ParamStore,
    readonly name: string,
    inputSize: number,
    readonly hidden: number,
    readonly cell: CellType,
    group: string,
  ) {
    const width = (cell === 'gru' ? 3 : 4) * hidden;
    // PyTorch's initialisation: every weight U(±1/√H).
    const init = { uniform: 1 / Math.sqrt(hidden) };
    this.kernelName = `${name}.kernel`;
    this.recurrentName = `${name}.recurrent`;
    this.biasName = `${name}.bias`;
    this.recurrentBiasName = `${name}.recurrent_bias`;
    store.create(this.kernelName, [inputSize, width], init, group);
    store.create(this.recurrentName, [hidden, width], init, group);
    const bias = new Float32Array(width);
    // LSTM forget-gate bias 1 (Jozefowicz et al. 2015): cells remember by default early in training.
    if (cell === 'lstm') bias.fill(1, 2 * hidden, 3 * hidden);
    store.create(this.biasName, [width], { values: bias }, group);
    store.create(this.recurrentBiasName, [width], 'zeros', group);
  }

  params<T>(ops: Ops<T>): RecurrentParams<T> {
    return {
      kernel: ops.param(this.kernelName),
      recurrent: ops.param(this.recurrentName),
      bias: ops.param(this.biasName),
      recurrentBias: ops.param(this.recurrentBiasName),
    };
  }

  apply<T>(ops: Ops<T>, x: T): T {
    return ops.recurrent(x, this.params(ops), this.cell, this.hidden);
  }
}

/** Stacked recurrent layers with dropout between them (as PyTorch's `nn.GRU(num_layers, dropout)`). */
export class RecurrentStack {
  readonly layers: Recurrent[] = [];

  constructor(
    store: ParamStore,
    name: string,
    inputSize: number,
    hidden: number,
    cell: CellType,
    numLayers: number,
    readonly dropout: number,
    group: string,
  ) {
    for (let i = 0; i < numLayers; i++) this.layers.push(new Recurrent(store, `${name}.${i}`, i === 0 ? inputSize : hidden, hidden, cell, group));
  }

  apply<T>(ops: Ops<T>, x: T): T {
    let y = x;
    this.layers.forEach((layer, i) => {
      y = layer.apply(ops, i === 0 ? y : ops.dropout(y, this.dropout));
    });
    return y;
  }
}
