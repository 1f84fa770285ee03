// fast-check arbitraries for the language fuzz suite: grammar-aware `.tl` programs built from the
// language's own vocabulary (KEYWORDS, VALUES, the block settings, the catalog's model and block
// names) with random numbers, sizes, percents and strings, where any token may instead be a near
// miss, another word of the language or stray punctuation; and byte-level mutations (flips,
// deletions, duplications, splices, insertions) of the example programs.
import fc from 'fast-check';
import { KEYWORDS, VALUE_WORDS, VALUES } from '@tlc/language';
import { findModel, modelNames } from '@tlc/zoo/catalog';

type Arb = fc.Arbitrary<string>;

const MODELS = modelNames();

/** A word one edit away from a real one: a dropped, doubled or swapped letter, or another case. */
function nearMiss(words: readonly string[]): Arb {
  return fc.tuple(fc.constantFrom(...words), fc.nat(), fc.constantFrom('drop', 'double', 'swap', 'upper', 'lower', 'digit')).map(([w, n, edit]) => {
    const i = n % Math.max(w.length, 1);
    switch (edit) {
      case 'drop':
        return w.slice(0, i) + w.slice(i + 1);
      case 'double':
        return w.slice(0, i + 1) + w.slice(i);
      case 'swap':
        return w.slice(0, i) + (w[i + 1] ?? '') + (w[i] ?? '') + w.slice(i + 2);
      case 'upper':
        return w.toUpperCase();
      case 'lower':
        return w.toLowerCase();
      default:
        return w + String(n % 10);
    }
  });
}

const integer: Arb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 512 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-1', '-0', '007', '99999999999999999999', '1e400', '9'.repeat(400), '2.5', '1e3') },
);

const decimal: Arb = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x.toFixed(3)) },
  { weight: 2, arbitrary: fc.constantFrom('1e-3', '1e-5', '3E-4', '0.9', '.5', '10', '1e+2') },
  { weight: 1, arbitrary: fc.constantFrom('-0.5', '-1e-3', '1e308', '1e-400', '5e999', '0.0', '-.1') },
);

const size: Arb = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.integer({ min: 16, max: 600 }), fc.integer({ min: 16, max: 600 })).map(([w, h]) => `${w}x${h}`) },
  { weight: 1, arbitrary: fc.constantFrom('0x0', '1x1', '224x0', '100000x100000', `${'9'.repeat(400)}x1`, '224x224x3', '224X224') },
);

const percent: Arb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`) },
  { weight: 1, arbitrary: fc.constantFrom('-5%', '150%', '12.5%', '0.%', '1e2%') },
);

const fraction: Arb = fc.oneof(fc.constant('1/255'), fc.tuple(integer, integer).map(([a, b]) => `${a}/${b}`), fc.constant('1/0'));

const range: Arb = fc.tuple(decimal, decimal).map(([a, b]) => `${a}..${b}`);

/** A string literal: plain, with escapes, path tricks or unicode; sometimes unterminated. */
const stringLiteral: Arb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('data/cats', 'models/out', 'runs', 'images', 'x').map((s) => `"${s}"`) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }).map((s) => `"${s.replace(/["\\\r\n]/g, '')}"`) },
  { weight: 1, arbitrary: fc.constantFrom('"a\\"b"', '"\\n\\t"', '"\\q"', '"../../etc"', '"/abs/path"', '"C:\\\\x"', '"ünï ©ødé 🐱"', '""') },
  { weight: 1, arbitrary: fc.constantFrom('"unterminated', '"ends in backslash\\', '"') },
);

const punctuation: Arb = fc.constantFrom('{', '}', '[', ']', ',', ';', '->', '#', '%', '"', '.', '..', '/', 'x', '-', '\\', '\t', '\r', '\u00a0', '\ufeff', '\u0000', '😀');

/** Any token of the language, or something that looks like one. */
const anyToken: Arb = fc.oneof(
  fc.constantFrom(...KEYWORDS),
  fc.constantFrom(...VALUE_WORDS),
  fc.constantFrom(...MODELS),
  nearMiss([...KEYWORDS, ...VALUE_WORDS, ...MODELS]),
  integer,
  decimal,
  size,
  percent,
  fraction,
  range,
  stringLiteral,
  punctuation,
  fc.string({ maxLength: 6 }),
);

/**
 * Token makers for one program. At chaos 0 every token is the expected one; at higher levels a
 * token is now and then a near miss, any other token of the language, or missing.
 */
class Tokens {
  constructor(private readonly chaos: number) {}

  token(expected: Arb, nearMisses?: readonly string[]): Arb {
    if (this.chaos === 0) return expected;
    return fc.oneof(
      { weight: 60, arbitrary: expected },
      { weight: this.chaos, arbitrary: nearMisses ? nearMiss(nearMisses) : anyToken },
      { weight: this.chaos, arbitrary: anyToken },
      { weight: this.chaos, arbitrary: fc.constant('') },
    );
  }

  word(...words: readonly string[]): Arb {
    return this.token(fc.constantFrom(...words), words);
  }

  /** A number: in its setting's range most of the time, any number now and then. */
  number(inRange: Arb): Arb {
    return this.token(this.chaos === 0 ? inRange : fc.oneof({ weight: 8, arbitrary: inRange }, { weight: 1, arbitrary: fc.oneof(integer, decimal) }));
  }

  /** `{ … }` holding each setting at most once, over lines or semicolons; at chaos, a brace may be missing or doubled. */
  block(settings: Arb[]): Arb {
    const whole: [string, string] = ['{', '}'];
    const broken: [string, string][] = [['{', ''], ['', '}'], ['{', '} }'], ['{ {', '}']];
    const braces = this.chaos === 0 ? fc.constant(whole) : fc.oneof({ weight: 30, arbitrary: fc.constant(whole) }, { weight: this.chaos, arbitrary: fc.constantFrom(...broken) });
    return fc
      .tuple(fc.tuple(...settings.map(optional)), fc.constantFrom('\n  ', '\n  ', '\n  ', '; ', ';', '\r\n\t'), braces)
      .map(([lines, separator, [open, close]]) => `${open} ${lines.filter((l) => l !== '').join(separator)} ${close}`);
  }
}

/** Tokens joined by spaces (empty ones dropped). */
function seq(...parts: Arb[]): Arb {
  return fc.tuple(...parts).map((p) => p.filter((s) => s !== '').join(' '));
}

function optional(arb: Arb): Arb {
  return fc.oneof({ weight: 1, arbitrary: arb }, { weight: 1, arbitrary: fc.constant('') });
}

const fixed = (min: number, max: number, digits: number): Arb => fc.double({ min, max, noNaN: true }).map((x) => x.toFixed(digits));
const whole = (min: number, max: number): Arb => fc.integer({ min, max }).map(String);
const learningRate: Arb = fc.constantFrom('1e-3', '1e-4', '1e-5', '0.01', '3e-4', '0.1');

/** A freeze / cut / unfreeze point for the chosen model: its blocks, a quoted layer, or close. */
function layerRef(t: Tokens, model: string): Arb {
  const entry = findModel(model);
  const blocks = entry?.blocks.map((b) => b.name) ?? ['block1'];
  const layers = entry?.blocks.map((b) => `"${b.layer}"`) ?? ['"conv1"'];
  return fc.oneof(
    { weight: 12, arbitrary: t.word(...blocks) },
    { weight: 3, arbitrary: fc.constantFrom(...layers) },
    { weight: 1, arbitrary: fc.constantFrom('block0', 'block99', '"no_such_layer"', 'conv4_block6_out') },
  );
}

function stageSettings(t: Tokens, model: string, fineTune: boolean): Arb[] {
  const settings = [
    seq(t.word('epochs'), t.number(whole(1, 30))),
    seq(t.word('batch'), t.number(whole(1, 128))),
    // Momentum only where Keras has it (sgd, rmsprop): elsewhere it is TL2026.
    fc.oneof(
      seq(t.word('optimizer'), t.word('adam', 'adamw'), optional(seq(t.word('lr'), t.number(learningRate))), optional(seq(t.word('decay'), t.number(fc.constantFrom('1e-4', '0.01', '0'))))),
      seq(t.word('optimizer'), t.word('sgd', 'rmsprop'), optional(seq(t.word('lr'), t.number(learningRate))), optional(seq(t.word('momentum'), t.number(fixed(0, 0.99, 2)))), optional(seq(t.word('decay'), t.number(fc.constantFrom('1e-4', '0.01', '0'))))),
    ),
    seq(t.word('loss'), t.word(...VALUES.loss)),
    seq(t.word('early'), t.word('stop'), optional(seq(t.word('patience'), t.number(whole(1, 10)))), optional(seq(t.word('on'), t.word(...VALUES.monitor)))),
    seq(t.word('class'), t.word('weights'), fc.oneof(t.word('balanced'), t.block([seq(fc.constantFrom('cat', 'dog'), t.number(fixed(0.1, 5, 1))), seq(fc.constantFrom('"golden retriever"', 'bird'), t.number(fixed(0.1, 5, 1)))]))),
  ];
  if (fineTune) settings.unshift(seq(t.word('unfreeze'), fc.oneof(t.word('all'), seq(t.word('from'), layerRef(t, model)))));
  return settings;
}

/** Statements in the language's usual order, each present or not, for the chosen model. */
function statements(model: string, chaos: number): fc.Arbitrary<string[]> {
  const t = new Tokens(chaos);
  const entry = findModel(model)!;
  const stringOf = (...values: string[]) => t.token(chaos === 0 ? fc.constantFrom(...values.map((v) => `"${v}"`)) : stringLiteral);
  const modelWord = chaos === 0 ? fc.constant(model) : fc.oneof({ weight: 20, arbitrary: fc.constant(model) }, { weight: chaos, arbitrary: nearMiss(MODELS) }, { weight: chaos, arbitrary: fc.constant(`"${model}"`) });
  const multiple = entry.inputSizeMultiple;
  const side = fc.integer({ min: Math.ceil(Math.max(entry.minInputSize, 32) / multiple), max: Math.floor(320 / multiple) }).map((k) => k * multiple);
  const imageSize = fc.oneof(fc.constant(`${entry.inputSize}x${entry.inputSize}`), fc.tuple(side, side).map(([w, h]) => `${w}x${h}`));
  const data = seq(
    t.word('data'),
    stringOf('data/cats', 'images'),
    optional(
      t.block([
        seq(t.word('image'), t.token(chaos === 0 ? imageSize : fc.oneof(imageSize, size)), optional(t.word('rgb')), chaos === 0 ? fc.constant('') : optional(seq(t.word('grayscale'), t.word('adapt'), t.word(...VALUES.adapt)))),
        fc.oneof(seq(t.word('validation'), t.token(chaos === 0 ? fc.integer({ min: 5, max: 50 }).map((n) => `${n}%`) : percent), optional(seq(t.word('seed'), t.number(whole(0, 999))))), seq(t.word('validation'), stringOf('data/val'))),
        seq(t.word('batch'), t.number(whole(1, 128))),
        seq(t.word('on'), t.word('bad'), t.word('image'), t.word(...VALUES.badImage)),
        seq(t.word('shuffle'), t.word(...VALUES.shuffle), optional(seq(t.word('seed'), t.number(whole(0, 999))))),
      ]),
    ),
  );
  const augment = seq(
    t.word('augment'),
    t.block([
      seq(t.word('rotate'), t.number(whole(0, 90))),
      seq(t.word('zoom'), t.number(fixed(0, 0.5, 2))),
      seq(t.word('shear'), t.number(fixed(0, 0.5, 2))),
      seq(t.word('shift'), t.number(fixed(0, 0.5, 2))),
      seq(t.word('flip'), t.word(...VALUES.flip)),
      seq(t.word('brightness'), t.token(chaos === 0 ? fc.constant('0.8..1.2') : range)),
      seq(t.word('seed'), t.number(whole(0, 999))),
    ]),
  );
  const alpha = entry.alphas ? optional(seq(t.word('alpha'), t.number(fc.constantFrom(...entry.alphas.map(String))))) : chaos === 0 ? fc.constant('') : fc.oneof({ weight: 10, arbitrary: fc.constant('') }, { weight: chaos, arbitrary: fc.constant('alpha 0.5') });
  const use = seq(
    t.word('use'),
    modelWord,
    alpha,
    optional(seq(t.word('weights'), fc.oneof({ weight: 4, arbitrary: t.word('imagenet') }, { weight: 1, arbitrary: t.word('none') }, { weight: 1, arbitrary: stringOf('weights/model.h5') }))),
    optional(seq(t.word('freeze'), fc.oneof(t.word('all'), seq(t.word('until'), layerRef(t, model))))),
    fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: seq(t.word('cut'), t.word('after'), layerRef(t, model)) }),
  );
  const numberList = fc.array(t.number(fixed(0.1, 0.9, 3)), { minLength: 3, maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`);
  const preprocess = seq(
    t.word('preprocess'),
    fc.oneof({ weight: 6, arbitrary: t.word('native') }, { weight: 1, arbitrary: t.word('none') }, { weight: 1, arbitrary: seq(t.word('rescale'), optional(t.token(fraction))) }, { weight: 1, arbitrary: seq(t.word('normalize'), t.word('mean'), numberList, t.word('std'), numberList) }),
  );
  const output = fc.oneof(seq(t.word('dense'), t.number(whole(2, 10)), optional(t.word('softmax'))), seq(t.word('dense'), t.token(fc.constant('1')), t.word('sigmoid')));
  const hidden = fc.oneof(
    seq(t.word('pool'), t.word(...VALUES.pool)),
    t.word('flatten'),
    t.word('batchnorm'),
    seq(t.word('dropout'), t.number(fixed(0, 0.9, 2))),
    seq(t.word('dense'), t.number(whole(1, 512)), optional(t.word(...VALUES.activation))),
  );
  const head = fc.oneof(
    fc.tuple(t.word('head'), fc.array(hidden, { maxLength: 4 }), output, fc.constantFrom('\n  ', '; ')).map(([h, layers, out, separator]) => `${h} { ${[...layers, out].join(separator)} }`),
    seq(t.word('head'), t.word('dense'), t.number(whole(1, 512)), optional(seq(t.token(fc.constant('->')), t.number(whole(2, 10))))),
  );
  const train = seq(t.word('train'), t.block(stageSettings(t, model, false)));
  const fineTune = seq(t.word('fine'), t.word('tune'), t.block(stageSettings(t, model, true)));
  const pick = (arb: Arb, weight: number) => weight === 0 ? fc.constant('') : fc.oneof({ weight, arbitrary: arb }, { weight: 10 - weight, arbitrary: fc.constant('') });
  return fc
    .tuple(
      pick(seq(t.word('pipeline'), stringOf('cats-vs-dogs', 'x')), 5),
      pick(data, 6),
      pick(augment, 2),
      pick(use, 9),
      pick(preprocess, 5),
      pick(head, 9),
      pick(train, 6),
      pick(fineTune, 2),
      pick(seq(t.word('evaluate'), fc.oneof(t.word('validation'), stringOf('data/test'))), 3),
      pick(seq(t.word('export'), stringOf('models/out')), 3),
      pick(seq(t.word('predict'), stringOf('data/new')), 2),
      pick(fc.array(anyToken, { maxLength: 6 }).map((tokens) => tokens.join(' ')), chaos === 0 ? 0 : 2),
    )
    .map((list) => list.filter((s) => s !== ''));
}

const statementSeparator = fc.constantFrom('\n', '\n', '\n', '\n', '\n\n', '\r\n', '; ', '\n# a comment\n', ' # trailing\n');
const chaosSeparator = fc.constantFrom(' ', '', '\t', '{', '}');

const statementsByProgram = new Map<string, fc.Arbitrary<string[]>>();

/**
 * A whole program: a model, a chaos level (0: every token as expected, values in range; 1 or 3:
 * some tokens wrong), statements usually in order, sometimes shuffled, with random separators.
 */
export const program: Arb = fc
  .tuple(fc.constantFrom(...MODELS), fc.constantFrom(0, 0, 1, 3))
  .chain(([model, chaos]) => {
    const key = `${model}/${chaos}`;
    if (!statementsByProgram.has(key)) statementsByProgram.set(key, statements(model, chaos));
    const separator = chaos === 0 ? statementSeparator : fc.oneof({ weight: 20, arbitrary: statementSeparator }, { weight: chaos, arbitrary: chaosSeparator });
    return fc.tuple(statementsByProgram.get(key)!, fc.array(separator, { minLength: 12, maxLength: 12 }), fc.boolean(), fc.nat());
  })
  .map(([list, separators, shuffled, seed]) => {
    const order = shuffled && seed % 4 === 0 ? [...list].sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7)) : list;
    return order.map((s, i) => s + separators[i % separators.length]).join('');
  });

/** One edit of a source's UTF-8 bytes; positions are taken modulo the current length. */
type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'splice'; at: number; from: number; fromAt: number; length: number }
  | { kind: 'insert'; at: number; text: string };

function mutation(examples: number): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  const length = fc.integer({ min: 1, max: 60 });
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at, byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('delete' as const), at, length }),
    fc.record({ kind: fc.constant('duplicate' as const), at, length }),
    fc.record({ kind: fc.constant('splice' as const), at, from: fc.nat({ max: examples - 1 }), fromAt: fc.nat(), length }),
    fc.record({ kind: fc.constant('insert' as const), at, text: anyToken }),
  );
}

function applyMutation(bytes: Buffer, m: Mutation, sources: readonly Buffer[]): Buffer {
  const at = m.at % (bytes.length + 1);
  switch (m.kind) {
    case 'flip': {
      const copy = Buffer.from(bytes);
      if (at < copy.length) copy[at] = m.byte;
      return copy;
    }
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
    case 'duplicate':
      return Buffer.concat([bytes.subarray(0, at + m.length), bytes.subarray(at)]);
    case 'splice': {
      const other = sources[m.from]!;
      const fromAt = m.fromAt % (other.length + 1);
      return Buffer.concat([bytes.subarray(0, at), other.subarray(fromAt, fromAt + m.length), bytes.subarray(at)]);
    }
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.text), bytes.subarray(at)]);
  }
}

/** An example program with one to eight byte-level edits, decoded as UTF-8 (bad bytes become U+FFFD). */
export function mutatedExample(examples: readonly string[]): Arb {
  const sources = examples.map((e) => Buffer.from(e, 'utf8'));
  return fc
    .tuple(fc.nat({ max: sources.length - 1 }), fc.array(mutation(sources.length), { minLength: 1, maxLength: 8 }))
    .map(([index, edits]) => edits.reduce((bytes: Buffer, m) => applyMutation(bytes, m, sources), sources[index]!).toString('utf8'));
}

/** A long input: one generated program repeated, to find work that grows faster than the text. */
export const longProgram: Arb = fc
  .tuple(fc.oneof(program, anyToken), fc.integer({ min: 20, max: 200 }), fc.constantFrom('\n', ' ', ''))
  .map(([text, times, separator]) => Array.from({ length: times }, () => text).join(separator));
