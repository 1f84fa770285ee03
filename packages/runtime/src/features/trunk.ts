// The frozen trunk, run forward only: preprocessing then the trunk, either trunk.predict inside
// tf.tidy (no gradient tape, no intermediate tensors outlive a batch) or, when the run put it
// there, the same trunk's exported graph on onnxruntime (raw pixels in when the graph does the
// preprocessing, else preprocessed on tfjs first; the features come back as a tfjs tensor). Counts the images it has seen, which is how the run (and
// its tests) know the feature cache did its job.
import * as tf from '@tensorflow/tfjs';
import type { PreprocessPlan } from '@tlc/plan';
import { prefetchForSyncReads } from '../backend/sync-reads';
import { preprocess } from '../model/preprocess';
import type { OnnxTrunk } from '../onnx/session';

export class TrunkRunner {
  /** Images that went through the trunk so far. */
  imagesSeen = 0;

  constructor(
    /** null: nothing frozen; the tail takes preprocessed pixels. */
    readonly trunk: tf.LayersModel | null,
    readonly preprocessing: PreprocessPlan,
    /** The trunk on onnxruntime, used instead of trunk.predict when given. */
    readonly onnx: OnnxTrunk | null = null,
  ) {}

  /**
   * Tail inputs for a batch of raw 0..255 NHWC pixels (the caller keeps ownership of pixels);
   * `values`, the same pixels as a flat array when the caller has them, spare the ONNX trunk a
   * copy out of the backend.
   */
  async run(pixels: tf.Tensor4D, values?: Float32Array): Promise<tf.Tensor> {
    const trunk = this.trunk;
    if (trunk) this.imagesSeen += pixels.shape[0];
    if (trunk && this.onnx) {
      const batch = pixels.shape[0];
      const features = await this.onnx.run(values && this.onnx.preprocesses ? values : await this.onnxInput(pixels), batch);
      return tf.tensor(features, [batch, ...this.onnx.outputShape]);
    }
    return tf.tidy(() => {
      const x = preprocess(pixels, this.preprocessing);
      return trunk ? (trunk.predict(x) as tf.Tensor) : x;
    });
  }

  /** The ONNX trunk's input read from the pixel tensor: raw, or preprocessed on tfjs first. */
  private async onnxInput(pixels: tf.Tensor4D): Promise<Float32Array> {
    const input = this.onnx?.preprocesses ? pixels : tf.tidy(() => preprocess(pixels, this.preprocessing));
    // dataSync: one copy out of the backend; the async read costs more per batch on wasm.
    await prefetchForSyncReads([input]);
    const data = input.dataSync();
    if (input !== pixels) input.dispose();
    return data instanceof Float32Array ? data : Float32Array.from(data);
  }

  /** Releases the onnxruntime session, if any. */
  async dispose(): Promise<void> {
    await this.onnx?.dispose();
  }
}
