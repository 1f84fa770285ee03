// Every example runs: each examples/*.tl is either run here for one epoch per stage (`tlc run
// FILE --epochs 1`, in process, on the data and weights the repository ships) or says in its
// first comment what it needs ("Needs …") and is not. A model spec (no `data` statement) runs
// with `--data data/fashion/tops`, which its comment must name. The examples are copied into a
// temporary folder (next to links to examples/data and packages/, which their paths reach) so
// that their exports and run folders never land in the repository. Each export, tfjs or ONNX, is
// then read by `tlc predict` (with --tta where the pipeline evaluates with `tta flips`), and
// `tlc lr-find` runs on one pipeline (a short range test).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '@tlc/language';
import { runTlc } from '../../packages/cli/test/tlc';

const root = fileURLToPath(new URL('../../', import.meta.url));
const examples = path.join(root, 'examples');
const SPEC_DATA = 'data/fashion/tops';
/** Examples that load another example's export run after it. */
const FIRST = ['fashion-base.tl'];

const names = readdirSync(examples)
  .filter((f) => f.endsWith('.tl'))
  .sort((a, b) => Number(FIRST.includes(b)) - Number(FIRST.includes(a)) || a.localeCompare(b));

/** The comment lines the file starts with, without their `#`. */
function firstComment(text: string): string {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    lines.push(line.replace(/^#\s?/, ''));
  }
  return lines.join(' ');
}

const work = mkdtempSync(path.join(tmpdir(), 'tlc-examples-'));
const copies = path.join(work, 'examples');
mkdirSync(copies);
symlinkSync(path.join(examples, 'data'), path.join(copies, 'data'), 'dir');
symlinkSync(path.join(root, 'packages'), path.join(work, 'packages'), 'dir');
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('every example runs as shipped, or says what it needs', () => {
  for (const name of names) {
    const text = readFileSync(path.join(examples, name), 'utf8');
    const comment = firstComment(text);
    const needs = /\bNeeds\b/.test(comment);

    it(`${name} ${needs ? 'says what it needs' : 'runs for one epoch'}`, { timeout: 600_000 }, async () => {
      expect(comment, `${name} starts with no comment`).not.toBe('');
      if (needs) {
        expect(comment).toMatch(/\bNeeds\b.{20,}/);
        return;
      }
      const { plan } = compile(text, { file: name });
      expect(plan).not.toBeNull();
      const args = ['run', name, '--epochs', '1', '--out', path.join(work, 'runs', name), '--json', '--quiet'];
      if (plan!.data === null) {
        expect(comment, `${name} is a model spec: its first comment must name the --data it runs with`).toContain(`--data ${SPEC_DATA}`);
        args.push('--data', SPEC_DATA);
      }
      copyFileSync(path.join(examples, name), path.join(copies, name));
      const result = await runTlc(args, copies);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const lines = result.stdout.trim().split('\n');
      const summary = JSON.parse(lines[lines.length - 1]);
      expect(summary.stages.map((s: { name: string; epochs: number }) => [s.name, s.epochs])).toEqual(plan!.stages.map((s) => [s.name, 1]));
      for (const stage of summary.stages) expect(Number.isFinite(stage.metrics.loss), `${name} ${stage.name}: loss ${stage.metrics.loss}`).toBe(true);
      if (plan!.evaluate) expect(summary.evaluation.accuracy).toBeGreaterThanOrEqual(0);
      if (plan!.export) {
        const file = plan!.export.format === 'onnx' ? 'model.onnx' : 'model.json';
        expect(existsSync(path.join(copies, plan!.export.path, file)), `${name} exports ${file}`).toBe(true);
        // `tlc predict` reads the export, ONNX or tfjs, and labels images with its classes.
        const predicted = await runTlc(['predict', plan!.export.path, 'data/fashion/new/bag-1.png', 'data/fashion/new/tshirt-1.png', '--json', ...(plan!.evaluate?.tta === 'flips' ? ['--tta'] : [])], copies);
        expect(predicted.stderr).toBe('');
        expect(predicted.status).toBe(0);
        const classes = JSON.parse(readFileSync(path.join(copies, plan!.export.path, 'labels.json'), 'utf8')) as string[];
        const predictions = JSON.parse(predicted.stdout) as { label: string; labels?: string[]; probabilities: Record<string, number> }[];
        expect(predictions).toHaveLength(2);
        const multiLabel = plan!.head.outputActivation === 'sigmoid' && plan!.head.outputUnits > 1;
        for (const p of predictions) {
          expect(classes).toContain(p.label);
          expect(Object.keys(p.probabilities)).toEqual(classes);
          // A multi-label model also lists every class at or above its threshold.
          if (multiLabel) expect(p.labels).toEqual(classes.filter((c) => p.probabilities[c]! >= plan!.evaluate!.threshold).sort((a, b) => p.probabilities[b]! - p.probabilities[a]!));
          else expect(p).not.toHaveProperty('labels');
        }
      }
    });
  }
});

describe('tlc lr-find on an example', () => {
  it('fine-tune.tl: a short range test prints the line to paste and writes its folder only', { timeout: 600_000 }, async () => {
    copyFileSync(path.join(examples, 'fine-tune.tl'), path.join(copies, 'lr-find-fine-tune.tl'));
    const out = path.join(work, 'lr-find-fine-tune');
    const result = await runTlc(['lr-find', 'lr-find-fine-tune.tl', '--steps', '20', '--out', out, '--json', '--quiet'], copies);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const found = JSON.parse(lines[lines.length - 1]);
    expect(found.stage).toBe('train');
    expect(found.line).toMatch(/^lr \S+$/);
    expect(readdirSync(out).sort()).toEqual(['lr-find.csv', 'lr-find.html', 'lr-find.json']);
    expect(existsSync(path.join(copies, 'lr-find'))).toBe(false);
  });
});
