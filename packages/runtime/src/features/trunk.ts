// The frozen trunk, run forward only: preprocessing then trunk.predict inside tf.tidy, so no
// gradient tape and no intermediate tensors outlive a batch. Counts the images it has seen,
// which is how the run (and its tests) know the feature cache did its job.
import * as tf from '@tensorflow/tfjs';
import type { PreprocessPlan } from '@tlc/plan';
import { preprocess } from '../model/preprocess';

export class TrunkRunner {
  /** Images that went through the trunk so far. */
  imagesSeen = 0;

  constructor(
    /** null: nothing frozen; the tail takes preprocessed pixels. */
    readonly trunk: tf.LayersModel | null,
    readonly preprocessing: PreprocessPlan,
  ) {}

  /** Tail inputs for a batch of raw 0..255 NHWC pixels (the caller keeps ownership of pixels). */
  run(pixels: tf.Tensor4D): tf.Tensor {
    const trunk = this.trunk;
    if (trunk) this.imagesSeen += pixels.shape[0];
    return tf.tidy(() => {
      const x = preprocess(pixels, this.preprocessing);
      return trunk ? (trunk.predict(x) as tf.Tensor) : x;
    });
  }
}
