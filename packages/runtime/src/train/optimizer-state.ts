// The optimizer's state (moments, accumulators, iteration count, Adam's bias-correction powers)
// as one self-describing binary blob, so `--resume` continues with the exact moments of the
// interrupted run. Layout: 4-byte little-endian header length, a JSON header (the stage and
// epoch it belongs to, then each tensor's name, dtype and shape), then the float32 values.
import * as tf from '@tensorflow/tfjs';
import type { NamedTensor } from './optimizer';

export interface OptimizerSnapshot {
  /** The stage (index in the plan) and completed epoch this state follows. */
  stage: number;
  epoch: number;
  tensors: NamedTensor[];
}

interface Header {
  stage: number;
  epoch: number;
  tensors: { name: string; shape: number[] }[];
}

export function encodeOptimizerState(snapshot: OptimizerSnapshot): Uint8Array {
  const values = snapshot.tensors.map((t) => t.tensor.dataSync() as Float32Array);
  const header: Header = {
    stage: snapshot.stage, epoch: snapshot.epoch,
    tensors: snapshot.tensors.map((t) => ({ name: t.name, shape: t.tensor.shape })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Values start on a 4-byte boundary so they can be read as a Float32Array view.
  const start = 4 + Math.ceil(json.length / 4) * 4;
  const total = start + values.reduce((n, v) => n + v.length * 4, 0);
  const bytes = new Uint8Array(total);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 4);
  let offset = start;
  for (const v of values) {
    bytes.set(new Uint8Array(Float32Array.from(v).buffer), offset);
    offset += v.length * 4;
  }
  return bytes;
}

/** The blob's header and where its values start, or null when it is not a whole optimizer state. */
export function readOptimizerHeader(bytes: Uint8Array): { header: Header; start: number } | null {
  try {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const length = view.getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as Header;
    const start = 4 + Math.ceil(length / 4) * 4;
    const values = header.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    return start + values * 4 === bytes.byteLength ? { header, start } : null;
  } catch {
    return null;
  }
}

/** The blob's tensors (the caller disposes them), or null when it is not a whole optimizer state. */
export function decodeOptimizerState(bytes: Uint8Array): OptimizerSnapshot | null {
  const read = readOptimizerHeader(bytes);
  if (!read) return null;
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let offset = read.start;
  const tensors = read.header.tensors.map((t) => {
    const size = t.shape.reduce((a, b) => a * b, 1);
    const tensor = tf.tensor(new Float32Array(buffer, offset, size), t.shape, 'float32');
    offset += size * 4;
    return { name: t.name, tensor };
  });
  return { stage: read.header.stage, epoch: read.header.epoch, tensors };
}
