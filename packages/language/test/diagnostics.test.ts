// Diagnostic helpers: did-you-mean, offsets to lines and columns, and the two renderers.
import { describe, expect, it } from 'vitest';
import { analyze, didYouMean, renderJson, renderPretty, summarize, toJson, toLineColumn, type Diagnostic } from '../src/index';
import { editDistance } from '../src/diagnostics/did-you-mean';

describe('didYouMean', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('wieghts', 'weights')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });
  it('finds case-insensitive matches first, then near misses within a third of the length', () => {
    expect(didYouMean('resnet50v2', ['ResNet50', 'ResNet50V2'])).toBe('ResNet50V2');
    expect(didYouMean('ResNet5OV2', ['ResNet50', 'ResNet50V2'])).toBe('ResNet50V2');
    expect(didYouMean('AlexNet', ['ResNet50', 'VGG16'])).toBeUndefined();
    expect(didYouMean('use', ['use'])).toBeUndefined();
  });
});

describe('toLineColumn', () => {
  const source = 'ab\ncd\r\nef\rg';
  it('is 0-based and knows \\n, \\r\\n and \\r', () => {
    expect(toLineColumn(source, 0)).toEqual({ line: 0, column: 0 });
    expect(toLineColumn(source, 4)).toEqual({ line: 1, column: 1 });
    expect(toLineColumn(source, 7)).toEqual({ line: 2, column: 0 });
    expect(toLineColumn(source, 10)).toEqual({ line: 3, column: 0 });
    expect(toLineColumn(source, 99)).toEqual({ line: 3, column: 1 });
  });
});

const source = 'use VGG16\nhead dense 2 sigmoid\n';
const diagnostic: Diagnostic = {
  code: 'TL2023',
  severity: 'warning',
  message: 'm',
  span: { start: 23, end: 30 },
  notes: ['n'],
  help: 'h',
};

describe('renderers', () => {
  it('renders JSON with 1-based ranges and the end just after the span', () => {
    expect(toJson([diagnostic], source, 'a.tl')).toEqual([
      {
        code: 'TL2023',
        severity: 'warning',
        message: 'm',
        file: 'a.tl',
        range: { start: { line: 2, column: 14 }, end: { line: 2, column: 21 } },
        help: 'h',
        notes: ['n'],
      },
    ]);
    expect(JSON.parse(renderJson([{ ...diagnostic, help: undefined }], source, 'a.tl'))[0].help).toBeNull();
  });

  it('renders rustc-style text with carets under the span', () => {
    expect(renderPretty([diagnostic], source, 'a.tl', { color: false })).toBe(
      [
        'warning[TL2023]: m',
        '  --> a.tl:2:14',
        '  |',
        '2 | head dense 2 sigmoid',
        '  |              ^^^^^^^',
        '  = note: n',
        '  = help: h',
        '',
      ].join('\n'),
    );
  });

  it('colours only when asked', () => {
    expect(renderPretty([diagnostic], source, 'a.tl', { color: false })).not.toContain('\x1b[');
    expect(renderPretty([diagnostic], source, 'a.tl', { color: true })).toContain('\x1b[1;33mwarning[TL2023]');
  });

  it('shows one caret for an empty span at the end of the file', () => {
    const atEnd: Diagnostic = { code: 'TL1005', severity: 'error', message: 'x', span: { start: source.length, end: source.length } };
    expect(renderPretty([atEnd], source, 'a.tl')).toContain('3 |\n  | ^');
  });

  it('summarizes counts by severity', () => {
    expect(summarize([diagnostic, { ...diagnostic, severity: 'error' }, { ...diagnostic, severity: 'error' }])).toBe('2 errors, 1 warning');
    expect(summarize([])).toBe('');
  });

  it('shows at most `limit` diagnostics and counts the rest by severity', () => {
    const many = [diagnostic, { ...diagnostic, severity: 'error' as const }, { ...diagnostic, severity: 'error' as const }];
    const text = renderPretty(many, source, 'a.tl', { color: false, limit: 1 });
    expect(text.match(/TL2023/g)).toHaveLength(1);
    expect(text).toMatch(/… and 2 more diagnostics not shown \(2 errors\)/);
  });

  it('cuts a long line to a window around the span, with the caret still under it', () => {
    const line = `use ${'x'.repeat(5000)}VGG16${'y'.repeat(5000)}`;
    const at = line.indexOf('VGG16');
    const text = renderPretty([{ ...diagnostic, span: { start: at, end: at + 5 } }], line, 'a.tl', { color: false });
    const [, , , excerpt, carets] = text.split('\n');
    expect(excerpt.length).toBeLessThan(200);
    expect(excerpt).toMatch(/^1 \| …x+VGG16y+…$/);
    expect(excerpt.indexOf('VGG16')).toBe(carets.indexOf('^'));
    expect(carets).toMatch(/\| +\^{5}$/);
  });

  it('cuts a message that quotes a huge word', () => {
    const word = 'x'.repeat(100_000);
    const text = renderPretty(analyze(`use ${word}\nhead dense 2\n`).diagnostics, `use ${word}\nhead dense 2\n`, 'a.tl');
    expect(text.length).toBeLessThan(2_000);
    expect(text).toContain('more characters)');
  });

  it('renders thousands of diagnostics on one 36 KB line without running out of string (it threw RangeError)', () => {
    const nested = 'train { '.repeat(4_500);
    const { diagnostics } = analyze(nested);
    expect(diagnostics.length).toBeGreaterThan(4_000);
    const text = renderPretty(diagnostics, nested, 'nested.tl');
    expect(text.length).toBeLessThan(100_000);
    expect(text).toContain(`… and ${(diagnostics.length - 50).toLocaleString('en-US')} more diagnostics not shown`);
  });
});
