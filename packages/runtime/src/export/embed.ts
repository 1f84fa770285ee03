// `embed`: the feature-extractor strategy for use outside tlc — each image through the plan's
// backbone (with its weights and preprocessing, cut where the plan cuts it), globally average
// pooled into one vector, at the plan's input size (the data's image size, else the model's).
import * as tf from '@tensorflow/tfjs';
import type { Plan } from '@tlc/plan';
import { buildPlanBackbone } from '../model/assemble';
import { preprocess } from '../model/preprocess';
import { decodeBatch, listInputImages } from './images';
import { planImageShape } from './predict';

export interface Embedding {
  file: string;
  features: number[];
}

const BATCH = 16;

export async function embedFiles(plan: Plan, baseDir: string, paths: string[]): Promise<Embedding[]> {
  const files = await listInputImages(paths);
  const { backbone } = await buildPlanBackbone(plan, { baseDir });
  const features = backbone.getLayer(plan.model.outputLayer).output as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'embedding_pool' }).apply(features) as tf.SymbolicTensor;
  const extractor = tf.model({ inputs: backbone.inputs, outputs: pooled });
  const shape = planImageShape(plan);
  const results: Embedding[] = [];
  for (let start = 0; start < files.length; start += BATCH) {
    const chunk = files.slice(start, start + BATCH);
    const pixels = await decodeBatch(chunk, shape);
    const out = tf.tidy(() => extractor.predict(preprocess(pixels, plan.preprocess)) as tf.Tensor);
    const rows = (await out.array()) as number[][];
    pixels.dispose();
    out.dispose();
    rows.forEach((row, i) => results.push({ file: chunk[i], features: row }));
  }
  return results;
}
