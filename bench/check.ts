// Benchmark: how long `tlc check` takes on a generated 2,000-line pipeline (target: under
// 100 ms). The file is the language brief's long form whose training stage weighs ~1,900
// classes, one per line, with a comment every tenth line. Reports the median of several runs
// of each phase after a warm-up.
import { performance } from 'node:perf_hooks';
import { analyze, check, format, parse } from '@tlc/language';

const LINES = 2000;
const RUNS = 21;
const WARM_UPS = 5;

function generate(): string {
  const head = [
    '# Generated for the check benchmark.',
    'pipeline "benchmark"',
    'data "data/many" {',
    '  image 224x224 rgb',
    '  validation 20% seed 42',
    '  batch 32',
    '}',
    'augment { rotate 20; zoom 0.1; flip horizontal }',
    'use ResNet50V2 weights imagenet freeze until block4',
    'preprocess native',
    'head {',
    '  pool avg',
    '  dropout 0.2',
    '  dense 1900 softmax',
    '}',
    'train {',
    '  epochs 10',
    '  optimizer adam lr 1e-3',
    '  early stop patience 3 on val_loss',
    '  class weights {',
  ];
  const tail = ['  }', '}', 'fine tune {', '  unfreeze from block4', '  optimizer adam lr 1e-5', '}', 'evaluate validation', 'export "models/many"'];
  const body: string[] = [];
  for (let i = 0; head.length + body.length + tail.length < LINES; i++) {
    body.push(i % 10 === 9 ? `    # classes ${i - 9} to ${i}` : `    class_${i} ${(1 + (i % 7) / 10).toFixed(1)}`);
  }
  return [...head, ...body, ...tail].join('\n') + '\n';
}

function median(run: () => void): number {
  for (let i = 0; i < WARM_UPS; i++) run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export default async function (): Promise<{ title: string; rows: Record<string, string | number>[] }> {
  const source = generate();
  const lines = source.split('\n').length - 1;
  const { program } = parse(source);
  const problems = analyze(source).diagnostics.length;
  const row = (phase: string, ms: number, target?: number) => ({
    phase,
    lines,
    'median ms': Number(ms.toFixed(2)),
    target: target === undefined ? '' : `< ${target} ms`,
    ok: target === undefined ? '' : ms < target ? 'yes' : 'NO',
  });
  return {
    title: `check on a generated ${lines}-line file (${problems} diagnostic${problems === 1 ? '' : 's'}, median of ${RUNS} runs)`,
    rows: [
      row('parse', median(() => parse(source))),
      row('check (rules only)', median(() => check(program))),
      row('parse + check (tlc check)', median(() => analyze(source)), 100),
      row('format', median(() => format(source))),
    ],
  };
}
