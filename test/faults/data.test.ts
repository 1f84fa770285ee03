// Fault suite, data: one image folder holding every kind of bad file a real collection has, at
// once, loaded the way a run loads it (loadData: scan, split, decode everything before any
// training). `on bad image fail` must name every bad file with its reason in one error;
// `skip` must go on with exactly the good images and report the bad ones. Unusual but valid
// files (16-bit, CMYK, alpha, a PNG named .jpg, nested folders) must load; system files,
// hidden files and a symbolic link loop must be passed over. The packages' own tests prove
// each case alone; this proves them together, decoded concurrently.
import fs from 'node:fs/promises';
import path, { join } from 'node:path';
import type { DataPlan } from '@tlc/plan';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadData, scanImageFolder } from '../../packages/runtime/src/data/index';
import { RunError } from '../../packages/runtime/src/messages';
import { COMMANDS } from '../../packages/cli/src/commands/registry';
import { isRoot, pngDeclaring, RED, BLUE, solid, tempFolder, truncatedJpeg, writeFile, writeSolidImage } from '../../packages/runtime/test/data/fixtures';
import { faultCounts } from './counts';

const counts = faultCounts('data');

const PLAN: DataPlan = {
  directory: 'photos',
  imageSize: [12, 12],
  colorMode: 'rgb',
  resize: 'stretch',
  validation: { mode: 'split', fraction: 0.25, seed: 3 },
  batchSize: 4,
  shuffle: true,
  seed: 1,
  onBadImage: 'fail',
  maxPixels: 50_000_000,
  augment: null,
  labels: null,
};

let base: string;
let photos: string;
/** Bad image files and the start of the reason each must be given. */
const bad = new Map<string, RegExp>();
/** Image files that must load. */
const good: string[] = [];

async function addGood(file: string, bytes: Buffer | Promise<Buffer>): Promise<void> {
  good.push(await writeFile(file, await bytes));
}

async function addBad(file: string, bytes: Buffer | string, reason: RegExp): Promise<void> {
  bad.set(await writeFile(file, bytes), reason);
  counts.faultsInjected++;
}

beforeAll(async () => {
  base = await tempFolder();
  photos = path.join(base, 'photos');
  const cat = path.join(photos, 'cat');
  const dog = path.join(photos, 'dog');
  for (let i = 0; i < 4; i++) {
    good.push(await writeSolidImage(path.join(cat, `cat${i}.jpg`), RED, 10 + i));
    good.push(await writeSolidImage(path.join(dog, `dog${i}.png`), BLUE, 10 + i));
  }
  // Unusual files that are fine: converted on decode.
  await addGood(path.join(cat, 'deep16.png'), solid(9, 9, RED).toColourspace('rgb16').png().toBuffer());
  await addGood(path.join(dog, 'cmyk.jpg'), solid(9, 9, BLUE).toColourspace('cmyk').jpeg().toBuffer());
  await addGood(path.join(cat, 'alpha.png'), solid(9, 9, RED).ensureAlpha(0.3).png().toBuffer());
  await addGood(path.join(dog, 'really-a-png.jpg'), solid(9, 9, BLUE).png().toBuffer());
  await addGood(path.join(dog, 'nested', 'deeper', 'dog-deep.webp'), solid(9, 9, BLUE).webp({ lossless: true }).toBuffer());

  // Bad files.
  await addBad(path.join(cat, 'zero.jpg'), '', /^empty file \(0 bytes\)/);
  await addBad(path.join(dog, 'truncated.jpg'), await truncatedJpeg(), /^truncated or corrupt image data/);
  await addBad(path.join(cat, 'notes.png'), 'these are my notes, not a picture\n', /^not an image/);
  await addBad(path.join(dog, 'nested', 'bomb.png'), await pngDeclaring(100_000, 100_000), /^declares 100000x100000 = 10,000,000,000 pixels, over the limit/);

  // An unreadable file: only bad when the tests do not run as root (root reads a mode-000 file).
  const locked = path.join(cat, 'locked.png');
  await writeFile(locked, await solid(9, 9, RED).png().toBuffer());
  await fs.chmod(locked, 0o000);
  if (isRoot()) {
    console.log('data faults: running as root, which reads a mode-000 file, so locked.png is expected to load; as another user it is expected as "permission denied"');
    good.push(locked);
  } else {
    bad.set(locked, /^cannot be read: permission denied/);
    counts.faultsInjected++;
  }

  // Files and links that are not images and must be passed over without a word.
  await writeFile(path.join(cat, '.DS_Store'), Buffer.from([0, 0, 0, 1, 66, 117, 100, 49]));
  await writeFile(path.join(dog, 'Thumbs.db'), Buffer.alloc(512, 0xd0));
  await writeFile(path.join(dog, '._dog0.png'), 'AppleDouble resource fork');
  await writeFile(path.join(photos, '.hidden-class', 'x.png'), await solid(9, 9, RED).png().toBuffer());
  await writeFile(path.join(photos, 'README.txt'), 'cats and dogs');
  await fs.symlink(cat, path.join(cat, 'loop'));
  counts.faultsInjected += 5;
});

afterAll(async () => {
  await fs.chmod(path.join(photos, 'cat', 'locked.png'), 0o644).catch(() => undefined);
  await fs.rm(base, { recursive: true, force: true });
});

describe('a folder with every kind of bad file', () => {
  it('on bad image fail: one error before training naming every bad file with its reason, and no good one', async () => {
    const error = await loadData(PLAN, base, { concurrency: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    const { code, message, help } = error as RunError;
    expect(code).toBe('TL4108');
    expect(message).toMatch(new RegExp(`^${bad.size} of ${bad.size + good.length} image files cannot be used`));
    for (const [file, reason] of bad) {
      const line = message.split('\n').find((l) => l.trim().startsWith(`${file}: `));
      expect(line, `${file} is listed`).toBeDefined();
      expect(line!.trim().slice(file.length + 2), `${file}'s reason`).toMatch(reason);
      counts.filesChecked++;
    }
    for (const file of good) expect(message, `${file} is not listed`).not.toContain(`${file}:`);
    expect(help).toContain('on bad image skip');
  });

  it('on bad image skip: trains on exactly the good images and reports every bad one', async () => {
    const data = await loadData({ ...PLAN, onBadImage: 'skip' }, base, { concurrency: 4 });
    const loaded = [...data.training.files, ...(data.validation?.files ?? [])].sort();
    expect(loaded).toEqual([...good].sort());
    counts.filesChecked += loaded.length;
    expect(data.classes).toEqual(['cat', 'dog']);
    const report = data.warnings.find((w) => /^skipped \d+ of/.test(w));
    expect(report).toMatch(new RegExp(`^skipped ${bad.size} of ${bad.size + good.length} image files that cannot be used`));
    for (const file of bad.keys()) expect(report, `${file} is reported`).toContain(file);
    expect(data.warnings.some((w) => w.includes('symbolic link loop') && w.includes(path.join(photos, 'cat', 'loop')))).toBe(true);
    // Every decoded image has the plan's shape, whatever its format was.
    for (let i = 0; i < data.training.size; i++) expect(data.training.image(i).length).toBe(12 * 12 * 3);
  });
});

const tlc = fileURLToPath(new URL('../../packages/cli/bin/tlc.mjs', import.meta.url));

/** `tlc run` on a 12x12 pipeline over the bad folder with the given policy. */
function runWithPolicy(policy: 'fail' | 'skip'): { status: number | null; output: string } {
  const file = join(base, `${policy}.tl`);
  writeFileSync(
    file,
    `data "photos" {\n  image 32x32 rgb\n  validation 25% seed 3\n  batch 4\n  on bad image ${policy}\n}\n` +
      `use MobileNetV2 alpha 0.35 weights none freeze none\npreprocess rescale 1/255\nhead dense 2\ntrain {\n  epochs 1\n}\n`,
  );
  const result = spawnSync(process.execPath, [tlc, 'run', file, '--out', join(base, `run-${policy}`)], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1', TLC_HOME: join(base, 'home') } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('tlc run over the folder with every kind of bad file', () => {
  if (!COMMANDS.some((c) => c.name === 'run')) {
    it.todo('tlc run with on bad image fail / skip (the run command is not registered yet)');
    return;
  }

  it('on bad image fail: exit 1 before any epoch, every bad file named with its reason', () => {
    const { status, output } = runWithPolicy('fail');
    expect(status, output).toBe(1);
    for (const [file, reason] of bad) expect(output).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${reason.source.slice(1)}`));
    expect(output).not.toMatch(/epoch 1\//);
    expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });

  it('on bad image skip: trains on the good images and reports the bad ones', () => {
    const { status, output } = runWithPolicy('skip');
    expect(status, output).toBe(0);
    expect(output).toMatch(new RegExp(`skipped ${bad.size} of ${bad.size + good.length} image files`));
    const [, training, validation] = /data: (\d+) training images, (\d+) validation images/.exec(output) ?? [];
    expect(Number(training) + Number(validation)).toBe(good.length);
    expect(output).toMatch(/epoch 1\/1/);
  });
});

describe('class names from the data never lead outside the data folder', () => {
  it('refuses a class folder linking outside, and expected classes that are not plain names', async () => {
    const root = await tempFolder();
    const outside = await tempFolder();
    try {
      await writeSolidImage(path.join(root, 'cat', 'a.png'), RED);
      await writeSolidImage(path.join(outside, 'secret.png'), RED);
      await fs.symlink(outside, path.join(root, 'dog'));
      const linked = await scanImageFolder(root).catch((e: unknown) => e);
      expect((linked as RunError).code).toBe('TL4106');
      expect((linked as RunError).message).toContain('outside the data folder');
      counts.faultsInjected++;
      // A validation folder is scanned for the training classes by name: a name that is a path is refused (as not a class folder here, or as unsafe).
      for (const name of ['..', '../cat', 'cat/../..', '/etc', 'a\\..\\b', '.']) {
        const error = await scanImageFolder(root, { expectedClasses: [name, 'cat'], role: 'validation folder' }).catch((e: unknown) => e);
        expect(error, name).toBeInstanceOf(RunError);
        expect((error as RunError).code, name).toMatch(/^TL410[67]$/);
        counts.faultsInjected++;
      }
    } finally {
      await fs.rm(root, { recursive: true, force: true });
      await fs.rm(outside, { recursive: true, force: true });
    }
  });
});
