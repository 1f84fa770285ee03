// The tokens of `.tl` (Chevrotain token types) and the language's vocabulary as plain data:
// the keyword list (the TextMate grammar and the LSP's completion are checked against it), the
// settings each block accepts, and the values each option accepts.
//
// Keywords are lexed as identifiers; the parser matches them by text. This keeps words such as
// `none`, `all` or `on` usable both as keywords and as values, and lets an unknown word get a
// "did you mean" against the keyword list instead of a lexer error.
import { createToken, Lexer, type TokenType } from 'chevrotain';

const NUMBER = String.raw`-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?`;

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\uFEFF]+/, group: Lexer.SKIPPED });
export const Newline = createToken({ name: 'Newline', pattern: /\r\n|\r|\n/, line_breaks: true });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });
export const StringLiteral = createToken({ name: 'String', pattern: /"(?:[^"\\\r\n]|\\.)*"/ });
/** A string whose closing quote is missing on its line: reported, then read as a string. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\r\n]|\\.)*\\?/ });
/** `224x224` */
export const Size = createToken({ name: 'Size', pattern: /\d+x\d+/ });
/** `0.8..1.2` */
export const Range = createToken({ name: 'Range', pattern: new RegExp(`${NUMBER}\\.\\.${NUMBER}`) });
/** `..` between two blocks (`block3..block4`) or two numbers written apart (`1e-5 .. 1e-3`). */
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./ });
/** `1/255` */
export const Fraction = createToken({ name: 'Fraction', pattern: new RegExp(`${NUMBER}/${NUMBER}`) });
/** `20%` */
export const Percent = createToken({ name: 'Percent', pattern: new RegExp(`${NUMBER}%`) });
export const NumberToken = createToken({ name: 'Number', pattern: new RegExp(NUMBER) });
export const Arrow = createToken({ name: 'Arrow', pattern: /->/ });
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/ });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

/** In matching order: the first pattern that matches wins, so composite numbers come first. */
export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  Newline,
  Comment,
  StringLiteral,
  UnterminatedString,
  Size,
  Range,
  DotDot,
  Fraction,
  Percent,
  NumberToken,
  Arrow,
  LCurly,
  RCurly,
  LBracket,
  RBracket,
  Comma,
  Semicolon,
  Identifier,
];

/** Words that start a top-level statement (`fine` is followed by `tune`). */
export const STATEMENT_KEYWORDS = [
  'pipeline',
  'data',
  'augment',
  'use',
  'preprocess',
  'head',
  'train',
  'fine',
  'evaluate',
  'export',
  'predict',
] as const;

/** Settings each block accepts, by the statement that opens the block. */
export const BLOCK_SETTINGS = {
  data: ['image', 'resize', 'validation', 'batch', 'on', 'shuffle', 'labels'],
  augment: ['rotate', 'zoom', 'shear', 'shift', 'channel', 'fill', 'flip', 'brightness', 'mixup', 'cutmix', 'random', 'seed'],
  head: ['pool', 'flatten', 'dropout', 'dense', 'batchnorm'],
  train: ['epochs', 'optimizer', 'lr', 'loss', 'label', 'early', 'class', 'unfreeze', 'batch', 'schedule', 'reduce', 'precision'],
} as const;

/** Clause words inside statements and settings. */
export const CLAUSE_KEYWORDS = [
  'tune',
  'alpha',
  'weights',
  'freeze',
  'until',
  'cut',
  'after',
  'adapt',
  'seed',
  'bad',
  'image',
  'stop',
  'patience',
  'momentum',
  'decay',
  'from',
  'mean',
  'std',
  'smoothing',
  'tta',
  'warmup',
  'every',
  'times',
  'plateau',
  'factor',
  'as',
  'width',
  'height',
  'layer',
  'threshold',
  'columns',
  'separator',
  'for',
  'norm',
  'scale',
  'ratio',
] as const;

/** Every keyword of the language, sorted and without duplicates. */
export const KEYWORDS: readonly string[] = [
  ...new Set<string>([...STATEMENT_KEYWORDS, ...Object.values(BLOCK_SETTINGS).flat(), ...CLAUSE_KEYWORDS]),
].sort();

/** The words each option accepts as its value (the checker suggests among them). */
export const VALUES = {
  weights: ['imagenet', 'none'],
  freeze: ['all', 'none', 'until'],
  preprocess: ['native', 'rescale', 'none', 'normalize'],
  color: ['rgb', 'grayscale'],
  adapt: ['sum', 'skip'],
  badImage: ['skip', 'fail'],
  shuffle: ['on', 'off'],
  flip: ['horizontal', 'vertical'],
  shiftAxis: ['width', 'height'],
  fill: ['nearest', 'constant', 'reflect', 'wrap'],
  resize: ['stretch', 'crop', 'pad'],
  pool: ['avg', 'max'],
  activation: ['relu', 'softmax', 'sigmoid', 'linear', 'tanh', 'elu', 'selu', 'gelu', 'swish'],
  optimizer: ['adam', 'adamw', 'sgd', 'rmsprop'],
  loss: ['categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_crossentropy'],
  monitor: ['val_loss', 'val_accuracy', 'loss', 'accuracy'],
  schedule: ['cosine', 'one cycle', 'step'],
  warmupUnit: ['epochs', 'steps'],
  classWeights: ['balanced'],
  unfreeze: ['all', 'from'],
  evaluate: ['validation'],
  tta: ['flips'],
  exportFormat: ['tfjs', 'onnx'],
  batch: ['auto'],
  precision: ['float32', 'bf16'],
  batchNorm: ['frozen', 'train'],
} as const satisfies Record<string, readonly string[]>;

/** Names of float16 (half precision), which `precision` refuses with its own advice (TL2061). */
export const HALF_PRECISION: readonly string[] = ['fp16', 'float16', 'half', 'f16', 'mixed_float16'];

/**
 * The clauses each optimizer takes after its name, as Keras 3's arguments: every optimizer has
 * a learning rate and a decoupled `weight_decay`; only SGD and RMSprop have a momentum.
 */
export const OPTIMIZER_CLAUSES = {
  adam: ['lr', 'decay'],
  adamw: ['lr', 'decay'],
  sgd: ['lr', 'momentum', 'decay'],
  rmsprop: ['lr', 'momentum', 'decay'],
} as const satisfies Record<(typeof VALUES.optimizer)[number], readonly string[]>;

/**
 * The clauses each schedule takes after its type (`schedule cosine warmup 2 epochs`); `one cycle`
 * and `step` are written as the user writes them.
 */
export const SCHEDULE_CLAUSES = {
  cosine: ['warmup'],
  'one cycle': ['max lr'],
  step: ['every', 'times'],
} as const satisfies Record<(typeof VALUES.schedule)[number], readonly string[]>;

/** Constant words that appear as values (for highlighting). */
export const VALUE_WORDS: readonly string[] = [...new Set<string>(Object.values(VALUES).flat().flatMap((v) => v.split(' ')))].sort();
