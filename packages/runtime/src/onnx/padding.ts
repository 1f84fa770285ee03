// TensorFlow's padding arithmetic for convolutions and pooling, made explicit for ONNX. TF's
// 'same' padding puts the odd pixel at the end (bottom/right), which for stride 2 is asymmetric;
// ONNX gets the exact pads computed from the static input size.
import { pair } from './converter';

/** [before, after] padding TF uses for 'same' along one spatial axis. */
export function samePads(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const effective = (kernel - 1) * dilation + 1;
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** ONNX `pads` ([top, left, bottom, right]) for a 2-D window over an NHWC input shape. */
export function windowPads(
  padding: unknown,
  inputShape: (number | null)[],
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number] = [1, 1],
): number[] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding !== 'same') throw new Error(`padding '${String(padding)}' is not supported`);
  const [height, width] = [inputShape[1], inputShape[2]];
  if (height === null || width === null) throw new Error("'same' padding needs a known input size");
  const [top, bottom] = samePads(height, kernel[0], strides[0], dilations[0]);
  const [left, right] = samePads(width, kernel[1], strides[1], dilations[1]);
  return [top, left, bottom, right];
}

/** Kernel, strides and dilations of a convolution layer's config as pairs. */
export function convGeometry(config: Record<string, unknown>) {
  return {
    kernel: pair(config.kernelSize),
    strides: pair(config.strides ?? 1),
    dilations: pair(config.dilationRate ?? 1),
  };
}
