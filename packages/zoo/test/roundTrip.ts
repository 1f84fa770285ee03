// Saving a model to memory and loading it back through tfjs's serialization registry: how the
// custom-layer tests check that a layer keeps its class and config across a save.
import * as tf from '@tensorflow/tfjs';

export async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(saved!));
}
