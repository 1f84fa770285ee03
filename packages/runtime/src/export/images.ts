// The images a `predict` or `embed` call names: files as given, folders walked recursively
// (image files only, sorted), each decoded at the model's input size into one NHWC batch.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BadImageError, decodeImage } from '../data/decode';
import { listImageFiles } from '../data/walk';
import { RunError, runtimeMessages } from '../messages';

export interface ImageShape {
  height: number;
  width: number;
  colorMode: 'rgb' | 'grayscale';
  /** The plan's `resize` (absent: stretch). */
  resize?: 'stretch' | 'crop' | 'pad';
}

/**
 * Expands folders into their image files; a missing path is a clear error. `named`, when given,
 * receives the files named directly (not found in a folder): `predict --on-bad-image skip` never
 * skips those.
 */
export async function listInputImages(paths: string[], named?: Set<string>): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const full = resolve(path);
    const info = await stat(full).catch(() => null);
    if (!info) throw new RunError(runtimeMessages.noSuchPath(path));
    // Not push(...list): a folder of a few hundred thousand images overflows the call stack.
    if (info.isDirectory()) for (const f of await listImageFiles(full)) files.push(f.file);
    else {
      files.push(full);
      named?.add(full);
    }
  }
  if (files.length === 0) throw new RunError(runtimeMessages.noImageFiles(paths));
  return files;
}

/**
 * Decodes files into one raw 0..255 NHWC batch. The files decode concurrently (sharp's thread
 * pool); a bad file is reported as before, the first in the given order.
 */
export async function decodeBatch(files: string[], shape: ImageShape): Promise<tf.Tensor4D> {
  return (await decodeBatchSkipping(files, shape, () => false)).pixels!;
}

/** A file `predict --on-bad-image skip` left out, and why. */
export interface SkippedImage {
  file: string;
  reason: string;
}

/**
 * decodeBatch that leaves out each bad image `canSkip` allows (reporting it in `skipped`) and
 * throws TL4108 for the first other one (with `failHelp`'s advice for it, if any). `pixels` holds
 * the `kept` files, in order; null when none is left.
 */
export async function decodeBatchSkipping(files: string[], shape: ImageShape, canSkip: (file: string) => boolean, failHelp?: (file: string) => string | undefined): Promise<{ pixels: tf.Tensor4D | null; kept: string[]; skipped: SkippedImage[] }> {
  const channels = shape.colorMode === 'rgb' ? 3 : 1;
  const size = shape.height * shape.width * channels;
  const decoded = await Promise.allSettled(files.map((file) => decodeImage(file, { ...shape, maxPixels: 178_956_970 })));
  const kept: string[] = [];
  const skipped: SkippedImage[] = [];
  const good: ArrayLike<number>[] = [];
  for (const [i, result] of decoded.entries()) {
    if (result.status === 'rejected') {
      const error: unknown = result.reason;
      // A file named on the command line that is no image: the data pipeline's code for bad images.
      if (error instanceof BadImageError) {
        if (canSkip(files[i]!)) {
          skipped.push({ file: files[i]!, reason: error.reason });
          continue;
        }
        throw new RunError(runtimeMessages.notAnImage(error.file, error.reason, failHelp?.(files[i]!)));
      }
      throw error;
    }
    kept.push(files[i]!);
    good.push(result.value);
  }
  if (kept.length === 0) return { pixels: null, kept, skipped };
  const buffer = new Float32Array(kept.length * size);
  good.forEach((pixels, i) => buffer.set(pixels, i * size));
  return { pixels: tf.tensor4d(buffer, [kept.length, shape.height, shape.width, channels]), kept, skipped };
}
