// report.html on its own: self-contained, and the pipeline source highlighted with the grammar.
import { highlightHtml } from '@tlc/language';
import { describe, expect, it } from 'vitest';
import { reportHtml } from '../../src/run/report-html';
import type { EpochRecord } from '../../src/engine/engine';
import type { Evaluation } from '../../src/evaluate/evaluate';

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

describe('the learning-rate chart', () => {
  const stage = (name: string, lrs: number[]): EpochRecord[] =>
    lrs.map((lr, i) => ({ stage: name, epoch: i + 1, loss: 0.5, accuracy: 0.8, val_loss: 0.6, val_accuracy: 0.75, seconds: 1, imagesPerSecond: 10, lr }));
  const lrSvg = (records: EpochRecord[]) => {
    const html = reportHtml({ pipeline: 'p', backend: 'cpu', trunk: 'none', seconds: 1, epochs: records, evaluation: null });
    const svg = html.match(/<svg[^>]*aria-label="learning rate"[\s\S]*?<\/svg>/)![0];
    const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    const [, top, , height] = svg.match(/<rect x="[\d.]+" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/)!.map(Number);
    return { svg, ys, top: top!, height: height! };
  };

  it('draws the learning rate on a log axis: stages at 1e-3, 1e-4 and 1e-5 lie far apart, each decade labelled', () => {
    // Gradual unfreezing: each stage ten times lower. On a linear axis 1e-4 and 1e-5 are 9% of the height apart.
    const { svg, ys, height } = lrSvg([...stage('train', [1e-3, 1e-3]), ...stage('unfreeze block5', [1e-4, 1e-4]), ...stage('unfreeze block4', [1e-5, 1e-5])]);
    expect(ys).toHaveLength(6);
    expect(ys[2]! - ys[0]!).toBeGreaterThan(0.4 * height); // y grows downwards: lower rates lower
    expect(ys[4]! - ys[2]!).toBeGreaterThan(0.4 * height);
    expect(ys[4]! - ys[0]!).toBeGreaterThan(0.9 * height);
    for (const label of ['1e-5', '1e-4', '1e-3']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).toContain('(log scale)');
    // The two stage boundaries are still drawn (dashed).
    expect(svg.match(/stroke-dasharray="4"/g)).toHaveLength(2);
    expect(svg).not.toContain('NaN');
  });

  it('shows a cosine decay inside a fine-tune stage at 1e-5, which a linear axis beside 1e-3 flattens', () => {
    const { ys, height } = lrSvg([...stage('train', [1e-3, 1e-3]), ...stage('fine tune', [1e-5, 5e-6, 1e-6])]);
    expect(ys[4]! - ys[2]!).toBeGreaterThan(0.2 * height);
  });

  it('still renders a constant-rate run (one level mid-chart), and a rate of 0 on the bottom edge', () => {
    const { svg, ys, top, height } = lrSvg(stage('train', [1e-3, 1e-3, 1e-3]));
    expect(new Set(ys).size).toBe(1);
    expect(ys[0]!).toBeGreaterThan(top + 0.2 * height);
    expect(ys[0]!).toBeLessThan(top + 0.8 * height);
    expect(svg).toContain('>1e-3</text>');
    expect(svg).not.toContain('NaN');
    const zero = lrSvg(stage('train', [1e-3, 0]));
    expect(zero.ys[1]).toBeCloseTo(zero.top + zero.height, 0);
    expect(zero.svg).toContain('fill="none" stroke="#9467bd"');
    expect(zero.svg).not.toMatch(/NaN|Infinity/);
  });
});

describe("a multi-label model's wrong label sets", () => {
  it('reads on its own: an empty prediction says no class reached the threshold, with the most probable class and the worst mistake in words', () => {
    const evaluation: Evaluation = {
      on: 'validation', images: 2, tta: 'none', accuracyWithoutTta: null,
      accuracy: 0.5, macroF1: 0.4, top3Accuracy: null, top5Accuracy: null, rocAuc: null, confusion: [],
      perClass: [{ class: 'cat', precision: 0.5, recall: 0.5, f1: 0.5, support: 1 }, { class: 'dog', precision: 0.5, recall: 0.5, f1: 0.5, support: 1 }],
      multiLabel: { threshold: 0.5, exactMatch: 0, accuracyMulti: 0.5, samplesF1: 0.3, microF1: 0.4 },
      misclassified: [
        { file: 'img/a.png', label: 'dog', predicted: '', confidence: 0.88, highest: { class: 'cat', probability: 0.42 }, worst: { class: 'dog', probability: 0.12, error: 'missed' } },
        { file: 'img/b.png', label: '', predicted: 'cat', confidence: 0.93, highest: { class: 'cat', probability: 0.93 }, worst: { class: 'cat', probability: 0.93, error: 'predicted' } },
      ],
    } as Evaluation;
    const html = reportHtml({ pipeline: 'p', backend: 'cpu', trunk: 'none', seconds: 1, epochs, evaluation });
    expect(html).toContain('<th>predicted (probability ≥ 0.5)</th><th>most probable class</th><th>worst mistake</th>');
    expect(html).toContain('<tr><td>img/a.png</td><td>dog</td><td><i>(none reaches 0.5)</i></td><td>cat 42.0%</td><td>dog missed: 12.0%, under 0.5</td></tr>');
    expect(html).toContain('<tr><td>img/b.png</td><td><i>(no label)</i></td><td>cat</td><td>cat 93.0%</td><td>cat predicted at 93.0% (≥ 0.5) but not a label</td></tr>');
    // The bare 88.0% "confidence" of the empty prediction is gone from the page.
    expect(html).not.toContain('88.0%');
  });
});
