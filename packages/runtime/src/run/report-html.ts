// report.html: a self-contained page (no scripts, no external files) with the training curves
// and the confusion matrix drawn as inline SVG, the per-class table and the misclassified files,
// and the pipeline's `.tl` source highlighted with the editor grammar (when the run came from one).
import type { Evaluation, Misclassified } from '../evaluate/evaluate';
import { extraMetricsText, multiLabelText } from '../evaluate/metrics';
import type { EpochRecord } from '../engine/engine';

export interface ReportInput {
  pipeline: string;
  backend: string;
  trunk: string;
  seconds: number;
  epochs: EpochRecord[];
  evaluation: Evaluation | null;
  /** The `.tl` source the plan was compiled from, already highlighted as HTML. */
  source?: { file: string; html: string };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

/** How a chart's y axis maps values: linear from 0, or log (decades; for learning rates). */
export type YScale = 'linear' | 'log';

/** The y range and ticks of a log axis: whole decades around the positive values (a constant value sits mid-chart). */
function logRange(values: number[]): { lo: number; hi: number; ticks: number[] } {
  const positive = values.filter((v) => v > 0);
  const min = positive.length ? Math.min(...positive) : 1e-3;
  const max = positive.length ? Math.max(...positive) : 1e-3;
  let a = Math.floor(Math.log10(min) + 1e-9), b = Math.ceil(Math.log10(max) - 1e-9);
  if (a === b) { a -= 1; b += 1; }
  const step = Math.ceil((b - a) / 6); // at most about 7 labelled decades
  const ticks: number[] = [];
  for (let k = b; k >= a; k -= step) ticks.push(10 ** k);
  return { lo: 10 ** a, hi: 10 ** b, ticks };
}

/** A decade as learning rates are written: 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10. */
export const decadeLabel = (v: number): string => {
  const k = Math.round(Math.log10(v));
  return k < 0 ? `1e${k}` : String(10 ** k);
};

/**
 * A line chart of per-epoch series (x: epochs across all stages). With `scale: 'log'` the y axis
 * is logarithmic with a tick per decade (values ≤ 0, which a log axis cannot show, are drawn on
 * its bottom edge as hollow dots).
 */
export function lineChart(title: string, series: Series[], stageStarts: number[], tick: (v: number) => string = (v) => v.toFixed(2), scale: YScale = 'linear'): string {
  const w = 460, h = 220, left = 44, right = 10, top = 24, bottom = 28;
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const n = Math.max(...series.map((s) => s.values.length), 1);
  const log = scale === 'log' ? logRange(all) : null;
  const lo = log ? log.lo : Math.min(0, ...all);
  const hi = log ? log.hi : Math.max(...all, lo + 1e-9);
  const x = (i: number) => left + (n === 1 ? (w - left - right) / 2 : (i / (n - 1)) * (w - left - right));
  const share = (v: number) => (log ? (v <= 0 ? 0 : (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) : (v - lo) / (hi - lo));
  const y = (v: number) => top + (1 - share(v)) * (h - top - bottom);
  const lines = series.map((s) => {
    const pts = s.values.map((v, i) => (v === null || !Number.isFinite(v) ? null : { cx: x(i).toFixed(1), cy: y(v).toFixed(1), off: log !== null && v <= 0 }));
    const path = pts.filter((p) => p !== null).map((p) => `${p.cx},${p.cy}`).join(' ');
    const dots = pts.filter((p) => p !== null)
      .map((p) => `<circle cx="${p.cx}" cy="${p.cy}" r="2.5" ${p.off ? `fill="none" stroke="${s.color}"` : `fill="${s.color}"`}/>`).join('');
    return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${path}"/>${dots}`;
  });
  const legend = series.map((s, i) => `<text x="${left + 8 + i * 110}" y="16" fill="${s.color}" font-size="12">■ ${esc(s.name)}${log ? ' (log scale)' : ''}</text>`).join('');
  const stages = stageStarts.slice(1).map((i) => `<line x1="${x(i - 0.5)}" x2="${x(i - 0.5)}" y1="${top}" y2="${h - bottom}" stroke="#bbb" stroke-dasharray="4"/>`).join('');
  const tickValues = log ? log.ticks : [lo, (lo + hi) / 2, hi];
  const ticks = tickValues.map((v) => `<text x="${left - 4}" y="${y(v) + 4}" font-size="10" text-anchor="end">${log ? decadeLabel(v) : tick(v)}</text>`).join('');
  const grid = log ? log.ticks.map((v) => `<line x1="${left}" x2="${w - right}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`).join('') : '';
  const xticks = Array.from({ length: n }, (_, i) => i).filter((i) => n <= 12 || i % Math.ceil(n / 12) === 0)
    .map((i) => `<text x="${x(i)}" y="${h - 10}" font-size="10" text-anchor="middle">${i + 1}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="${esc(title)}">` +
    `<rect x="${left}" y="${top}" width="${w - left - right}" height="${h - top - bottom}" fill="#fafafa" stroke="#ddd"/>` +
    `${grid}${stages}${ticks}${xticks}${lines.join('')}${legend}</svg>`;
}

/** The confusion matrix as a shaded grid with counts (rows: true, columns: predicted). */
export function confusionSvg(confusion: number[][], classNames: string[]): string {
  const cell = 44, label = 90, n = classNames.length;
  const max = Math.max(1, ...confusion.flat());
  const w = label + n * cell + 10, h = label + n * cell + 10;
  const cells = confusion.flatMap((row, r) => row.map((v, c) => {
    const shade = Math.round(255 - (v / max) * 200);
    const fill = r === c ? `rgb(${shade},${Math.min(255, shade + 40)},${shade})` : `rgb(255,${shade},${shade})`;
    const cx = label + c * cell, cy = label + r * cell;
    return `<rect x="${cx}" y="${cy}" width="${cell}" height="${cell}" fill="${fill}" stroke="#fff"/>` +
      `<text x="${cx + cell / 2}" y="${cy + cell / 2 + 4}" font-size="12" text-anchor="middle">${v}</text>`;
  }));
  const rows = classNames.map((name, i) => `<text x="${label - 6}" y="${label + i * cell + cell / 2 + 4}" font-size="11" text-anchor="end">${esc(name)}</text>`);
  const cols = classNames.map((name, i) => `<text transform="translate(${label + i * cell + cell / 2},${label - 6}) rotate(-45)" font-size="11">${esc(name)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="confusion matrix">` +
    `<text x="4" y="14" font-size="11" fill="#666">rows: true class; columns: predicted</text>${rows.join('')}${cols.join('')}${cells.join('')}</svg>`;
}

/**
 * A multi-label model's wrong label sets, each row readable on its own: the sets (an empty one
 * says no class reached the threshold), the most probable class with its probability, and the
 * decision furthest on the wrong side in words.
 */
export function multiLabelMistakes(rows: Misclassified[], threshold: number): string {
  const set = (labels: string, none: string) => (labels === '' ? `<i>${esc(none)}</i>` : esc(labels));
  const worst = (m: Misclassified) => {
    if (!m.worst) return pct(m.confidence);
    const { class: name, probability: p, error } = m.worst;
    return error === 'predicted'
      ? `${esc(name)} predicted at ${pct(p)} (≥ ${threshold}) but not a label`
      : `${esc(name)} missed: ${pct(p)}, under ${threshold}`;
  };
  return `<table><tr><th>file</th><th>true labels</th><th>predicted (probability ≥ ${threshold})</th><th>most probable class</th><th>worst mistake</th></tr>
${rows.map((m) => `<tr><td>${esc(m.file)}</td><td>${set(m.label, '(no label)')}</td><td>${set(m.predicted, `(none reaches ${threshold})`)}</td><td>${m.highest ? `${esc(m.highest.class)} ${pct(m.highest.probability)}` : ''}</td><td>${worst(m)}</td></tr>`).join('\n')}
</table>`;
}

export function reportHtml(input: ReportInput): string {
  const e = input.epochs;
  const starts = e.map((r, i) => (i === 0 || e[i - 1].stage !== r.stage ? i : -1)).filter((i) => i >= 0);
  const lossChart = lineChart('loss', [
    { name: 'loss', color: '#1f77b4', values: e.map((r) => r.loss) },
    { name: 'val_loss', color: '#ff7f0e', values: e.map((r) => r.val_loss) },
  ], starts);
  const accChart = lineChart('accuracy', [
    { name: 'accuracy', color: '#2ca02c', values: e.map((r) => r.accuracy) },
    { name: 'val_accuracy', color: '#d62728', values: e.map((r) => r.val_accuracy) },
  ], starts);
  // The learning rate each epoch ended with (schedules move it; runs before them did not record it),
  // on a log axis: a fine-tune stage at 1e-5 after one at 1e-3 would lie flat on a linear one.
  const lrChart = e.some((r) => r.lr !== undefined)
    ? lineChart('learning rate', [{ name: 'learning rate', color: '#9467bd', values: e.map((r) => r.lr ?? null) }], starts, undefined, 'log')
    : '';
  // Each stage by name with its epochs (several `fine tune` stages: gradual unfreezing).
  const stageNames = starts.map((i) => e[i].stage);
  const stagesList = stageNames.length === 0 ? '' : `<p>Stages: ${stageNames.map((name, k) => {
    const count = (starts[k + 1] ?? e.length) - starts[k];
    return `${esc(name)} (${count} epoch${count === 1 ? '' : 's'})`;
  }).join(', ')}; dashed lines mark where each stage starts.</p>`;
  // Each stage freezes its own trunk: with several, the one shown is the last stage's.
  const trunkLabel = stageNames.length > 1 ? `Trunk of the last stage, ${esc(stageNames[stageNames.length - 1]!)}` : 'Trunk';
  const ev = input.evaluation;
  const evaluation = ev
    ? `<h2>Evaluation on ${esc(ev.on)} (${ev.images} images): ${ev.multiLabel ? 'accuracy_multi' : 'accuracy'} ${pct(ev.accuracy)}</h2>
${ev.accuracyWithoutTta === null || ev.accuracyWithoutTta === undefined ? '' : `<p>With test-time augmentation (each image averaged with its mirror image): ${pct(ev.accuracy)}; without: ${pct(ev.accuracyWithoutTta)} (${ev.accuracy >= ev.accuracyWithoutTta ? '+' : '−'}${(Math.abs(ev.accuracy - ev.accuracyWithoutTta) * 100).toFixed(1)} points).</p>`}
<p>${esc(ev.multiLabel ? `Multi-label: each class predicted at probability ≥ ${ev.multiLabel.threshold}; ${multiLabelText(ev.multiLabel)}, macro F1 ${ev.macroF1.toFixed(3)}` : extraMetricsText(ev))}.</p>
${ev.confusion.length > 0 ? confusionSvg(ev.confusion, ev.perClass.map((c) => c.class)) : ''}
<table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>
${ev.perClass.map((c) => `<tr><td>${esc(c.class)}</td><td>${pct(c.precision)}</td><td>${pct(c.recall)}</td><td>${c.f1.toFixed(3)}</td><td>${c.support}</td></tr>`).join('\n')}
</table>
<h2>${ev.multiLabel ? 'Images with a wrong label set' : 'Misclassified files'} (${ev.misclassified.length})</h2>
${ev.misclassified.length === 0 ? '<p>None.</p>' : ev.multiLabel ? multiLabelMistakes(ev.misclassified, ev.multiLabel.threshold) : `<table><tr><th>file</th><th>true</th><th>predicted</th><th>confidence</th></tr>
${ev.misclassified.map((m) => `<tr><td>${esc(m.file)}</td><td>${esc(m.label)}</td><td>${esc(m.predicted)}</td><td>${pct(m.confidence)}</td></tr>`).join('\n')}
</table>`}`
    : '<p>No evaluation in this plan.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tlc run: ${esc(input.pipeline)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 10px;text-align:left}svg{margin:8px 16px 8px 0}pre.shiki{padding:1em;border:1px solid #ddd;overflow-x:auto}</style>
</head><body>
<h1>${esc(input.pipeline)}</h1>
<p>Backend: ${esc(input.backend)}. ${trunkLabel}: ${esc(input.trunk)}. Time: ${input.seconds.toFixed(1)} s.</p>
<h2>Training</h2>
${stagesList}
${lossChart}${accChart}${lrChart}
${evaluation}
${input.source ? `<h2>Pipeline: ${esc(input.source.file)}</h2>\n${input.source.html}` : ''}
</body></html>
`;
}
