// Every default the compiler applies is visible in the plan.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { specDataPlan } from '@tlc/plan';
import { compile } from '../../src/index';
import { planOf } from './helpers';

const ONE_LINER = 'use ResNet50V2 weights imagenet freeze until block4; head dense 256 -> 2; preprocess native';

describe('defaults', () => {
  it('the one-liner is a model spec with every training default filled in', () => {
    const plan = planOf(ONE_LINER, '/somewhere/cats.tl');
    expect(plan.name).toBe('cats');
    expect(plan.source).toEqual({ file: 'cats.tl', sha256: createHash('sha256').update(ONE_LINER).digest('hex') });
    expect(plan.model.inputShape).toEqual([224, 224, 3]);
    expect(plan.data).toBeNull();
    expect(plan.evaluate).toBeNull();
    expect(plan.export).toBeNull();
    expect(plan.predict).toBeNull();
    expect(plan.stages).toHaveLength(1);
    const [train] = plan.stages;
    expect(train.name).toBe('train');
    expect(train.epochs).toBe(10);
    expect(train.batchSize).toBe(32);
    expect(train.optimizer).toEqual({ name: 'adam', learningRate: 1e-3, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null });
    expect(train.loss).toBe('categorical_crossentropy');
    expect(train.metrics).toEqual(['accuracy']);
    expect(train.earlyStopping).toBeNull();
    expect(train.classWeights).toEqual({ mode: 'none' });
    expect(train.batchNormInference).toBe(true);
    expect(train.checkpoint).toEqual({ monitor: 'val_loss', mode: 'min' });
  });

  it('a data statement gets the data defaults, the same a model spec gets from --data', () => {
    const plan = planOf('data "images"\nuse VGG16\nhead dense 3');
    expect(plan.data).toEqual({
      directory: 'images',
      imageSize: [224, 224],
      colorMode: 'rgb',
      resize: 'stretch',
      validation: { mode: 'split', fraction: 0.2, seed: 42 },
      batchSize: 32,
      shuffle: true,
      seed: 42,
      onBadImage: 'fail',
      maxPixels: 178_956_970,
      augment: null,
      labels: null,
    });
    expect(specDataPlan(planOf('use VGG16\nhead dense 3'), 'images')).toEqual(plan.data);
  });

  it('use without weights or freeze means ImageNet weights and a frozen backbone', () => {
    const plan = planOf('use VGG16; head dense 3');
    expect(plan.model.weights.source).toBe('imagenet');
    expect(plan.model.freeze.mode).toBe('all');
    expect(plan.model.freeze.layers).toHaveLength(19);
    expect(plan.preprocess.requested).toBe('native');
  });

  it('random weights without freeze train everything, with BatchNormalization in training mode', () => {
    const plan = planOf('use VGG16 weights none; head dense 3');
    expect(plan.model.freeze).toEqual({ mode: 'none', until: null, layers: [] });
    expect(plan.stages[0].frozenLayers).toEqual([]);
    expect(plan.stages[0].batchNormInference).toBe(false);
  });

  it('the pipeline statement names the plan; without a file the name is `pipeline` and there is no source', () => {
    expect(planOf('pipeline "cats-vs-dogs"\nuse VGG16\nhead dense 2').name).toBe('cats-vs-dogs');
    const { plan } = compile('use VGG16\nhead dense 2');
    expect(plan?.name).toBe('pipeline');
    expect(plan?.source).toBeNull();
  });

  it('keeps warnings and infos as notes', () => {
    const plan = planOf('data "d"\naugment { flip horizontal }\nuse VGG16 freeze all\npreprocess rescale 1/255\nhead dense 2');
    expect(plan.notes.map((n) => `${n.code} ${n.severity}`)).toEqual(['TL2013 info', 'TL2006 warning']);
  });
});
