// What a weights file offers once opened, whatever its format (Keras .h5, tfjs model.json):
// its layers in file order, each with its weights in the layer's order, read on demand.
export interface FileWeight {
  /** The weight's name in the file, e.g. `conv1_conv/kernel:0`. */
  name: string;
  shape: number[];
  /** The values, row-major, as float32; throws a WeightsError when they cannot be read. */
  read(): Float32Array;
}

export interface FileLayer {
  /** The key that identifies the layer in the file (a layer name, or Keras 3's class key). */
  name: string;
  weights: FileWeight[];
  /**
   * False where the file's order of a layer's weights is not the layer's (a tfjs weights
   * manifest, which the converter sorts by name): only their names can order them.
   */
  weightsInLayerOrder?: boolean;
}

export interface WeightsSource {
  /**
   * How file layers are keyed: by layer name (Keras 2 .h5, tfjs), or as Keras 3 `.weights.h5`
   * does it, by the layer's class in snake case and its rank among layers of that class
   * (`conv2d`, `conv2d_1`, …).
   */
  naming: 'layer-name' | 'class-order';
  /** In the model's layer order (Keras 2 `layer_names`, a tfjs `modelTopology`). */
  layers: FileLayer[];
  /** Layers whose place in that order the file does not say (tfjs weights of no topology layer). */
  unordered?: string[];
  close(): void;
}

/** The last part of a weight's name without Keras's `:0`: `conv1/kernel:0` -> `kernel`. */
export function shortWeightName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1).replace(/:\d+$/, '');
}
