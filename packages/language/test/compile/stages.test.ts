// Training stages: Keras's optimizer defaults, and what `fine tune` inherits from `train`.
import { describe, expect, it } from 'vitest';
import { errorCodesOf, planOf } from './helpers';

const stagesOf = (stages: string, data = '', head = 'head dense 2') => planOf(`${data}\nuse VGG16 freeze all\n${head}\n${stages}`).stages;

describe('stage 1', () => {
  it('each optimizer gets Keras\'s defaults', () => {
    expect(stagesOf('train { optimizer sgd }')[0].optimizer).toEqual({ name: 'sgd', learningRate: 0.01, momentum: 0, beta1: null, beta2: null, epsilon: null, weightDecay: null });
    expect(stagesOf('train { optimizer rmsprop }')[0].optimizer).toEqual({ name: 'rmsprop', learningRate: 1e-3, momentum: 0, beta1: null, beta2: null, epsilon: 1e-7, weightDecay: null });
    expect(stagesOf('train { optimizer adamw }')[0].optimizer).toEqual({ name: 'adamw', learningRate: 1e-3, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004 });
  });

  it('takes what the source gives', () => {
    const [train] = stagesOf('train { epochs 3; batch 8; optimizer sgd lr 0.05 momentum 0.9; loss sparse_categorical_crossentropy }');
    expect(train).toMatchObject({ epochs: 3, batchSize: 8, loss: 'sparse_categorical_crossentropy' });
    expect(train.optimizer).toMatchObject({ name: 'sgd', learningRate: 0.05, momentum: 0.9 });
    expect(stagesOf('train { optimizer adam; lr 3e-4 }')[0].optimizer.learningRate).toBe(3e-4);
  });

  it('the batch size comes from data unless the stage overrides it', () => {
    expect(stagesOf('train { }', 'data "d" { batch 12 }')[0].batchSize).toBe(12);
    expect(stagesOf('train { batch 4 }', 'data "d" { batch 12 }')[0].batchSize).toBe(4);
  });

  it('`batch auto` stays explicit in the plan: the data\'s, inherited by the stages, or a stage\'s own', () => {
    const plan = planOf('data "d" { batch auto }\nuse VGG16 freeze all\nhead dense 2\ntrain { }\nfine tune { batch 8 }');
    expect(plan.data?.batchSize).toBe('auto');
    expect(plan.stages.map((s) => s.batchSize)).toEqual(['auto', 8]);
    expect(stagesOf('train { batch auto }', 'data "d" { batch 12 }')[0].batchSize).toBe('auto');
    expect(errorCodesOf('data "d" { batch fast }\nuse VGG16 freeze all\nhead dense 2').length).toBeGreaterThan(0);
  });

  it('early stopping: patience 3 on val_loss by default, best weights restored; the checkpoint watches the same', () => {
    const [train] = stagesOf('train { early stop }');
    expect(train.earlyStopping).toEqual({ monitor: 'val_loss', patience: 3, minDelta: 0, restoreBest: true });
    expect(train.checkpoint).toEqual({ monitor: 'val_loss', mode: 'min' });
    const [byAccuracy] = stagesOf('train { early stop patience 5 on val_accuracy }');
    expect(byAccuracy.earlyStopping).toMatchObject({ monitor: 'val_accuracy', patience: 5 });
    expect(byAccuracy.checkpoint).toEqual({ monitor: 'val_accuracy', mode: 'max' });
  });


  it('label smoothing: 0 unless given; fine tune inherits it or sets its own', () => {
    expect(stagesOf('train { }')[0].labelSmoothing).toBe(0);
    const [train, fine] = stagesOf('train { label smoothing 0.1 }\nfine tune { }');
    expect(train.labelSmoothing).toBe(0.1);
    expect(fine.labelSmoothing).toBe(0.1);
    expect(stagesOf('train { label smoothing 0.1 }\nfine tune { label smoothing 0 }')[1].labelSmoothing).toBe(0);
  });

  it('class weights: balanced or per class', () => {
    expect(stagesOf('train { class weights balanced }')[0].classWeights).toEqual({ mode: 'balanced' });
    expect(stagesOf('train { class weights { cat 1; "hot dog" 2.5 } }')[0].classWeights).toEqual({ mode: 'manual', weights: { cat: 1, 'hot dog': 2.5 } });
  });

  it('the loss follows the head: sigmoid output -> binary crossentropy', () => {
    expect(stagesOf('', '', 'head dense 1')[0].loss).toBe('binary_crossentropy');
    expect(stagesOf('', '', 'head dense 3')[0].loss).toBe('categorical_crossentropy');
  });

  it('a pipeline without train still trains once with the defaults', () => {
    const stages = stagesOf('');
    expect(stages).toHaveLength(1);
    expect(stages[0]).toMatchObject({ name: 'train', epochs: 10 });
  });
});

describe('fine tune', () => {
  it('inherits stage 1 and divides its learning rate by 100', () => {
    const [train, fine] = stagesOf('train { epochs 7; optimizer sgd lr 0.1 momentum 0.8; early stop patience 2; class weights balanced }\nfine tune { unfreeze all }');
    expect(fine).toMatchObject({ name: 'fine-tune', epochs: 7, batchSize: train.batchSize, loss: train.loss, classWeights: { mode: 'balanced' } });
    expect(fine.optimizer).toEqual({ ...train.optimizer, learningRate: 0.001 });
    expect(fine.earlyStopping).toEqual(train.earlyStopping);
  });

  it('its own settings win; a new optimizer starts from its defaults but keeps the inherited rate', () => {
    const [, fine] = stagesOf('train { optimizer adam lr 1e-3 }\nfine tune { epochs 4; optimizer sgd }');
    expect(fine.epochs).toBe(4);
    expect(fine.optimizer).toEqual({ name: 'sgd', learningRate: 1e-5, momentum: 0, beta1: null, beta2: null, epsilon: null, weightDecay: null });
    const [, explicit] = stagesOf('train { }\nfine tune { optimizer adam lr 2e-5 }');
    expect(explicit.optimizer.learningRate).toBe(2e-5);
  });
});

describe('`fine tune` without `train`', () => {
  it('trains stage 1 with every default first, as fastai\'s fine_tune trains the head before unfreezing', () => {
    const [train, fineTune] = stagesOf('fine tune { epochs 2 }');
    expect(train).toEqual(stagesOf('')[0]);
    expect(train).toMatchObject({ name: 'train', epochs: 10, optimizer: { name: 'adam', learningRate: 1e-3 } });
    expect(fineTune).toMatchObject({ name: 'fine-tune', epochs: 2, optimizer: { name: 'adam', learningRate: 1e-5 } });
  });
});

describe('several fine tune stages (gradual unfreezing)', () => {
  const layers = (n: number) => planOf('use VGG16 freeze all\nhead dense 2').model.freeze.layers.slice(0, n);

  it('each starts from the stage before it: its frozen layers, its settings, its lr (/ 100 for the first fine tune only)', () => {
    const stages = stagesOf([
      'train { epochs 4; optimizer sgd lr 0.1 }',
      'fine tune "block5" {\n  unfreeze from block5\n  epochs 3\n}',
      'fine tune "block4" {\n  unfreeze from block4\n  lr 1e-4\n}',
      'fine tune {\n  unfreeze from block3\n}',
    ].join('\n'));
    expect(stages.map((s) => s.name)).toEqual(['train', 'block5', 'block4', 'fine-tune-3']);
    // VGG16: input_1 and blocks 1-4 hold 15 layers, blocks 1-3 hold 11, blocks 1-2 hold 7.
    expect(stages.map((s) => s.frozenLayers.length)).toEqual([19, 15, 11, 7]);
    expect(stages[3].frozenLayers).toEqual(layers(7));
    expect(stages.map((s) => s.epochs)).toEqual([4, 3, 3, 3]);
    expect(stages.map((s) => s.optimizer.name)).toEqual(['sgd', 'sgd', 'sgd', 'sgd']);
    // The first fine tune divides stage 1's rate by 100; the last keeps the one before it's.
    expect(stages.map((s) => s.optimizer.learningRate)).toEqual([0.1, 0.001, 1e-4, 1e-4]);
  });

  it('unnamed stages are fine-tune, then fine-tune-K for the K-th fine tune; names must differ (TL2042)', () => {
    const stages = stagesOf('fine tune {\n  unfreeze from block5\n}\nfine tune {\n  unfreeze from block4\n}');
    expect(stages.map((s) => s.name)).toEqual(['train', 'fine-tune', 'fine-tune-2']);
    expect(errorCodesOf('use VGG16 freeze all\nhead dense 2\nfine tune "a" { unfreeze from block5 }\nfine tune "a" { unfreeze from block4 }')).toEqual(['TL2042']);
    expect(errorCodesOf('use VGG16 freeze all\nhead dense 2\nfine tune "train" { unfreeze from block5 }')).toEqual(['TL2042']);
    // `train` is still one stage only.
    expect(errorCodesOf('use VGG16 freeze all\nhead dense 2\ntrain { }\ntrain { }')).toEqual(['TL2004']);
  });

  it('a later unfreeze must reach further back than the one before it (TL2040)', () => {
    const source = (second: string) => `use VGG16 freeze all\nhead dense 2\nfine tune { unfreeze from block4 }\nfine tune { ${second} }`;
    expect(errorCodesOf(source('unfreeze from block4'))).toEqual(['TL2040']);
    expect(errorCodesOf(source('unfreeze from block5'))).toEqual(['TL2040']);
    expect(() => planOf(source('unfreeze from block3'))).not.toThrow();
    expect(() => planOf(source('unfreeze all'))).not.toThrow();
  });
});

describe('discriminative learning rates and batch norm', () => {
  const vgg = (stage: string) => planOf(`use VGG16 freeze all\nhead dense 2\nfine tune {\n${stage}\n}`).stages[1];
  const blockOf = (block: string) => planOf('use VGG16 freeze all\nhead dense 2').model.freeze.layers.filter((l) => l.startsWith(`${block}_`));

  it('lr A for B1..B2: the layers of those blocks at A, the stage (and head) at its own rate', () => {
    const stage = vgg('  unfreeze from block3\n  lr 1e-3\n  lr 1e-5 for block3..block4\n  lr 1e-4 for block5');
    expect(stage.optimizer.learningRate).toBe(1e-3);
    expect(stage.layerLearningRates).toEqual([
      { blocks: ['block3', 'block4'], layers: [...blockOf('block3'), ...blockOf('block4')], learningRate: 1e-5 },
      { blocks: ['block5'], layers: blockOf('block5'), learningRate: 1e-4 },
    ]);
  });

  it('lr A .. B: fastai\'s slice, geometric over the trained blocks, the first at A and the head (the stage) at B', () => {
    const stage = vgg('  unfreeze from block3\n  lr 1e-6 .. 1e-3');
    expect(stage.optimizer.learningRate).toBe(1e-3);
    expect(stage.layerLearningRates.map((g) => [g.blocks, g.learningRate])).toEqual([[['block3'], 1e-6], [['block4'], 1e-5], [['block5'], 1e-4]]);
    expect(stage.layerLearningRates[0].layers).toEqual(blockOf('block3'));
    // Written without spaces it is the same.
    expect(vgg('  unfreeze from block3\n  lr 1e-6..1e-3').layerLearningRates).toEqual(stage.layerLearningRates);
  });

  it('batch norm frozen is the default on pretrained weights, train the choice, inherited by later stages', () => {
    const plan = planOf('use MobileNet alpha 0.25 freeze all\nhead dense 2\nfine tune "a" {\n  unfreeze from block5\n  batch norm train\n}\nfine tune "b" {\n  unfreeze from block4\n}\nfine tune "c" {\n  unfreeze from block3\n  batch norm frozen\n}');
    expect(plan.stages.map((s) => s.batchNormInference)).toEqual([true, false, false, true]);
    expect(errorCodesOf('use VGG16 freeze all\nhead dense 2\nfine tune { batch norm trian }')).toEqual(['TL2016']);
  });
});
