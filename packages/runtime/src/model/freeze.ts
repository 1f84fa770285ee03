// Keras-like freezing for a stage: frozen layers get no updates, and BatchNormalization layers
// that are frozen (or, with batchNormInference, every backbone BatchNormalization) always run in
// inference mode, so their moving mean and variance never change. tfjs-layers updates BN moving
// statistics whenever it is called with training=true, whatever `trainable` says, so the layer's
// call is wrapped to force training=false.
import type * as tf from '@tensorflow/tfjs';

type Call = tf.layers.Layer['call'];
const originalCalls = new WeakMap<tf.layers.Layer, Call>();

function isBatchNorm(layer: tf.layers.Layer): boolean {
  return layer.getClassName() === 'BatchNormalization';
}

/** Makes a layer always run as in inference (on) or restores its own behaviour (off). */
export function setInferenceMode(layer: tf.layers.Layer, on: boolean): void {
  const original = originalCalls.get(layer);
  if (on && !original) {
    const call = layer.call.bind(layer);
    originalCalls.set(layer, call);
    layer.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
  } else if (!on && original) {
    layer.call = original;
    originalCalls.delete(layer);
  }
}

export function isInferenceMode(layer: tf.layers.Layer): boolean {
  return originalCalls.has(layer);
}

export interface FreezeSpec {
  /** Backbone layers frozen in this stage, by Keras name. */
  frozen: ReadonlySet<string>;
  /** The backbone's layer names (the head's are the rest). */
  backbone: ReadonlySet<string>;
  /** Every backbone BatchNormalization runs in inference mode, frozen or not. */
  batchNormInference: boolean;
}

/** Sets every layer's trainable flag and BN mode in `model` for a stage. */
export function applyFreeze(model: tf.LayersModel, spec: FreezeSpec): void {
  for (const layer of model.layers) {
    const frozen = spec.frozen.has(layer.name);
    layer.trainable = !frozen;
    if (isBatchNorm(layer)) {
      setInferenceMode(layer, frozen || (spec.batchNormInference && spec.backbone.has(layer.name)));
    }
  }
}
