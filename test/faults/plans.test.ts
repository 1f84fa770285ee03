// Fault suite, plans from elsewhere: a plan file is JSON a person may have edited, an older tlc
// may meet a newer plan, and the files a plan names may be gone. validatePlan must never throw
// and must point at the offending value by JSON path, for hand edits and for thousands of
// random ones; checkPlan must find the edits the schema cannot see (a layer the model does not
// have, an output layer the cut contradicts, constants that are not their mode's) by JSON path
// and code; `tlc run plan.json`, `tlc run --resume` and `tlc predict` must refuse each bad plan
// with a message naming the JSON path (or the missing file) and exit 1, never a stack trace.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPlan, compile } from '@tlc/language';
import { formatPlanError, planToJson, validatePlan, type Plan } from '@tlc/plan';
import { COMMANDS } from '../../packages/cli/src/commands/registry';
import { BLUE, RED, writeSolidImage } from '../../packages/runtime/test/data/fixtures';
import { faultCounts } from './counts';

const counts = faultCounts('plans');

const SOURCE = `pipeline "faults"
data "photos" {
  image 32x32 rgb
  validation 25% seed 1
  batch 4
}
use MobileNetV2 alpha 0.35 weights none freeze none
preprocess rescale 1/255
head dense 2
train {
  epochs 1
}
`;

function basePlan(): Plan {
  const { plan, diagnostics } = compile(SOURCE, { file: 'faults.tl' });
  if (!plan) throw new Error(`the base plan does not compile: ${diagnostics.map((d) => d.message).join('; ')}`);
  return JSON.parse(planToJson(plan)) as Plan;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Sets (or with `undefined`, deletes) the value at a JSON Pointer in a copy of the plan. */
function edited(pointer: string, value: Json | undefined): Record<string, Json> {
  const copy = JSON.parse(JSON.stringify(basePlan())) as Record<string, Json>;
  const keys = pointer.split('/').slice(1);
  const last = keys.pop()!;
  let node = copy as Json;
  for (const key of keys) node = (node as Record<string, Json>)[key]!;
  if (value === undefined) delete (node as Record<string, Json>)[last];
  else (node as Record<string, Json>)[last] = value;
  return copy;
}

/** The value at a JSON Pointer, or undefined when it leads nowhere. */
function resolve(document: Json, pointer: string): Json | undefined {
  if (pointer === '') return document;
  let node: Json | undefined = document;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Record<string, Json>)[key];
  }
  return node;
}

/** A pretrained, cut, partly frozen model with two stages: what hand edits of the zoo's names break. */
const PRETRAINED_SOURCE = `pipeline "pretrained"
data "photos" {
  image 96x96 rgb
  validation 25% seed 1
  batch 4
}
use MobileNetV2 alpha 0.35 weights imagenet freeze until block3 cut after block5
preprocess native
head dense 2
train {
  epochs 1
}
fine tune {
  epochs 1
  unfreeze from block3
}
`;

function pretrainedPlan(): Record<string, Json> {
  const { plan, diagnostics } = compile(PRETRAINED_SOURCE, { file: 'pretrained.tl' });
  if (!plan) throw new Error(`the pretrained plan does not compile: ${diagnostics.map((d) => d.message).join('; ')}`);
  return JSON.parse(planToJson(plan)) as Record<string, Json>;
}

/** The pretrained plan with each JSON Pointer set to its value. */
function pretrained(edits: Record<string, Json>): Record<string, Json> {
  const copy = pretrainedPlan();
  for (const [pointer, value] of Object.entries(edits)) {
    const keys = pointer.split('/').slice(1);
    const last = keys.pop()!;
    let node = copy as Json;
    for (const key of keys) node = (node as Record<string, Json>)[key]!;
    (node as Record<string, Json>)[last] = value;
  }
  return copy;
}

/** `batchSize` spelt `batchsize`. */
function withTypo(): Record<string, Json> {
  const plan = edited('/data/batchSize', undefined);
  (plan.data as Record<string, Json>).batchsize = 4;
  return plan;
}

/** Hand edits a person makes, the JSON path the refusal must name, and words it must contain. */
const HAND_EDITS: { what: string; plan: () => Record<string, Json>; path: string; says: RegExp }[] = [
  { what: 'a number written as a word', plan: () => edited('/stages/0/epochs', 'ten'), path: '/stages/0/epochs', says: /integer/ },
  { what: 'a number out of range', plan: () => edited('/stages/0/optimizer/learningRate', -1), path: '/stages/0/optimizer/learningRate', says: /must be/ },
  { what: 'a required field deleted', plan: () => edited('/model/inputShape', undefined), path: '/model/inputShape', says: /required but missing/ },
  { what: 'a field renamed by a typo', plan: () => withTypo(), path: '/data/batchSize', says: /required but missing/ },
  { what: 'an unknown field added', plan: () => edited('/data/batchsize', 8), path: '/data/batchsize', says: /not a known property/ },
  { what: 'an unknown optimizer', plan: () => edited('/stages/0/optimizer/name', 'adamax'), path: '/stages/0/optimizer/name', says: /must be one of/ },
  { what: 'a plan from a newer tlc', plan: () => edited('/version', 2), path: '/version', says: /newer than this tlc understands/ },
  { what: 'a plan without a version', plan: () => edited('/version', undefined), path: '/version', says: /missing/ },
];

describe('validatePlan on plans edited by hand', () => {
  for (const edit of HAND_EDITS) {
    it(`${edit.what}: names ${edit.path}`, () => {
      const result = validatePlan(edit.plan());
      counts.faultsInjected++;
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const error = result.errors.find((e) => e.path === edit.path);
      expect(error, JSON.stringify(result.errors)).toBeDefined();
      expect(formatPlanError(error!)).toMatch(edit.says);
    });
  }
});

/**
 * Hand edits the schema accepts but that would run another model than the plan says: the code
 * and JSON path checkPlan must report, and words the message must contain.
 */
const ZOO_EDITS: { what: string; plan: () => Record<string, Json>; code: string; path: string; says: RegExp }[] = [
  { what: 'a frozen layer the model does not have', plan: () => pretrained({ '/stages/1/frozenLayers/2': 'bn_conv1' }), code: 'TL3102', path: '/stages/1/frozenLayers/2', says: /no layer "bn_conv1".*did you mean "bn_Conv1"/ },
  { what: 'an outputLayer that contradicts cutAfter', plan: () => pretrained({ '/model/outputLayer': 'out_relu' }), code: 'TL3103', path: '/model/outputLayer', says: /cutAfter ends the backbone at "block_15_add"/ },
  { what: 'a cut at a block the model does not have', plan: () => pretrained({ '/model/cutAfter/block': 'block9' }), code: 'TL3102', path: '/model/cutAfter/block', says: /no block "block9"/ },
  { what: 'a block that ends at another layer', plan: () => pretrained({ '/model/cutAfter/layer': 'block_12_add', '/model/outputLayer': 'block_12_add' }), code: 'TL3103', path: '/model/cutAfter/layer', says: /block5 ends at "block_15_add"/ },
  { what: 'a freeze point the model does not have', plan: () => pretrained({ '/model/freeze/until/layer': 'block_5_addd' }), code: 'TL3102', path: '/model/freeze/until/layer', says: /no layer "block_5_addd"/ },
  { what: 'a freeze point moved without its layer list', plan: () => pretrained({ '/model/freeze/until': { block: 'block2', layer: 'block_2_add' } }), code: 'TL3103', path: '/model/freeze/layers', says: /freezes "input_1" … "block_2_add"/ },
  { what: 'stage 1 frozen layers edited without the model section', plan: () => pretrained({ '/stages/0/frozenLayers': ['input_1', 'Conv1'] }), code: 'TL3103', path: '/stages/0/frozenLayers', says: /\/model\/freeze\/layers lists/ },
  { what: 'a model the zoo does not have', plan: () => pretrained({ '/model/architecture': 'MobileNetV3' }), code: 'TL3102', path: '/model/architecture', says: /no model "MobileNetV3".*did you mean/ },
  { what: 'a family that is not the model\'s', plan: () => pretrained({ '/model/family': 'mobilenet' }), code: 'TL3102', path: '/model/family', says: /"mobilenet_v2"/ },
  { what: 'a width multiplier the model does not have', plan: () => pretrained({ '/model/alpha': 0.3 }), code: 'TL3102', path: '/model/alpha', says: /0\.35/ },
  { what: 'ImageNet weights from another file', plan: () => pretrained({ '/model/weights/url': 'https://example.invalid/other.h5' }), code: 'TL3102', path: '/model/weights/url', says: /zoo's ImageNet file/ },
  { what: 'native preprocessing of another model', plan: () => pretrained({ '/preprocess/mode': 'caffe' }), code: 'TL3104', path: '/preprocess/mode', says: /MobileNetV2's own preprocessing is "tf"/ },
  { what: 'constants that are not the mode\'s', plan: () => pretrained({ '/preprocess/mean': [0.485, 0.456, 0.406] }), code: 'TL3104', path: '/preprocess/mean', says: /"tf" preprocessing uses \[1,1,1\]/ },
  { what: 'two mean values for three channels', plan: () => edited('/preprocess/mean', [0, 0]) as Record<string, Json>, code: 'TL3104', path: '/preprocess/mean', says: /2 values but the images have 3 channels/ },
  { what: 'an input smaller than the model takes', plan: () => pretrained({ '/model/inputShape': [16, 16, 3], '/data/imageSize': [16, 16] }), code: 'TL3105', path: '/model/inputShape', says: /smallest input, 32x32/ },
  { what: 'images of another size than the input', plan: () => pretrained({ '/data/imageSize': [128, 128] }), code: 'TL3103', path: '/data/imageSize', says: /inputShape takes 96x96/ },
  { what: 'an output size that is not the last layer\'s', plan: () => pretrained({ '/head/outputUnits': 3 }), code: 'TL3103', path: '/head/outputUnits', says: /has 2 units/ },
  { what: 'a linear output on a softmax layer', plan: () => pretrained({ '/head/outputActivation': 'linear' }), code: 'TL3103', path: '/head/outputActivation', says: /applies "softmax"/ },
  { what: 'a head layer named like a backbone layer', plan: () => pretrained({ '/head/layers/0/name': 'Conv1' }), code: 'TL3103', path: '/head/layers/0/name', says: /MobileNetV2 layer/ },
  { what: 'a checkpoint keeping the highest loss', plan: () => pretrained({ '/stages/0/checkpoint/mode': 'max' }), code: 'TL3103', path: '/stages/0/checkpoint/mode', says: /"min"/ },
  { what: 'a checkpoint on a metric nothing records', plan: () => pretrained({ '/stages/0/checkpoint/monitor': 'val_auc' }), code: 'TL3103', path: '/stages/0/checkpoint/monitor', says: /records only/ },
  { what: 'stages in the wrong order', plan: () => pretrained({ '/stages/0/name': 'fine-tune', '/stages/1/name': 'train' }), code: 'TL3107', path: '/stages/0/name', says: /stage 1 is "train"/ },
  { what: 'a discriminative rate on a frozen layer', plan: () => pretrained({ '/stages/1/layerLearningRates': [{ blocks: [], layers: ['Conv1'], learningRate: 1e-5 }] }), code: 'TL3106', path: '/stages/1/layerLearningRates/0/layers/0', says: /"Conv1" is frozen in this stage/ },
  { what: 'a discriminative rate on a layer the model lacks', plan: () => pretrained({ '/stages/1/layerLearningRates': [{ blocks: [], layers: ['no_such_layer'], learningRate: 1e-5 }] }), code: 'TL3106', path: '/stages/1/layerLearningRates/0/layers/0', says: /has no layer "no_such_layer"/ },
  { what: 'two stages of one name', plan: () => pretrained({ '/stages/0/name': 'train', '/stages/1/name': 'train' }), code: 'TL3107', path: '/stages/1/name', says: /name of stage 1/ },
  { what: 'a stage name that cannot name a file', plan: () => pretrained({ '/stages/1/name': '../up' }), code: 'TL3107', path: '/stages/1/name', says: /cannot name a stage/ },
  { what: 'random weights frozen', plan: () => edited('/stages/0/frozenLayers', ['input_1', 'Conv1']) as Record<string, Json>, code: 'TL3103', path: '/stages/0/frozenLayers', says: /"none": frozen random filters stay random/ },
  { what: 'a one-cycle peak below its start', plan: () => pretrained({ '/stages/0/schedule': { kind: 'one-cycle', startLearningRate: 1e-2, maxLearningRate: 1e-3 } }), code: 'TL3103', path: '/stages/0/schedule/maxLearningRate', says: /peak would be below its start/ },
  { what: 'a momentum adam does not have', plan: () => pretrained({ '/stages/0/optimizer/momentum': 0.9 }), code: 'TL3103', path: '/stages/0/optimizer/momentum', says: /adam has no momentum/ },
  { what: 'a grayscale adaptation on RGB images', plan: () => pretrained({ '/model/firstConvAdapt': { layer: 'Conv1', method: 'sum' } }), code: 'TL3103', path: '/model/firstConvAdapt', says: /must be null/ },
];

describe('checkPlan on hand edits the schema accepts', () => {
  it('finds nothing in the plans the compiler writes', () => {
    expect(checkPlan(basePlan())).toEqual([]);
    expect(checkPlan(pretrainedPlan() as unknown as Plan)).toEqual([]);
  });

  for (const edit of ZOO_EDITS) {
    it(`${edit.what}: ${edit.code} at ${edit.path}`, () => {
      const document = edit.plan();
      counts.faultsInjected++;
      const valid = validatePlan(document);
      expect(valid.ok, JSON.stringify(valid)).toBe(true);
      const problems = checkPlan(document as unknown as Plan);
      const problem = problems.find((p) => p.path === edit.path && p.code === edit.code);
      expect(problem, JSON.stringify(problems)).toBeDefined();
      expect(problem!.message).toMatch(edit.says);
      for (const p of problems) expect(resolve(document as Json, p.path), `${p.path} leads nowhere`).not.toBeUndefined();
    });
  }
});

/** A random edit anywhere in the plan: delete a key, or put a value of another type there. */
const randomEdit = fc.tuple(
  fc.nat(),
  fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -5, max: 5 }),
    fc.double(),
    fc.string({ maxLength: 8 }),
    fc.constant([]),
    fc.constant({}),
    fc.constant([1, 'x']),
  ),
);

/** Every JSON Pointer in a document, the root excepted. */
function pointers(node: Json, prefix = ''): string[] {
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, child]) => {
    const pointer = `${prefix}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    return [pointer, ...pointers(child, pointer)];
  });
}

describe('validatePlan on random edits', () => {
  it('never throws, and every error names a path whose parent is in the document; checkPlan neither on what passes (2,000 edits)', () => {
    const plan = basePlan() as unknown as Json;
    const all = pointers(plan);
    const seed = Number(process.env.TLC_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`plan edit seed ${seed} (replay with TLC_FUZZ_SEED=${seed})`);
    fc.assert(
      fc.property(fc.array(randomEdit, { minLength: 1, maxLength: 3 }), (edits) => {
        let document = plan;
        for (const [index, value] of edits) {
          const pointer = all[index % all.length]!;
          if (resolve(document, pointer.split('/').slice(0, -1).join('/')) === undefined) continue;
          const copy = JSON.parse(JSON.stringify(document)) as Json;
          const parentPointer = pointer.split('/').slice(0, -1).join('/');
          const parent = resolve(copy, parentPointer) as Record<string, Json>;
          const key = pointer.split('/').pop()!.replace(/~1/g, '/').replace(/~0/g, '~');
          if (parent === null || typeof parent !== 'object') continue;
          if (value === undefined) delete parent[key];
          else parent[key] = value as Json;
          document = copy;
        }
        counts.inputsFuzzed++;
        const result = validatePlan(document);
        if (result.ok) {
          // What the schema accepts, checkPlan takes without throwing, naming paths in the document.
          for (const problem of checkPlan(result.plan)) {
            if (resolve(document, problem.path) === undefined) throw new Error(`checkPlan path ${problem.path} leads nowhere: ${problem.message}`);
          }
          return;
        }
        for (const error of result.errors) {
          const parent = error.path.split('/').slice(0, -1).join('/');
          if (error.path !== '' && resolve(document, parent) === undefined) {
            throw new Error(`error path ${error.path} leads outside the document: ${formatPlanError(error)}`);
          }
          expect(formatPlanError(error).length).toBeGreaterThan(error.path.length);
        }
      }),
      { seed, numRuns: 2_000 },
    );
  });
});

// ---------------------------------------------------------------- the CLI

const tlc = fileURLToPath(new URL('../../packages/cli/bin/tlc.mjs', import.meta.url));
const hasRun = COMMANDS.some((c) => c.name === 'run');
const folder = mkdtempSync(join(tmpdir(), 'tlc-faults-plans-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Runs `tlc run FILE` on a plan written to a temp file; returns exit code and both streams. */
function tlcRun(name: string, plan: unknown): { status: number | null; output: string } {
  const file = join(folder, `${name}.plan.json`);
  writeFileSync(file, typeof plan === 'string' ? plan : JSON.stringify(plan, null, 2));
  const result = spawnSync(process.execPath, [tlc, 'run', file], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', TLC_HOME: join(folder, 'home') } });
  counts.faultsInjected++;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function expectNoStackTrace(output: string): void {
  expect(output, 'no stack trace').not.toMatch(/^\s+at .+[:(].*\d+:\d+\)?$/m);
  expect(output).not.toMatch(/node:internal|\.ts:\d+:\d+/);
}

describe('tlc run on plans from elsewhere', () => {
  if (!hasRun) {
    it.todo('tlc run plan.json refuses hand-edited, newer and dangling plans (the run command is not registered yet)');
    return;
  }

  for (const edit of HAND_EDITS) {
    it(`${edit.what}: exit 1, the message names ${edit.path}`, () => {
      const { status, output } = tlcRun(edit.what.replace(/\W+/g, '-'), edit.plan());
      expect(output).toContain(edit.path);
      expect(status, output).toBe(1);
      expectNoStackTrace(output);
    });
  }

  const RUN_EDITS = ['a frozen layer the model does not have', 'an outputLayer that contradicts cutAfter', 'constants that are not the mode\'s'];
  for (const edit of ZOO_EDITS.filter((e) => RUN_EDITS.includes(e.what))) {
    it(`${edit.what}: exit 1, error[${edit.code}] names ${edit.path}`, () => {
      const { status, output } = tlcRun(edit.what.replace(/\W+/g, '-'), edit.plan());
      expect(output).toContain(`error[${edit.code}]`);
      expect(output).toContain(edit.path);
      expect(status, output).toBe(1);
      expectNoStackTrace(output);
    });
  }

  it('--resume of a run folder whose plan.json was edited by hand: refused the same way, before anything runs', () => {
    const runDir = join(folder, 'edited-run');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'plan.json'), JSON.stringify(pretrained({ '/model/outputLayer': 'out_relu' }), null, 2));
    const result = spawnSync(process.execPath, [tlc, 'run', '--resume', runDir], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', TLC_HOME: join(folder, 'home') } });
    counts.faultsInjected++;
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toContain('error[TL3103]');
    expect(output).toContain('/model/outputLayer');
    expect(result.status, output).toBe(1);
    expectNoStackTrace(output);
  });

  it('a file that is not JSON: exit 1, says so', () => {
    const { status, output } = tlcRun('not-json', '{ "version": 1, "name": ');
    expect(output).toMatch(/JSON/);
    expect(status, output).toBe(1);
    expectNoStackTrace(output);
  });

  it('a data folder that does not exist: exit 1, the message names the folder', () => {
    const missing = join(folder, 'no-such-photos');
    const { status, output } = tlcRun('missing-data', edited('/data/directory', missing));
    expect(output).toContain(missing);
    expect(status, output).toBe(1);
    expectNoStackTrace(output);
  });

  it('a weights file that does not exist: exit 1, the message names the file', async () => {
    const photos = join(folder, 'photos');
    for (let i = 0; i < 4; i++) {
      await writeSolidImage(join(photos, 'red', `${i}.png`), RED);
      await writeSolidImage(join(photos, 'blue', `${i}.png`), BLUE);
    }
    const missing = join(folder, 'no-such-weights.h5');
    const plan = edited('/model/weights', { source: 'file', path: missing, format: 'h5' });
    (plan.data as Record<string, Json>).directory = photos;
    const { status, output } = tlcRun('missing-weights', plan);
    expect(output).toContain(missing);
    expect(status, output).toBe(1);
    expectNoStackTrace(output);
  });
});
