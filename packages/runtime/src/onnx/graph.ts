// An ONNX graph under construction and its encoding to ModelProto bytes with the onnx-proto
// package (protobufjs over the official onnx.proto). The exporter's converters add nodes and
// weight initializers here; names are made unique here, so converters name things by layer.
//
// Layout convention shared by every converter: a `Value` carries its tfjs (NHWC) shape, and every
// rank-4 value is stored NCHW in the graph (ONNX convolutions and pooling are channels-first);
// values of any other rank are stored exactly as tfjs holds them.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The opset the exporter writes (ReduceMean still takes `axes` as an attribute here). */
export const OPSET = 17;
const IR_VERSION = 8;

/** A tensor in the graph: its ONNX name and its tfjs shape (batch first, null where unknown). */
export interface Value {
  name: string;
  shape: (number | null)[];
}

export type Attribute = Omit<onnxProto.onnx.IAttributeProto, 'name'>;

export const ints = (values: number[]): Attribute => ({ type: onnx.AttributeProto.AttributeType.INTS, ints: values });
export const int = (value: number): Attribute => ({ type: onnx.AttributeProto.AttributeType.INT, i: value });
export const float = (value: number): Attribute => ({ type: onnx.AttributeProto.AttributeType.FLOAT, f: value });
export const text = (value: string): Attribute => ({
  type: onnx.AttributeProto.AttributeType.STRING,
  s: new TextEncoder().encode(value),
});

/** Where tfjs's axis `axis` of a rank-`rank` tensor lives in the graph's layout. */
export function graphAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  return rank === 4 ? [0, 2, 3, 1][a] : a;
}

/** The broadcastable shape of a per-channel constant for a value of rank `rank`. */
export function channelShape(channels: number, rank: number): number[] {
  return rank === 4 ? [1, channels, 1, 1] : [channels];
}

/** The array's bytes, as a view (the encoder copies them once, into the model's buffer). */
function bytesOf(array: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

export class OnnxGraph {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly taken = new Set<string>();

  /** A name not used yet in this graph, derived from `base`. */
  fresh(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'value';
    let name = clean;
    for (let n = 1; this.taken.has(name); n++) name = `${clean}_${n}`;
    this.taken.add(name);
    return name;
  }

  /** Adds one node with one output and returns the output's name. */
  op(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, base = opType): string {
    const output = this.fresh(base);
    this.addNode(opType, inputs, output, attributes);
    return output;
  }

  /** Adds one node writing the already reserved name `output`. */
  addNode(opType: string, inputs: string[], output: string, attributes: Record<string, Attribute> = {}): void {
    this.nodes.push({
      opType,
      name: output,
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes).map(([name, a]) => ({ name, ...a })),
    });
  }

  /** The node that writes value `name`, if a node does. */
  producer(name: string): onnxProto.onnx.INodeProto | undefined {
    return this.nodes.find((n) => n.output?.[0] === name);
  }

  /** A float32 initializer (a weight or a constant). */
  constant(base: string, data: Float32Array | number[], dims: number[]): string {
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    const count = dims.reduce((a, b) => a * b, 1);
    if (values.length !== count) throw new Error(`constant ${base}: ${values.length} values for shape [${dims}]`);
    const name = this.fresh(base);
    this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytesOf(values) });
    return name;
  }

  /** A 1-D int64 initializer (shapes, pads, slice bounds). */
  int64s(base: string, values: number[]): string {
    const name = this.fresh(base);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: bytesOf(data) });
    return name;
  }

  /** Encodes the graph as ModelProto bytes with one float32 input and one float32 output. */
  encode(input: { name: string; shape: (number | string)[] }, output: { name: string; shape: (number | string)[] }): Uint8Array {
    const valueInfo = ({ name, shape }: { name: string; shape: (number | string)[] }) => ({
      name,
      type: {
        tensorType: {
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'tlc',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: 'trunk',
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(input)],
        output: [valueInfo(output)],
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
