// `labels "FILE"`: the CSV reader (RFC 4180 quoting, a byte-order mark, CRLF, blank lines, quoted
// line breaks) and a data folder read through its labels file: classes from the labels used,
// items in the file's order with every label, the seeded validation split unchanged, and each
// data error with its code (TL4111 unreadable, TL4112 not a CSV tlc reads, TL4113 a listed image
// that is not there or lies outside the data folder, TL4114 an image listed twice) and warnings
// for images not listed and labels on a single image.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvError, parseCsv, scanLabelsFile, splitLabels, splitValidation } from '../../src/data/index';
import { loadData } from '../../src/data/load';
import { RunError } from '../../src/messages';
import { BLUE, RED, tempFolder, writeFile, writeSolidImage } from './fixtures';

describe('parseCsv', () => {
  it('reads fields, quoted fields with commas, quotes and line breaks, CRLF, a BOM and blank lines', () => {
    const text = '\ufefffile,labels\r\n"a, b.png","x ""y"" z"\r\n\r\nc.png,"two\nlines"\nd.png,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['file', 'labels'] },
      { line: 2, fields: ['a, b.png', 'x "y" z'] },
      { line: 4, fields: ['c.png', 'two\nlines'] },
      { line: 6, fields: ['d.png', ''] },
    ]);
  });

  it('reads a last row without a line end, and an empty quoted field', () => {
    expect(parseCsv('f,l\na.png,""')).toEqual([{ line: 1, fields: ['f', 'l'] }, { line: 2, fields: ['a.png', ''] }]);
  });

  it('refuses a quote left open, text after a closing quote and a quote inside an unquoted field, naming the line', () => {
    const failure = (text: string) => {
      try {
        parseCsv(text);
      } catch (error) {
        return error as CsvError;
      }
      throw new Error('parsed');
    };
    expect(failure('f,l\n"a.png,x\n')).toMatchObject({ line: 2, why: expect.stringContaining('not closed') });
    expect(failure('f,l\n\n"a.png"x,y\n')).toMatchObject({ line: 3, why: expect.stringContaining('after a closing quote') });
    expect(failure('f,l\na"b.png,y\n')).toMatchObject({ line: 2, why: expect.stringContaining('inside an unquoted field') });
  });

  it('splits labels on spaces and tabs, each once', () => {
    expect(splitLabels(' cat  dog\tcat ')).toEqual(['cat', 'dog']);
    expect(splitLabels('')).toEqual([]);
  });

  it('splits labels on another separator exactly, each label trimmed, so labels may hold spaces', () => {
    expect(splitLabels('golden retriever; tabby cat;;golden retriever ', ';')).toEqual(['golden retriever', 'tabby cat']);
    expect(splitLabels('a b|c', '|')).toEqual(['a b', 'c']);
    expect(splitLabels('a\tb c', '\t')).toEqual(['a', 'b c']);
    expect(splitLabels(' ', ';')).toEqual([]);
  });
});

describe('a data folder read through its labels file', () => {
  let root: string;
  beforeAll(async () => {
    root = await tempFolder();
    for (let i = 0; i < 6; i++) {
      await writeSolidImage(join(root, 'images', `red-${i}.png`), RED, 8);
      await writeSolidImage(join(root, 'images', `blue-${i}.png`), BLUE, 8);
    }
    await writeSolidImage(join(root, 'extra', 'unlisted.png'), RED, 8);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const rows = (n = 6) => Array.from({ length: n }, (_, i) => [`images/red-${i}.png,red${i % 2 === 0 ? ' warm' : ''}`, `images\\blue-${i}.png,blue`]).flat();

  async function labels(name: string, text: string): Promise<string> {
    await writeFile(join(root, name), text);
    return name;
  }

  async function named(name: string, text: string): Promise<{ path: string }> {
    return { path: await labels(name, text) };
  }

  async function refusal(name: string): Promise<RunError> {
    try {
      await scanLabelsFile(root, { path: name });
    } catch (error) {
      if (error instanceof RunError) return error;
      throw error;
    }
    throw new Error('not refused');
  }

  it('gives the sorted labels as classes and each listed image all its labels, in the file order', async () => {
    const scanned = await scanLabelsFile(root, await named('ok.csv', ['file,tags', ...rows()].join('\n')));
    expect(scanned.classes).toEqual(['blue', 'red', 'warm']);
    expect(scanned.items).toHaveLength(12);
    expect(scanned.items[0]).toEqual({ file: join(root, 'images', 'red-0.png'), relativePath: 'images/red-0.png', label: 1, className: 'red', labels: [1, 2] });
    expect(scanned.items[1]).toMatchObject({ relativePath: 'images/blue-0.png', label: 0, labels: [0] });
    expect(scanned.warnings).toEqual(['1 image in the data folder is not listed in ok.csv and left out (extra/unlisted.png)']);
  });

  it('reads only the listed images, as flow_from_dataframe and from_csv do: the unlisted ones are one warning line with their count and three examples', async () => {
    // Half the images left out of the file: 6 unlisted here, plus extra/unlisted.png.
    const listed = rows().filter((r) => !/-[024]\.png/.test(r));
    const scanned = await scanLabelsFile(root, await named('half.csv', ['file,tags', ...listed].join('\n')));
    expect(scanned.items.map((item) => item.relativePath)).toEqual(listed.map((r) => r.split(',')[0]!.replace('\\', '/')));
    expect(scanned.warnings).toEqual(['7 images in the data folder are not listed in half.csv and left out (extra/unlisted.png, images/blue-0.png, images/blue-2.png, …)']);
  });

  it('keeps the seeded, stratified validation split of class folders (by each image\'s first label)', async () => {
    const scanned = await scanLabelsFile(root, { path: 'ok.csv' });
    const a = splitValidation(scanned.items, 0.34, 9);
    const b = splitValidation(scanned.items, 0.34, 9);
    expect(a.validation.map((i) => i.relativePath)).toEqual(b.validation.map((i) => i.relativePath));
    expect(a.validation.filter((i) => i.label === 0)).toHaveLength(2);
    expect(a.validation.filter((i) => i.label === 1)).toHaveLength(2);
    expect(splitValidation(scanned.items, 0.34, 10).validation.map((i) => i.relativePath)).not.toEqual(a.validation.map((i) => i.relativePath));
  });

  it('loads multi-hot targets the training loop reads', async () => {
    const plan = {
      directory: root, imageSize: [8, 8] as [number, number], colorMode: 'rgb' as const, resize: 'stretch' as const, validation: { mode: 'split' as const, fraction: 0.34, seed: 9 },
      batchSize: 4, shuffle: true, seed: 1, onBadImage: 'fail' as const, maxPixels: 1_000_000, augment: null, labels: { path: 'ok.csv', fileColumn: 0, labelColumn: 1, separator: ' ' },
    };
    const data = await loadData(plan, root);
    expect(data.classes).toEqual(['blue', 'red', 'warm']);
    expect(data.training.size + data.validation!.size).toBe(12);
    expect(data.training.multiLabel).toBe(true);
    for (const set of [data.training, data.validation!]) {
      const want = set.files.flatMap((f) => {
        const [, colour, n] = /(red|blue)-(\d)\.png$/.exec(f)!;
        return colour === 'blue' ? [1, 0, 0] : [0, 1, Number(n) % 2 === 0 ? 1 : 0];
      });
      expect(Array.from(set.targetRows(set.files.map((_, i) => i)))).toEqual(want);
    }
  });

  it('warns of a label only one image has', async () => {
    const scanned = await scanLabelsFile(root, await named('rare.csv', ['file,tags', ...rows(), 'extra/unlisted.png,red spotted'].join('\n')));
    expect(scanned.warnings).toContain('the label spotted is on a single image: too few to learn from, and at most one of training and validation has it');
  });

  it('reads the columns a header names, in any order, other columns ignored', async () => {
    const text = ['id,tags,note,image', ...rows().map((r, i) => { const [f, l] = r.split(','); return `${i},"${l}",x,${f}`; })].join('\n');
    const scanned = await scanLabelsFile(root, { path: await labels('named.csv', text), fileColumn: 'image', labelColumn: 'tags' });
    expect(scanned.classes).toEqual(['blue', 'red', 'warm']);
    expect(scanned.items[0]).toMatchObject({ relativePath: 'images/red-0.png', labels: [1, 2] });
    expect((await scanLabelsFile(root, { path: 'named.csv', fileColumn: 3, labelColumn: 1 })).items).toEqual(scanned.items);
  });

  it('separator ";": labels with spaces, and one spaced label per image reads as single-label', async () => {
    const spaced = ['file,tags', ...rows().map((r) => r.replace('red warm', 'dark red; warm tone').replace(',red', ',dark red').replace(',blue', ',light blue'))].join('\n');
    const scanned = await scanLabelsFile(root, { path: await labels('spaced.csv', spaced), fileColumn: 0, labelColumn: 1, separator: ';' });
    expect(scanned.classes).toEqual(['dark red', 'light blue', 'warm tone']);
    expect(scanned.items[0]).toMatchObject({ relativePath: 'images/red-0.png', className: 'dark red', labels: [0, 2] });
    expect(scanned.warnings.filter((w) => w.includes('separat'))).toEqual([]);
    const single = ['file,kind', ...rows().map((r) => r.replace(',red warm', ',red').replace(',red', ',dark red').replace(',blue', ',light blue'))].join('\n');
    const one = await scanLabelsFile(root, { path: await labels('single.csv', single), fileColumn: 0, labelColumn: 1, separator: ';' });
    expect(one.classes).toEqual(['dark red', 'light blue']);
    expect(one.items.every((item) => item.labels!.length === 1)).toBe(true);
  });

  it('warns once, with the clause to write, when labels hold ";" under the default space separator', async () => {
    const text = ['file,tags', ...rows().map((r) => r.replace('red warm', 'red;warm'))].join('\n');
    const scanned = await scanLabelsFile(root, await named('semi.csv', text));
    expect(scanned.classes).toEqual(['blue', 'red', 'red;warm']);
    expect(scanned.warnings.filter((w) => w.includes('separat'))).toEqual([
      '1 label in semi.csv holds ";" ("red;warm"): labels are separated by spaces; if ";" separates them, write `labels "semi.csv" separator ";"`',
    ]);
  });

  it('TL4112: a column the header does not have (with "did you mean"), out of range, or both columns the same', async () => {
    const failure = async (columns: { fileColumn: string | number; labelColumn: string | number }) => {
      try {
        await scanLabelsFile(root, { path: 'named.csv', ...columns });
      } catch (error) {
        return error as RunError;
      }
      throw new Error('not refused');
    };
    expect(await failure({ fileColumn: 'images', labelColumn: 'tags' })).toMatchObject({
      code: 'TL4112', message: expect.stringContaining('line 1: the header row has no image column "images" (did you mean "image"?); its columns are "id", "tags", "note", "image"'),
    });
    expect(await failure({ fileColumn: 'image', labelColumn: 7 })).toMatchObject({ code: 'TL4112', message: expect.stringContaining('the label column is column 8, but the header row has 4') });
    expect(await failure({ fileColumn: 'tags', labelColumn: 1 })).toMatchObject({ code: 'TL4112', message: expect.stringContaining('the same column, "tags"') });
  });

  it('TL4111: a labels file that is not there, or is a folder', async () => {
    expect(await refusal('nowhere.csv')).toMatchObject({ code: 'TL4111', message: expect.stringContaining('no such file') });
    expect(await refusal('images')).toMatchObject({ code: 'TL4111', message: expect.stringContaining('it is a folder') });
  });

  it('TL4112: an empty file, a header alone, one column, a row with one field, an empty path, an unclosed quote, one class', async () => {
    const cases: [string, RegExp][] = [
      ['', /line 1: the file is empty/],
      ['file,labels\n', /the header row is the only row/],
      ['file\nimages/red-0.png\n', /line 1: the header row has 1 column \("file"\); it needs two, the image path and its labels, e.g. `file,labels`$/],
      ['file;labels\nimages/red-0.png;red\n', /1 column \("file;labels"\).*separated by semicolons, and tlc reads commas/],
      ['file\tlabels\nimages/red-0.png\tred\n', /1 column \("file\\tlabels"\).*separated by tabs, and tlc reads commas/],
      ['file,labels\nimages/red-0.png,red\nimages/blue-0.png\n', /line 3: the row has one field/],
      ['file,labels\n ,red\n', /line 2: the image path \(first column\) is empty/],
      ['file,labels\nimages/red-0.png,"red\n', /line 2: a quoted field is not closed/],
      ['file,labels\nimages/red-0.png,red\nimages/blue-0.png,red\n', /every image has the one label "red"/],
    ];
    for (const [index, [text, message]] of cases.entries()) {
      expect(await refusal(await labels(`bad-${index}.csv`, text)), text).toMatchObject({ code: 'TL4112', message: expect.stringMatching(message) });
    }
  });

  it('TL4113: listed images that are not there, not images, or outside the data folder, each with its line', async () => {
    mkdirSync(join(root, 'outside-target'), { recursive: true });
    await writeSolidImage(join(root, '..', `${root.split('/').pop()}-outside.png`), RED, 8);
    symlinkSync(join(root, '..', `${root.split('/').pop()}-outside.png`), join(root, 'images', 'link.png'));
    const text = ['file,labels', ...rows(), 'images/missing.png,red', 'ok.csv,red', '../x.png,blue', '/etc/passwd.png,blue', 'images/link.png,red'].join('\n');
    const error = await refusal(await labels('missing.csv', text));
    expect(error.code).toBe('TL4113');
    expect(error.message).toContain('5 images listed in');
    expect(error.message).toContain('line 14: images/missing.png: no such file');
    expect(error.message).toContain('line 15: ok.csv: not an image file name');
    expect(error.message).toContain('line 16: ../x.png: outside the data folder');
    expect(error.message).toContain('line 17: /etc/passwd.png: outside the data folder');
    expect(error.message).toMatch(/line 18: images\/link.png: a link to .*outside.png, outside the data folder/);
    rmSync(join(root, 'images', 'link.png'));
    rmSync(join(root, '..', `${root.split('/').pop()}-outside.png`));
  });

  it('TL4114: one image listed twice, however its path is written', async () => {
    const error = await refusal(await labels('twice.csv', ['file,labels', ...rows(), './images/red-0.png,warm'].join('\n')));
    expect(error).toMatchObject({ code: 'TL4114', message: expect.stringContaining('lists ./images/red-0.png on lines 2 and 14') });
  });
});
