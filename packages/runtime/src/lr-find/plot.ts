// lr-find.html: the range test's curve as a self-contained page (inline SVG, no scripts, as
// report.html): the smoothed loss (and each batch's loss, faint) against the learning rate on a
// log axis, the suggested rate marked, and the line to paste into the pipeline.
import type { RangePoint } from './range-test';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface PlotInput {
  pipeline: string;
  stage: string;
  points: RangePoint[];
  suggestion: number | null;
  steepest: number | null;
  /** Why the test ended, in words. */
  ended: string;
}

/** Loss against learning rate (log10 axis), the suggestion as a vertical line. */
export function rangeTestSvg(points: RangePoint[], suggestion: number | null): string {
  const w = 640, h = 360, left = 56, right = 16, top = 24, bottom = 40;
  const xs = points.map((p) => Math.log10(p.lr));
  const smoothed = points.map((p) => p.smoothed);
  const lo = Math.min(...smoothed);
  const hi = Math.max(...smoothed, lo + 1e-9);
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1e-9);
  const x = (v: number) => left + ((v - x0) / (x1 - x0)) * (w - left - right);
  // Raw losses beyond the smoothed range are drawn at its edge.
  const y = (v: number) => top + (1 - (Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * (h - top - bottom);
  const line = (values: number[]) => values.map((v, i) => `${x(xs[i]).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const decades = [];
  for (let d = Math.ceil(x0); d <= Math.floor(x1); d++) decades.push(d);
  const xticks = decades.map((d) => `<line x1="${x(d)}" x2="${x(d)}" y1="${top}" y2="${h - bottom}" stroke="#eee"/><text x="${x(d)}" y="${h - bottom + 16}" font-size="11" text-anchor="middle">1e${d}</text>`).join('');
  const yticks = [lo, (lo + hi) / 2, hi].map((v) => `<text x="${left - 4}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v.toFixed(3)}</text>`).join('');
  const mark = suggestion === null ? '' :
    `<line x1="${x(Math.log10(suggestion))}" x2="${x(Math.log10(suggestion))}" y1="${top}" y2="${h - bottom}" stroke="#d62728" stroke-dasharray="4"/>` +
    `<text x="${x(Math.log10(suggestion)) + 4}" y="${top + 14}" font-size="12" fill="#d62728">suggested ${suggestion.toExponential(2)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="loss against learning rate">` +
    `<rect x="${left}" y="${top}" width="${w - left - right}" height="${h - top - bottom}" fill="#fafafa" stroke="#ddd"/>${xticks}${yticks}` +
    `<polyline fill="none" stroke="#aec7e8" stroke-width="1" points="${line(points.map((p) => p.loss))}"/>` +
    `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${line(smoothed)}"/>${mark}` +
    `<text x="${(left + w - right) / 2}" y="${h - 6}" font-size="12" text-anchor="middle">learning rate (log scale)</text>` +
    `<text x="${left + 8}" y="16" font-size="12" fill="#1f77b4">■ smoothed loss</text><text x="${left + 130}" y="16" font-size="12" fill="#aec7e8">■ batch loss</text></svg>`;
}

export function rangeTestHtml(input: PlotInput): string {
  const { suggestion } = input;
  const advice = suggestion === null
    ? '<p>No suggestion: the test recorded no finite loss.</p>'
    : `<p>Suggested learning rate (fastai's <em>valley</em>): <strong>${suggestion.toExponential(2)}</strong>. In the pipeline's first stage:</p>\n<pre>lr ${esc(formatRate(suggestion))}</pre>`;
  const steep = input.steepest === null ? '' : `<p>Steepest descent of the smoothed loss at ${input.steepest.toExponential(2)}.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tlc lr-find: ${esc(input.pipeline)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}pre{padding:.6em 1em;border:1px solid #ddd;display:inline-block}svg{margin:8px 0}</style>
</head><body>
<h1>Learning-rate range test: ${esc(input.pipeline)}, stage ${esc(input.stage)}</h1>
<p>${input.points.length} steps; ${esc(input.ended)}.</p>
${input.points.length > 0 ? rangeTestSvg(input.points, suggestion) : ''}
${advice}
${steep}
</body></html>
`;
}

/** A rate as the language writes it: three significant digits, `3.02e-3`. */
export function formatRate(lr: number): string {
  const [mantissa, exponent] = lr.toExponential(2).split('e');
  return `${Number(mantissa)}e${Number(exponent)}`;
}
