// tfjs-layers exports factories (tf.layers.dense, …), not its layer classes; its serialization
// map holds them. The zoo's layers that extend one of tfjs's (and then register under the same
// class name) read it here, when their module loads, before they replace it in the map.
import * as tf from '@tensorflow/tfjs';

/** tfjs's own class registered as `className`, constructed with `Args` and making a `Layer`. */
export function tfjsLayerClass<Args, Layer extends tf.layers.Layer>(
  className: string,
): (new (args: Args) => Layer) & { fromConfig: typeof tf.layers.Layer.fromConfig } {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new Error(`tfjs-layers has no layer class registered as ${className}`);
  return entry[0] as unknown as (new (args: Args) => Layer) & { fromConfig: typeof tf.layers.Layer.fromConfig };
}
