// scanImageFolder on real folders: class order, nested folders, what is ignored, symbolic link
// loops, unsafe class folders, and every layout error with its code and the folder it names.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertSafeClassFolder, listImageFiles, scanImageFolder } from '../../src/data/index';
import { RunError } from '../../src/messages';
import { RED, tempFolder, writeFile, writeSolidImage } from './fixtures';

async function scanError(dir: string, options?: Parameters<typeof scanImageFolder>[1]): Promise<RunError> {
  const error = await scanImageFolder(dir, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RunError);
  return error as RunError;
}

describe('scanImageFolder', () => {
  it('takes sorted class folders as labels and follows nested folders, ignoring hidden and non-image files', async () => {
    const root = await tempFolder();
    await writeSolidImage(path.join(root, 'dog', 'b.png'), RED);
    await writeSolidImage(path.join(root, 'dog', 'a.JPG'), RED);
    await writeSolidImage(path.join(root, 'dog', 'puppies', 'deep', 'c.webp'), RED);
    await writeSolidImage(path.join(root, 'Cat', 'x.png'), RED);
    await writeSolidImage(path.join(root, 'bird', 'y.gif'), RED);
    await writeFile(path.join(root, 'dog', '.DS_Store'), 'mac');
    await writeFile(path.join(root, 'dog', 'Thumbs.db'), 'windows');
    await writeFile(path.join(root, 'dog', 'notes.txt'), 'text');
    await writeSolidImage(path.join(root, 'dog', '.hidden.png'), RED);
    await writeSolidImage(path.join(root, 'dog', '.cache', 'z.png'), RED);
    await writeSolidImage(path.join(root, '.ipynb_checkpoints', 'w.png'), RED);
    await writeFile(path.join(root, 'README.txt'), 'about the data');

    const scanned = await scanImageFolder(root);
    expect(scanned.root).toBe(root);
    expect(scanned.classes).toEqual(['Cat', 'bird', 'dog']);
    expect(scanned.items.map((i) => [i.relativePath, i.label, i.className])).toEqual([
      ['Cat/x.png', 0, 'Cat'],
      ['bird/y.gif', 1, 'bird'],
      ['dog/a.JPG', 2, 'dog'],
      ['dog/b.png', 2, 'dog'],
      ['dog/puppies/deep/c.webp', 2, 'dog'],
    ]);
    expect(scanned.items[0]!.file).toBe(path.join(root, 'Cat', 'x.png'));
    expect(scanned.warnings).toEqual([]);
  });

  it('follows links inside a class folder but skips a link loop with a warning', async () => {
    const root = await tempFolder();
    await writeSolidImage(path.join(root, 'a', 'one.png'), RED);
    await writeSolidImage(path.join(root, 'a', 'sub', 'two.png'), RED);
    await fs.symlink(path.join(root, 'a'), path.join(root, 'a', 'sub', 'loop'));
    await writeSolidImage(path.join(root, 'b', 'three.png'), RED);
    await fs.symlink(path.join(root, 'b', 'three.png'), path.join(root, 'b', 'linked.png'));
    await fs.symlink(path.join(root, 'b', 'missing.png'), path.join(root, 'b', 'broken.png'));

    const scanned = await scanImageFolder(root);
    expect(scanned.items.map((i) => i.relativePath)).toEqual(['a/one.png', 'a/sub/two.png', 'b/linked.png', 'b/three.png']);
    expect(scanned.warnings).toHaveLength(2);
    expect(scanned.warnings[0]).toContain(`symbolic link loop: ${path.join(root, 'a', 'sub', 'loop')}`);
    expect(scanned.warnings[1]).toContain(`broken symbolic link: ${path.join(root, 'b', 'broken.png')}`);
  });

  it('refuses a class folder that links outside the data folder', async () => {
    const root = await tempFolder();
    const outside = await tempFolder();
    await writeSolidImage(path.join(outside, 'x.png'), RED);
    await writeSolidImage(path.join(root, 'a', 'one.png'), RED);
    await fs.symlink(outside, path.join(root, 'b'));
    const error = await scanError(root);
    expect(error.code).toBe('TL4106');
    expect(error.message).toContain('"b"');
    expect(error.message).toContain('outside the data folder');
  });

  it('refuses class names that are not plain names inside the data folder', async () => {
    const root = await tempFolder();
    for (const name of ['..', '.', '../elsewhere', 'a/b', 'a\\b', '']) {
      const error = await assertSafeClassFolder(root, name).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(RunError);
      expect((error as RunError).code).toBe('TL4106');
    }
    await fs.mkdir(path.join(root, 'cats'));
    expect(await assertSafeClassFolder(root, 'cats')).toBe(path.join(root, 'cats'));
  });

  it('names a missing data folder, or a file given as one', async () => {
    const root = await tempFolder();
    const missing = path.join(root, 'nope');
    const error = await scanError(missing);
    expect(error.code).toBe('TL4101');
    expect(error.message).toBe(`the data folder does not exist: ${missing}`);
    const file = await writeFile(path.join(root, 'file.txt'), 'x');
    expect((await scanError(file)).message).toContain(`the data folder is not a folder: ${file}`);
  });

  it('says there are no class folders, and notices images lying loose in the data folder', async () => {
    const root = await tempFolder();
    await writeSolidImage(path.join(root, 'a.png'), RED);
    await writeSolidImage(path.join(root, 'b.png'), RED);
    const error = await scanError(root);
    expect(error.code).toBe('TL4102');
    expect(error.message).toContain(root);
    expect(error.message).toContain('found 2 images directly inside it');
  });

  it('refuses a single class', async () => {
    const root = await tempFolder();
    await writeSolidImage(path.join(root, 'only', 'a.png'), RED);
    const error = await scanError(root);
    expect(error.code).toBe('TL4103');
    expect(error.message).toContain('(only)');
  });

  it('names every empty class folder', async () => {
    const root = await tempFolder();
    await writeSolidImage(path.join(root, 'cats', 'a.png'), RED);
    await writeFile(path.join(root, 'dogs', 'readme.txt'), 'soon');
    await fs.mkdir(path.join(root, 'fish'));
    const error = await scanError(root);
    expect(error.code).toBe('TL4104');
    expect(error.message).toContain('these class folders dogs, fish have no images');
  });

  it('says when no class folder has any image', async () => {
    const root = await tempFolder();
    await fs.mkdir(path.join(root, 'cats'));
    await writeFile(path.join(root, 'dogs', 'list.csv'), 'a,b');
    const error = await scanError(root);
    expect(error.code).toBe('TL4105');
    expect(error.message).toContain(`${root} has no images in any of its class folders (cats, dogs)`);
  });

  it('requires a second folder to have exactly the training classes', async () => {
    const root = await tempFolder();
    await writeSolidImage(path.join(root, 'cats', 'a.png'), RED);
    await writeSolidImage(path.join(root, 'fish', 'b.png'), RED);
    const error = await scanError(root, { expectedClasses: ['cats', 'dogs'], role: 'validation folder' });
    expect(error.code).toBe('TL4107');
    expect(error.message).toContain('the validation folder');
    expect(error.message).toContain('missing dogs; not in training: fish');
    const single = await tempFolder();
    await writeSolidImage(path.join(single, 'cats', 'a.png'), RED);
    expect((await scanImageFolder(single, { expectedClasses: ['cats'] })).items).toHaveLength(1);
  });
});

describe('listImageFiles', () => {
  it('lists the images under a plain folder, sorted, for prediction', async () => {
    const root = await tempFolder();
    await writeSolidImage(path.join(root, 'z.png'), RED);
    await writeSolidImage(path.join(root, 'in', 'a.jpg'), RED);
    await writeFile(path.join(root, 'a.txt'), 'no');
    expect((await listImageFiles(root)).map((f) => f.relativePath)).toEqual(['in/a.jpg', 'z.png']);
    const error = await listImageFiles(path.join(root, 'gone')).catch((e: unknown) => e);
    expect((error as RunError).code).toBe('TL4101');
  });
});
