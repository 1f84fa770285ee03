// `random crop` in the torch trainer: the Python windows equal the tfjs runtime's draws (the same
// seeded stream, attempts and fallback) for many seeds, epochs, images and source sizes; windows
// cut from real shipped images (examples/data/fashion) decoded at the source size by each
// `resize` mode and resized as tfjs does are the same floats (stretch) or within rounding of the
// decode (crop, pad); a tiny MobileNet run trained by PyTorch with random crop (and a flip)
// records the tfjs run's losses and accuracies epoch by epoch (within 1e-4, measured 1e-6), and 2
// gloo processes record what 1 records. (The job's fields: random-crop-job.test.ts.)
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AugmentPlan, Plan, RandomCropPlan } from '@tlc/plan';
import { RunLog, runPlan } from '../../../src/index';
import { cropWindowOf, drawCropWindow, randomCropSourceSize, randomResizedCrop } from '../../../src/augment/crop';
import { createRng, STREAMS } from '../../../src/random';
import { decodeImage } from '../../../src/data/decode';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';
import { describeTorch, runPython } from './torch-env';
import { epochMetrics, flipsOnly, trainedByOneAndTwo } from './run-records';

const fashion = fileURLToPath(new URL('../../../../../examples/data/fashion/new', import.meta.url));
let baseDir: string;
/** Whole runs with Python starts, on 2 busy cores. */
const TIMEOUT = 300_000;
/**
 * The windows' pixels against tfjs's, in levels of 255: mean and largest difference after
 * `resize crop|pad` (measured on the fashion images, enlarged to the source size: mean at most
 * 0.005, largest 0.53; those decodes differ by rounding, the window resize is the same
 * arithmetic). `resize stretch` gives the same floats.
 */
const MEAN_LEVELS = 0.05;
const MAX_LEVELS = 1;

const CROP: RandomCropPlan = { scale: [0.35, 1], ratio: [3 / 4, 4 / 3] };
const AUGMENT: AugmentPlan = { ...flipsOnly(3), randomCrop: CROP };

beforeAll(async () => {
  baseDir = tempDir('torch-random-crop');
  await writeImageFolder(join(baseDir, 'data'), 8);
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

const meanDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
};

function cropPlan(): Plan {
  const plan = makePlan({
    stages: [stage({
      epochs: 2, batchSize: 4, batchNormInference: false,
      optimizer: { name: 'sgd', learningRate: 0.005, momentum: 0.9, beta1: null, beta2: null, epsilon: null, weightDecay: null },
    })],
  });
  plan.data!.augment = { ...AUGMENT };
  return plan;
}


describeTorch('random crop in the torch trainer', () => {
  it('draws the tfjs runtime\'s window for every (seed, epoch, image, source size), fallback included', () => {
    const crops: { crop: RandomCropPlan; seed: number }[] = [
      { crop: CROP, seed: 3 },
      { crop: { scale: [0.08, 1], ratio: [3 / 4, 4 / 3] }, seed: 11 },
      { crop: { scale: [0.5, 0.9], ratio: [0.5, 2] }, seed: 12345 },
      // Windows that rarely fit (tall ratios on wide images): the fallback's centred window.
      { crop: { scale: [0.9, 1], ratio: [3, 4] }, seed: 7 },
      { crop: { scale: [1, 1], ratio: [1, 1] }, seed: 0 },
    ];
    const cases: [number, number, number, number][] = [];
    for (let epoch = 0; epoch <= 3; epoch++) for (let index = 0; index < 12; index++) cases.push([epoch, index * 37, 7 + ((index * 13 + epoch) % 60), 5 + ((index * 29 + epoch * 3) % 70)]);
    const file = join(baseDir, 'draws.json');
    writeFileSync(file, JSON.stringify({ draws: crops.map((c) => ({ ...c, cases })) }));
    const got = JSON.parse(runPython('crop', [file])) as { windows: number[][][] };
    let fallbacks = 0;
    crops.forEach(({ crop, seed }, c) => {
      cases.forEach(([epoch, index, height, width], i) => {
        const want = cropWindowOf(crop, seed, { height, width }, { epoch, index });
        expect(got.windows[c][i], `${JSON.stringify(crop)} seed ${seed} case ${cases[i]}`).toEqual([want.top, want.left, want.height, want.width]);
        // The fallback (no attempt fit) draws no position: 20 numbers (10 attempts), no more.
        const rng = createRng(seed, STREAMS.randomCrop, epoch, index);
        let used = 0;
        drawCropWindow({ ...rng, uniform: (a: number, b: number) => (used++, rng.uniform(a, b)), int: (k: number) => (used++, rng.int(k)) }, height, width, crop);
        if (used === 20) fallbacks++;
      });
    });
    expect(fallbacks).toBeGreaterThan(0);
  });

  it('cuts windows from real images decoded at the source size by each resize mode: the tfjs pixels (stretch), within rounding (crop, pad)', async () => {
    const modes = [['stretch', 'grayscale'], ['stretch', 'rgb'], ['crop', 'rgb'], ['pad', 'grayscale']] as const;
    const size: [number, number] = [24, 32];
    const source = randomCropSourceSize(size, CROP);
    const files = readdirSync(fashion).sort().slice(0, 3).map((name) => join(fashion, name));
    const cases = [[0, 0], [1, 5], [4, 17]];
    const file = join(baseDir, 'images.json');
    const specs = modes.map(([resize, colorMode]) => ({ files, size, source, channels: colorMode === 'rgb' ? 3 : 1, resize, crop: CROP, seed: 9, cases }));
    writeFileSync(file, JSON.stringify({ images: specs }));
    const got = JSON.parse(runPython('crop', [file])) as { images: number[][][][] };
    for (const [m, [resize, colorMode]] of modes.entries()) {
      const channels = specs[m].channels;
      for (const [f, image] of files.entries()) {
        const decoded = await decodeImage(image, { height: source[0], width: source[1], colorMode, maxPixels: 1e6, resize });
        for (const [c, [epoch, index]] of cases.entries()) {
          const want = randomResizedCrop(CROP, 9, decoded, { height: source[0], width: source[1], channels }, { height: size[0], width: size[1] }, { epoch, index });
          const pixels = got.images[m][f][c];
          const where = `${resize} ${colorMode} ${image} case ${cases[c]}`;
          expect(pixels, where).toHaveLength(want.length);
          expect(meanDifference(pixels, want), where).toBeLessThanOrEqual(MEAN_LEVELS);
          // stretch decodes bit for bit alike (enlargements as PIL's): the windows are the same floats.
          const largest = Math.max(...pixels.map((v, k) => Math.abs(v - want[k])));
          expect(largest, where).toBeLessThanOrEqual(resize === 'stretch' ? 0 : MAX_LEVELS);
        }
      }
    }
  });
});

describeTorch('a run with random crop in the torch trainer', () => {
  it('records the tfjs run\'s losses and accuracies, epoch by epoch', async () => {
    const plan = cropPlan();
    const log = () => new RunLog({ quiet: true });
    const torch = await runPlan(plan, { baseDir, out: join(baseDir, 'torch'), engine: 'torch', nproc: 1, log: log() });
    const tfjs = await runPlan(plan, { baseDir, out: join(baseDir, 'tfjs'), log: log() });
    const [a, b] = [epochMetrics(torch.runDir), epochMetrics(tfjs.runDir)];
    expect(a).toHaveLength(2);
    a.forEach((row, epoch) => row.forEach((v, k) => expect(Math.abs(v - b[epoch][k]), `epoch ${epoch + 1} column ${k}: torch ${v}, tfjs ${b[epoch][k]}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b[epoch][k])))));
    // Without the crop the same run trains on other pixels: the losses differ.
    const plain = cropPlan();
    plain.data!.augment!.randomCrop = null;
    const uncropped = epochMetrics((await runPlan(plain, { baseDir, out: join(baseDir, 'tfjs-plain'), log: log() })).runDir);
    expect(Math.abs(uncropped[0][0] - b[0][0])).toBeGreaterThan(1e-3);
  }, TIMEOUT);

  it('2 gloo processes crop their shares as 1 process crops the whole batch (a batch split 3 + 2)', async () => {
    const { one: b, two: a } = await trainedByOneAndTwo(cropPlan(), baseDir);
    expect(a).toHaveLength(2);
    a.forEach((row, epoch) => row.forEach((v, k) => expect(Math.abs(v - b[epoch][k]), `epoch ${epoch + 1} column ${k}: 2 processes ${v}, 1 process ${b[epoch][k]}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b[epoch][k])))));
  }, TIMEOUT);
});
