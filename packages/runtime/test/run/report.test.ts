// report.html on its own: self-contained, and the pipeline source highlighted with the grammar.
import { highlightHtml } from '@tlc/language';
import { describe, expect, it } from 'vitest';
import { reportHtml } from '../../src/run/report-html';
import type { EpochRecord } from '../../src/engine/engine';

const epochs: EpochRecord[] = [
  { stage: 'train', epoch: 1, loss: 0.9, accuracy: 0.6, val_loss: 0.8, val_accuracy: 0.7, seconds: 1, imagesPerSecond: 10 },
  { stage: 'train', epoch: 2, loss: 0.5, accuracy: 0.8, val_loss: 0.6, val_accuracy: 0.75, seconds: 1, imagesPerSecond: 10 },
];

describe('reportHtml', () => {
  it('shows the .tl source highlighted by the editor grammar, escaped and without scripts', async () => {
    const text = 'use MobileNet weights none freeze none # <b>not markup</b>\nhead dense 4\n';
    const html = reportHtml({
      pipeline: 'fashion',
      backend: 'wasm',
      trunk: 'none',
      seconds: 3,
      epochs,
      evaluation: null,
      source: { file: 'fashion.tl', html: await highlightHtml(text) },
    });
    expect(html).toContain('<h2>Pipeline: fashion.tl</h2>');
    expect(html).toMatch(/<pre class="shiki[^"]*"/);
    expect(html).toMatch(/<span style="color:#[0-9A-F]{6}">use<\/span>/i);
    expect(html).not.toContain('<b>not markup</b>');
    expect(html).not.toMatch(/<script|src="http/);
    expect(html.match(/<svg/g)).toHaveLength(2);
  });

  it('leaves the source section out for a plan run from JSON', () => {
    const html = reportHtml({ pipeline: 'p', backend: 'cpu', trunk: 'none', seconds: 1, epochs, evaluation: null });
    expect(html).not.toContain('Pipeline:');
  });
});
