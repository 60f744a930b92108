/**
 * Accumulates an ONNX graph (nodes, initializers, inputs, outputs) under unique value names and
 * serialises it as a ModelProto at opset 17, IR version 8.
 */
import { createHash } from 'node:crypto';
import onnxProto from 'onnx-proto';

// onnx-proto is CommonJS without detectable named exports: only its default import works in Node's ESM.
const { onnx } = onnxProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;
type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;

export const OPSET = 17;
/** IR 8 is the newest that onnx 1.12 (opset ≤ 17) validates. */
export const IR_VERSION = 8;

/** A dimension: a size, a symbolic name shared by inputs and outputs ('batch'), or unknown (null). */
export type Dim = number | string | null;

export type ElementType = 'float' | 'int64';

/** A node attribute, typed the way ONNX stores it. */
export type Attr = { i: number } | { f: number } | { ints: readonly number[] } | { s: string };

/** What a serialised model says about itself besides the graph. */
export interface ModelInfo {
  producerVersion: string;
  docString?: string;
  /** Written as `metadata_props`, in insertion order. */
  metadata: Record<string, string>;
}

const DATA_TYPE: Record<ElementType, number> = { float: onnx.TensorProto.DataType.FLOAT, int64: onnx.TensorProto.DataType.INT64 };

function rawBytes(values: Float32Array | BigInt64Array): Uint8Array {
  // Copied: the caller's array may be a view onto a larger buffer (or a tfjs backend's memory).
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

function tensorType(type: ElementType, dims: readonly Dim[]): onnxProto.onnx.ITypeProto {
  return {
    tensorType: {
      elemType: DATA_TYPE[type],
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})) },
    },
  };
}

function attribute(name: string, value: Attr): AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('i' in value) return { name, type: T.INT, i: value.i };
  if ('f' in value) return { name, type: T.FLOAT, f: value.f };
  if ('ints' in value) return { name, type: T.INTS, ints: [...value.ints] };
  return { name, type: T.STRING, s: new TextEncoder().encode(value.s) };
}

export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  /** Initializers declared but not yet read by a node: only the ones some node uses are written. */
  private readonly deferred = new Map<string, TensorProto>();
  /** Constant initializers by content, so repeated scalars and axes are stored once. */
  private readonly constants = new Map<string, string>();
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly taken = new Set<string>();
  /** Names kept for graph inputs and outputs declared later. */
  private readonly reserved = new Set<string>();

  /** Keeps `name` for a graph input or output declared later, so that no intermediate value takes it. */
  reserve(name: string): void {
    this.claim(name);
    this.reserved.add(name);
  }

  /** Declares a graph input under exactly `name`. */
  input(name: string, dims: readonly Dim[], type: ElementType = 'float'): string {
    if (!this.reserved.delete(name)) this.claim(name);
    this.inputs.push({ name, type: tensorType(type, dims) });
    return name;
  }

  /** Declares a graph output `name` holding the value `source` (renamed through Identity). */
  output(name: string, source: string, dims: readonly Dim[], type: ElementType = 'float'): void {
    if (!this.reserved.delete(name)) this.claim(name);
    this.use(source);
    this.nodes.push({ opType: 'Identity', name: `Identity_${this.nodes.length}`, input: [source], output: [name], domain: '' });
    this.outputs.push({ name, type: tensorType(type, dims) });
  }

  /**
   * A float initializer named after `hint`. `deferred` ones (model parameters) are only written once a
   * node reads them, so a kernel replaced by its LoRA-merged copy leaves no unused weights behind.
   */
  initializer(hint: string, values: Float32Array, dims: readonly number[], opts: { deferred?: boolean } = {}): string {
    const name = this.fresh(hint);
    const tensor: TensorProto = { name, dims: [...dims], dataType: DATA_TYPE.float, rawData: rawBytes(values) };
    if (opts.deferred) this.deferred.set(name, tensor);
    else this.initializers.push(tensor);
    return name;
  }

  /** A constant initializer, shared by every request for the same type, shape and values. */
  constant(values: ArrayLike<number>, dims: readonly number[], type: ElementType = 'float'): string {
    const data = type === 'float' ? Float32Array.from(values) : BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
    const bytes = rawBytes(data);
    const key = `${type}:${dims.join('x')}:${createHash('sha1').update(bytes).digest('hex')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.fresh(type === 'float' ? 'const' : 'const_i64');
    this.initializers.push({ name, dims: [...dims], dataType: DATA_TYPE[type], rawData: bytes });
    this.constants.set(key, name);
    return name;
  }

  /** Appends a node of the default domain with one output; returns its name (fresh, after the operator). */
  node(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}): string {
    return this.nodeOutputs(opType, inputs, 1, attrs)[0];
  }

  /** Appends a node with `count` outputs (TopK: values and indices); returns their fresh names in order. */
  nodeOutputs(opType: string, inputs: readonly string[], count: number, attrs: Record<string, Attr> = {}): string[] {
    for (const input of inputs) this.use(input);
    const outputs = Array.from({ length: count }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({
      opType,
      name: `${opType}_${this.nodes.length}`,
      input: [...inputs],
      output: outputs,
      domain: '',
      attribute: Object.entries(attrs).map(([name, value]) => attribute(name, value)),
    });
    return outputs;
  }

  /** The serialised ModelProto. */
  serialize(info: ModelInfo): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'crucible',
      producerVersion: info.producerVersion,
      docString: info.docString,
      graph: { name: 'crucible', node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
      metadataProps: Object.entries(info.metadata).map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }

  /** A value name not used yet in this graph: `hint`, or `hint_2`, `hint_3`, … */
  private fresh(hint: string): string {
    let name = hint;
    for (let k = 2; this.taken.has(name); k++) name = `${hint}_${k}`;
    this.taken.add(name);
    return name;
  }

  private claim(name: string): void {
    if (this.taken.has(name)) throw new Error(`ONNX value name ${name} is already taken`);
    this.taken.add(name);
  }

  private use(name: string): void {
    const tensor = this.deferred.get(name);
    if (!tensor) return;
    this.deferred.delete(name);
    this.initializers.push(tensor);
  }
}
