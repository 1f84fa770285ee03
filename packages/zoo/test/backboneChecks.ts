// Shared checks for a zoo backbone: the builder agrees with the catalog (parameter counts, the
// first convolution, blocks at single-tensor cut points, the committed layer list) and builds at
// the minimum input size and in grayscale. Builds use init 'zeros' on the 'cpu' backend.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { findModel, modelLayers, type ModelEntry } from '../src/catalog/index';
import { buildBackbone } from '../src/builders/index';

/** Every layer of the model, nested models' layers included (ConvNeXt's stem is a Sequential). */
export function allLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.flatMap((layer) =>
    layer instanceof tf.LayersModel ? [layer, ...allLayers(layer)] : [layer],
  );
}

export function countParams(weights: tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + tf.util.sizeFromShape(w.shape as number[]), 0);
}

/**
 * True when every path from the input to the output goes through `name`: no layer after it in
 * network order reads from a layer before it. (Nodes from outside the model, such as a nested
 * model's own input, do not count.)
 */
export function isCutPoint(model: tf.LayersModel, name: string): boolean {
  const position = new Map(model.layers.map((layer, i) => [layer, i]));
  const cut = model.layers.findIndex((layer) => layer.name === name);
  return model.layers.slice(cut + 1).every((layer) =>
    layer.inboundNodes.every((node) =>
      node.inboundLayers.every((from) => !position.has(from) || position.get(from)! >= cut),
    ),
  );
}

export function build(entry: ModelEntry, size: number, channels = 3): tf.LayersModel {
  return buildBackbone(entry.name, {
    inputShape: [size, size, channels],
    alpha: entry.alphas?.[0],
    init: 'zeros',
  });
}

export function describeBackbone(name: string): void {
  describe(name, () => {
    const entry = findModel(name)!;
    let model: tf.LayersModel;

    beforeAll(async () => {
      await tf.setBackend('cpu');
      expect(entry, `catalog entry for ${name}`).toBeDefined();
      model = build(entry, entry.inputSize);
      return () => model.dispose();
    });

    it("matches Keras's parameter counts (total and trainable)", () => {
      expect(model.countParams()).toBe(entry.params.total);
      expect(countParams(model.trainableWeights)).toBe(entry.params.trainable);
    });

    it('has the committed layer list, in order', () => {
      expect(model.layers.map((layer) => layer.name)).toEqual(modelLayers(name));
    });

    it('has its first convolution, taking 3 channels', () => {
      const conv = allLayers(model).find((layer) => layer.name === entry.firstConv);
      expect(conv, entry.firstConv).toBeDefined();
      expect(conv!.getWeights()[0].shape[2]).toBe(3);
    });

    it('ends every block at a single-tensor 4-D cut point', () => {
      for (const block of entry.blocks) {
        const layer = model.getLayer(block.layer);
        const shape = layer.outputShape as number[];
        expect(shape, block.name).toHaveLength(4);
        expect(shape.slice(1).every((d) => typeof d === 'number' && d > 0), block.name).toBe(true);
        expect(isCutPoint(model, block.layer), `${block.name} = ${block.layer}`).toBe(true);
      }
      const order = entry.blocks.map((block) => model.layers.findIndex((l) => l.name === block.layer));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    });

    it('builds at the minimum input size and in grayscale', () => {
      const small = build(entry, entry.minInputSize);
      expect((small.outputs[0].shape as number[]).every((d, i) => i === 0 || d > 0)).toBe(true);
      small.dispose();
      const gray = build(entry, entry.minInputSize, 1);
      const conv = allLayers(gray).find((layer) => layer.name === entry.firstConv)!;
      expect(conv.getWeights()[0].shape[2]).toBe(1);
      gray.dispose();
    });
  });
}
