// Frozen layer lists: `freeze until B` is the input layer through B's last layer inclusive,
// `freeze all` every backbone layer after any cut, `freeze none` nothing; `fine tune` with
// `unfreeze from B` trains B and everything after it.
import { describe, expect, it } from 'vitest';
import { modelLayers } from '@tlc/zoo/catalog';
import { errorCodesOf, planOf } from './helpers';

const planFor = (use: string, rest = '') => planOf(`${use}\nhead dense 2\n${rest}`);

describe('freeze', () => {
  it('until block4 on ResNet50V2 freezes conv1 through the end of conv4', () => {
    const { freeze } = planFor('use ResNet50V2 weights imagenet freeze until block4').model;
    expect(freeze.mode).toBe('until');
    expect(freeze.until).toEqual({ block: 'block4', layer: 'conv4_block6_out' });
    expect(freeze.layers[0]).toBe('input_1');
    expect(freeze.layers[freeze.layers.length - 1]).toBe('conv4_block6_out');
    expect(freeze.layers).toHaveLength(154);
    expect(freeze.layers).not.toContain('conv5_block1_preact_bn');
  });

  it('until block3 on VGG16 freezes exactly block1..block3', () => {
    const { freeze } = planFor('use VGG16 freeze until block3').model;
    expect(freeze.layers).toEqual([
      'input_1',
      'block1_conv1', 'block1_conv2', 'block1_pool',
      'block2_conv1', 'block2_conv2', 'block2_pool',
      'block3_conv1', 'block3_conv2', 'block3_conv3', 'block3_pool',
    ]);
  });

  it('until a quoted Keras layer name', () => {
    const { freeze } = planFor('use VGG16 freeze until "block2_conv2"').model;
    expect(freeze.until).toEqual({ block: null, layer: 'block2_conv2' });
    expect(freeze.layers.at(-1)).toBe('block2_conv2');
    expect(freeze.layers).toHaveLength(6);
  });

  it('until layer N freezes layers 0 … N-1, like Keras\'s layers[:N]; unfreeze from layer N trains N and after', () => {
    const layers = modelLayers('VGG16')!;
    const plan = planFor('use VGG16 freeze until layer 6', 'fine tune {\n  unfreeze from layer 3\n}');
    expect(plan.model.freeze.mode).toBe('until');
    expect(plan.model.freeze.until).toEqual({ block: null, layer: 'block2_conv2' });
    expect(plan.model.freeze.layers).toEqual(layers.slice(0, 6));
    expect(plan.stages[1].frozenLayers).toEqual(layers.slice(0, 3));
    // layer 11 ends exactly where block3 does: the same plan either way.
    expect(planFor('use VGG16 freeze until layer 11').model.freeze.layers).toEqual(planFor('use VGG16 freeze until block3').model.freeze.layers);
    expect(planFor(`use VGG16 freeze until layer ${layers.length}`).model.freeze.layers).toEqual(layers);
  });

  it('a layer index beyond the model is TL2039, and `cut after layer N` is not a cut point', () => {
    expect(errorCodesOf('use VGG16 freeze until layer 20\nhead dense 2')).toEqual(['TL2039']);
    expect(errorCodesOf('use VGG16 freeze until layer 0\nhead dense 2')).toEqual(['TL2039']);
    expect(errorCodesOf('use VGG16 freeze until layer 2.5\nhead dense 2')).toEqual(['TL2039']);
    expect(errorCodesOf('use VGG16 freeze until block4\nhead dense 2\nfine tune {\n  unfreeze from layer 19\n}')).toEqual(['TL2039']);
    expect(errorCodesOf('use VGG16 freeze until layer 16 cut after block3\nhead dense 2')).toEqual(['TL2012']);
    // The syntax error alone: the half-parsed `use` is not also checked (one mistake, one diagnostic).
    expect(errorCodesOf('use VGG16 cut after layer 5\nhead dense 2')).toEqual(['TL1008']);
  });

  it('all freezes the whole backbone, and only what is left after a cut', () => {
    const whole = planFor('use ResNet50 freeze all').model;
    expect(whole.freeze.layers).toEqual(modelLayers('ResNet50'));
    expect(whole.outputLayer).toBe('conv5_block3_out');
    expect(whole.cutAfter).toBeNull();
    const cut = planFor('use VGG16 freeze all cut after block4').model;
    expect(cut.cutAfter).toEqual({ block: 'block4', layer: 'block4_pool' });
    expect(cut.outputLayer).toBe('block4_pool');
    expect(cut.freeze.layers).toHaveLength(15);
    expect(cut.freeze.layers.at(-1)).toBe('block4_pool');
  });

  it('none freezes nothing', () => {
    expect(planFor('use VGG16 freeze none').model.freeze).toEqual({ mode: 'none', until: null, layers: [] });
  });

  it('stage 1 trains with the freeze of `use`', () => {
    const plan = planFor('use VGG16 freeze until block3');
    expect(plan.stages[0].frozenLayers).toEqual(plan.model.freeze.layers);
  });
});

describe('fine tune', () => {
  it('unfreeze from block4 trains block4 and later: frozen is everything up to the end of block3', () => {
    const plan = planFor('use ResNet50V2 freeze until block4', 'train { epochs 2 }\nfine tune { unfreeze from block4 }');
    const frozen = plan.stages[1].frozenLayers;
    expect(plan.stages[1].name).toBe('fine-tune');
    expect(frozen[0]).toBe('input_1');
    expect(frozen.at(-1)).toBe('conv3_block4_out');
    expect(frozen).toHaveLength(86);
    expect(frozen).not.toContain('conv4_block1_preact_bn');
  });

  it('unfreeze from block1 and unfreeze all train everything; so does a fine tune without unfreeze', () => {
    for (const unfreeze of ['unfreeze from block1', 'unfreeze all', '']) {
      const plan = planFor('use VGG16 freeze all', `train { }\nfine tune { ${unfreeze} }`);
      expect(plan.stages[1].frozenLayers, unfreeze).toEqual([]);
    }
  });

  it('unfreeze from a quoted layer trains that layer and later', () => {
    const plan = planFor('use VGG16 freeze all', 'train { }\nfine tune { unfreeze from "block5_conv1" }');
    expect(plan.stages[1].frozenLayers.at(-1)).toBe('block4_pool');
    expect(plan.stages[1].frozenLayers).toHaveLength(15);
  });

  it('only layers stage 1 froze can stay frozen (a cut backbone has no later layers)', () => {
    const plan = planFor('use VGG16 freeze all cut after block4', 'train { }\nfine tune { unfreeze from block3 }');
    expect(plan.stages[0].frozenLayers).toHaveLength(15);
    expect(plan.stages[1].frozenLayers).toHaveLength(7);
    expect(plan.stages[1].frozenLayers.at(-1)).toBe('block2_pool');
  });
});
