import type * as tf from '@tensorflow/tfjs';

export interface BuildOptions {
  /** [height, width, channels]; channels is 3 (rgb) or 1 (grayscale). */
  inputShape: [number, number, number];
  /** MobileNet width multiplier. */
  alpha?: number;
  /**
   * 'random' (default): Keras's initializers. 'zeros': every weight zero-filled, which is much
   * faster for counting parameters or loading weights right after.
   */
  init?: 'random' | 'zeros';
}

/** Builds the backbone without its classifier top (Keras include_top=False, pooling=None). */
export type BackboneBuilder = (options: BuildOptions) => tf.LayersModel;
