// NASNetMobile and NASNetLarge: the builders agree with the catalog and Keras's figures. A NASNet
// cell reads the two cells before it, so only the stem and the last block are single-tensor cut
// points; every other block boundary is crossed by exactly two tensors, the block's own output
// and an earlier block's (the previous one, or for NASNetLarge's reduction cells the one before
// that), which the test checks precisely.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { findModel, modelLayers } from '../src/catalog/index';
import { build, countParams, isCutPoint } from './backboneChecks';

/** The layer named `name` and every layer its output depends on. */
function upstream(model: tf.LayersModel, name: string): Set<tf.layers.Layer> {
  const seen = new Set<tf.layers.Layer>();
  const pending = [model.getLayer(name)];
  while (pending.length > 0) {
    const layer = pending.pop()!;
    if (seen.has(layer)) continue;
    seen.add(layer);
    for (const node of layer.inboundNodes) pending.push(...node.inboundLayers);
  }
  return seen;
}

/**
 * The layers upstream of `name` (inclusive) whose outputs the rest of the network reads: what
 * crosses the boundary between "the block and everything before it" and the layers after.
 */
function boundaryTensors(model: tf.LayersModel, name: string): string[] {
  const before = upstream(model, name);
  const crossing = new Set<string>();
  for (const layer of model.layers.filter((l) => !before.has(l))) {
    for (const node of layer.inboundNodes) {
      for (const from of node.inboundLayers) if (before.has(from)) crossing.add(from.name);
    }
  }
  return [...crossing].sort();
}

describe('nasnet catalog', () => {
  it("gives Keras's figures, default sizes, minimum 32 and the notop files", () => {
    const mobile = findModel('NASNetMobile')!;
    const large = findModel('NASNetLarge')!;
    expect(mobile.params).toEqual({ total: 4_269_716, trainable: 4_232_978 });
    expect(large.params).toEqual({ total: 84_916_818, trainable: 84_720_150 });
    expect([mobile.inputSize, large.inputSize, mobile.minInputSize, large.minInputSize]).toEqual([224, 331, 32, 32]);
    expect(mobile.preprocess).toBe('tf');
    expect(mobile.weightsFor({})).toEqual({
      url: 'https://storage.googleapis.com/tensorflow/keras-applications/nasnet/NASNet-mobile-no-top.h5',
      hash: '1ed92395b5b598bdda52abe5c0dbfd63',
      hashAlgorithm: 'md5',
      fileName: 'nasnet_mobile_no_top.h5',
    });
    expect(large.weightsFor({})?.hash).toBe('d81d89dc07e6e56530c4e77faddd61b5');
  });

  it('has one block per cell: 17 for NASNetMobile, 23 for NASNetLarge', () => {
    const mobile = findModel('NASNetMobile')!.blocks.map((b) => b.layer);
    expect(mobile).toHaveLength(17);
    expect(mobile.slice(0, 4)).toEqual(['stem_bn1', 'reduction_concat_stem_1', 'reduction_concat_stem_2', 'normal_concat_0']);
    expect(mobile[7]).toBe('reduction_concat_reduce_4');
    expect(mobile.slice(-2)).toEqual(['normal_concat_11', 'activation_187']);
    expect(findModel('NASNetLarge')!.blocks).toHaveLength(23);
  });

  it("lists Keras's 769 and 1039 layers", () => {
    expect(modelLayers('NASNetMobile')).toHaveLength(769);
    expect(modelLayers('NASNetLarge')).toHaveLength(1039);
  });
});

for (const name of ['NASNetMobile', 'NASNetLarge']) {
  describe(name, () => {
    const entry = findModel(name)!;
    let model: tf.LayersModel;

    beforeAll(async () => {
      await tf.setBackend('cpu');
      model = build(entry, entry.inputSize);
      return () => model.dispose();
    });

    it("matches Keras's parameter counts and the committed layer list", () => {
      expect(model.countParams()).toBe(entry.params.total);
      expect(countParams(model.trainableWeights)).toBe(entry.params.trainable);
      expect(model.layers.map((layer) => layer.name)).toEqual(modelLayers(name));
      expect(model.getLayer(entry.firstConv).getWeights()[0].shape).toEqual([3, 3, 3, entry.name === 'NASNetMobile' ? 32 : 96]);
    });

    it('ends every block at a 4-D single-output layer, the stem and the last block at true cut points', () => {
      // Elsewhere exactly two tensors cross: the block's output and an earlier block's.
      const blocks = entry.blocks;
      for (const block of blocks) {
        const shape = model.getLayer(block.layer).outputShape as number[];
        expect(shape, block.name).toHaveLength(4);
        expect(shape.slice(1).every((d) => d > 0), block.name).toBe(true);
      }
      expect(isCutPoint(model, blocks[0].layer)).toBe(true);
      expect(isCutPoint(model, blocks[blocks.length - 1].layer)).toBe(true);
      for (let k = 1; k < blocks.length - 1; k++) {
        expect(isCutPoint(model, blocks[k].layer), blocks[k].name).toBe(false);
        // NASNetLarge (skip_reduction) hands the cell before a reduction cell past it instead.
        const skipped = name === 'NASNetLarge' && blocks[k].layer.startsWith('reduction_concat_reduce');
        const earlier = blocks[skipped ? k - 2 : k - 1].layer;
        expect(boundaryTensors(model, blocks[k].layer), blocks[k].name).toEqual([earlier, blocks[k].layer].sort());
      }
    });

    it('builds at the minimum input size (32) and in grayscale', () => {
      const small = build(entry, 32, 1);
      expect(small.outputs[0].shape).toEqual([null, 1, 1, entry.name === 'NASNetMobile' ? 1056 : 4032]);
      expect(small.getLayer('stem_conv1').getWeights()[0].shape[2]).toBe(1);
      small.dispose();
    });
  });
}
