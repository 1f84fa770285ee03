// `tlc models`: the table, one model as text and as JSON (checked against the catalog), "did you
// mean" for a near miss, and usage errors. The command runs in-process with its output captured
// (a child process per case is too slow on a busy machine); one case runs the real bin.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findModel, listModels, modelLayers } from '@tlc/zoo/catalog';
import { modelsCommand } from '../src/commands/models';

/** Runs `tlc models ARGS…` in this process and returns its exit code and output. */
async function tlc(...args: string[]) {
  const out = { stdout: '', stderr: '' };
  const write = { stdout: process.stdout.write, stderr: process.stderr.write };
  process.stdout.write = ((chunk: string) => ((out.stdout += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((out.stderr += chunk), true)) as typeof process.stderr.write;
  try {
    const code = await modelsCommand.run(args);
    return { code, ...out };
  } finally {
    process.stdout.write = write.stdout;
    process.stderr.write = write.stderr;
  }
}

describe('tlc models', () => {
  it('lists every catalog model in a table with its family, sizes, preprocessing, blocks and params', async () => {
    const { code, stdout } = await tlc();
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['name', 'family', 'input', 'min input', 'preprocess', 'blocks', 'params']);
    for (const model of listModels()) {
      const row = lines.find((l) => l.startsWith(`${model.name} `));
      expect(row, model.name).toBeDefined();
      expect(row!.trim().split(/\s+/)).toEqual([
        model.name,
        model.family,
        String(model.inputSize),
        String(model.minInputSize),
        model.preprocess,
        String(model.blocks.length),
        model.params.total.toLocaleString('en-US'),
      ]);
    }
  });

  it('prints one model as JSON with the fields the issue specifies', async () => {
    const { code, stdout } = await tlc('VGG16', '--json');
    expect(code).toBe(0);
    const entry = findModel('VGG16')!;
    const weights = entry.weightsFor({});
    expect(JSON.parse(stdout)).toEqual({
      name: 'VGG16',
      family: entry.family,
      inputSize: 224,
      minInputSize: 32,
      preprocess: 'caffe',
      firstConv: 'block1_conv1',
      blocks: entry.blocks.map((b) => ({ name: b.name, layer: b.layer })),
      params: { total: 14_714_688, trainable: 14_714_688 },
      weights: { url: weights!.url, hash: weights!.hash },
    });
  });

  it('describes one model as text', async () => {
    const { code, stdout } = await tlc('VGG16');
    expect(code).toBe(0);
    expect(stdout).toContain('first conv:  block1_conv1');
    expect(stdout).toContain('params:      14,714,688 total');
    expect(stdout).toMatch(/block5\s+block5_pool/);
  });

  it('lists every layer with its index, block, type, output shape and parameters (--layers)', async () => {
    const { code, stdout } = await tlc('MobileNet', '--layers', '--json');
    expect(code).toBe(0);
    const layers = JSON.parse(stdout) as { index: number; name: string; block: string | null; type: string; outputShape: number[]; params: number; trainableParams: number }[];
    const entry = findModel('MobileNet')!;
    // The catalog's layer list, in model.layers order, indexed from the input layer.
    expect(layers.map((l) => l.name)).toEqual(modelLayers('MobileNet'));
    expect(layers.map((l) => l.index)).toEqual(layers.map((_, i) => i));
    // Keras's own counts for MobileNet without its top (model.summary()).
    expect(layers.reduce((sum, l) => sum + l.params, 0)).toBe(entry.params.total);
    expect(layers.reduce((sum, l) => sum + l.trainableParams, 0)).toBe(entry.params.trainable);
    // Each block ends at its catalog layer; the next layer starts the next block.
    for (const [i, block] of entry.blocks.entries()) {
      const end = layers.find((l) => l.name === block.layer)!;
      expect(end.block).toBe(block.name);
      if (i + 1 < entry.blocks.length) expect(layers[end.index + 1].block).toBe(entry.blocks[i + 1].name);
    }
    expect(layers[0]).toMatchObject({ index: 0, name: 'input_1', type: 'InputLayer', outputShape: [224, 224, 3], params: 0 });
    expect(layers.find((l) => l.name === 'conv1_bn')).toMatchObject({ type: 'BatchNormalization', params: 128, trainableParams: 64 });
  });

  it('prints the layer table as text, at a MobileNet width given by --alpha', async () => {
    const { code, stdout } = await tlc('MobileNet', '--layers', '--alpha', '0.25');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('MobileNet (224x224, alpha 0.25): 86 layers');
    expect(lines[1].split(/\s{2,}/).map((c) => c.trim())).toEqual(['#', 'layer', 'block', 'type', 'output shape', 'params', 'trainable']);
    expect(lines[3].trim().split(/\s{2,}/)).toEqual(['1', 'conv1', 'block1', 'Conv2D', '(112, 112, 8)', '216', '216']);
    expect((await tlc('VGG16', '--layers', '--alpha', '0.5')).code).toBe(2);
    expect((await tlc('MobileNet', '--layers', '--alpha', '0.3')).code).toBe(2);
    expect((await tlc('MobileNet', '--alpha', '0.25')).code).toBe(2);
  });

  it('suggests the closest name for a near miss and exits 1', async () => {
    const { code, stderr } = await tlc('resnet50v2');
    expect(code).toBe(1);
    expect(stderr).toBe('tlc models: the zoo has no model `resnet50v2`. Did you mean `ResNet50V2`?\n');
  });

  it('exits 2 on usage errors and 0 on --help with an example', async () => {
    expect((await tlc('--jsn')).code).toBe(2);
    expect((await tlc('VGG16', 'VGG19')).code).toBe(2);
    const help = await tlc('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('tlc models ResNet50V2 --json');
  });

  it('runs through the real bin with the exit code for an unknown model', () => {
    const bin = fileURLToPath(new URL('../bin/tlc.mjs', import.meta.url));
    const result = spawnSync(process.execPath, [bin, 'models', 'NoSuchNet'], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the zoo has no model `NoSuchNet`');
  });
});
