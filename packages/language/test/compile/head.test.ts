// Heads: the shorthand expands to pooling, relu hidden layers and an output layer whose
// activation follows from its size; every layer gets a head_<type>_<n> name.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/index';
import { planOf } from './helpers';

const headOf = (head: string) => planOf(`use VGG16\n${head}`).head;

describe('head', () => {
  it('dense 256 -> 2: average pooling, dense 256 relu, dense 2 softmax', () => {
    expect(headOf('head dense 256 -> 2')).toEqual({
      layers: [
        { type: 'pool', pool: 'avg', name: 'head_pool_1' },
        { type: 'dense', units: 256, activation: 'relu', name: 'head_dense_1' },
        { type: 'dense', units: 2, activation: 'softmax', name: 'head_dense_2' },
      ],
      outputUnits: 2,
      outputActivation: 'softmax',
    });
  });

  it('a single output unit is sigmoid', () => {
    const head = headOf('head dense 512 -> 128 -> 1');
    expect(head.layers.map((l) => (l.type === 'dense' ? `${l.units} ${l.activation}` : l.type))).toEqual(['pool', '512 relu', '128 relu', '1 sigmoid']);
    expect(head.outputActivation).toBe('sigmoid');
  });

  it('an activation after the last size sets the output layer: `-> 5 sigmoid` is the short multi-label head', () => {
    const head = headOf('head dense 128 -> 5 sigmoid');
    expect(head.layers.map((l) => (l.type === 'dense' ? `${l.units} ${l.activation}` : l.type))).toEqual(['pool', '128 relu', '5 sigmoid']);
    expect(head.outputActivation).toBe('sigmoid');
    expect(headOf('head dense 3 linear').outputActivation).toBe('linear');
  });

  it('the short form with an activation is checked as the block form is', () => {
    const codes = (source: string) => compile(source).diagnostics.map((d) => d.code);
    // A sigmoid over classes without a labels file: TL2023, as `head { pool avg; dense 3 sigmoid }`.
    expect(codes('use VGG16\nhead dense 3 sigmoid')).toEqual(codes('use VGG16\nhead { pool avg; dense 3 sigmoid }'));
    expect(codes('use VGG16\nhead dense 3 sigmoid')).toContain('TL2023');
    expect(codes('use VGG16\nhead dense 3 sigmod')).toContain('TL2016');
    // With a labels file it is the multi-label head, which mixup does not apply to (TL2043).
    const multiLabel = 'data "d" { labels "l.csv" }\naugment { mixup 0.2 }\nuse VGG16\nhead dense 64 -> 4 sigmoid';
    expect(codes(multiLabel)).toContain('TL2043');
    expect(codes(multiLabel)).not.toContain('TL2023');
  });

  it('the block form keeps the layers as written and names them per type', () => {
    const head = headOf('head {\n pool max\n batchnorm\n dropout 0.3\n dense 64\n dropout 0.1\n dense 5\n}');
    expect(head.layers).toEqual([
      { type: 'pool', pool: 'max', name: 'head_pool_1' },
      { type: 'batchnorm', name: 'head_batchnorm_1' },
      { type: 'dropout', rate: 0.3, name: 'head_dropout_1' },
      { type: 'dense', units: 64, activation: 'relu', name: 'head_dense_1' },
      { type: 'dropout', rate: 0.1, name: 'head_dropout_2' },
      { type: 'dense', units: 5, activation: 'softmax', name: 'head_dense_2' },
    ]);
    expect(head.outputUnits).toBe(5);
  });

  it('explicit activations are kept; a non-probability output is linear', () => {
    const head = headOf('head { flatten; dense 32 gelu; dense 3 tanh }');
    expect(head.layers[0]).toEqual({ type: 'flatten', name: 'head_flatten_1' });
    expect(head.layers[1]).toMatchObject({ activation: 'gelu' });
    expect(head.outputActivation).toBe('linear');
  });

  it('TL3007: a dense layer before any pool or flatten, pointing at that layer', () => {
    const source = 'use VGG16\nhead {\n  batchnorm\n  dense 64\n  pool avg\n  dense 2\n}';
    const { plan, diagnostics } = compile(source);
    expect(plan).toBeNull();
    expect(diagnostics.map((d) => d.code)).toEqual(['TL3007']);
    expect(source.slice(diagnostics[0].span.start, diagnostics[0].span.end)).toBe('dense 64');
  });
});
