// AST -> the lines of canonical text, before comments are put back. Each line remembers the
// source offsets it came from, so comments can be placed beside or before the right line.
//
// Canonical layout: one statement per line; clauses of `use` in the order alpha, weights,
// freeze, cut; blocks with one setting per line indented by two spaces, except `augment { }`
// and `class weights { }`, which stay on one line when they fit and hold no comment (as in the
// language's own example); empty blocks as `{}`.
import type * as Ast from '../ast/nodes';

export interface OutputLine {
  depth: number;
  text: string;
  /** Source offset the line starts at: own-line comments before it are printed above it. */
  start: number;
  /** Source offset on the line's last source line: trailing comments there go beside it. */
  anchor: number;
  /** `}` lines: comments before them belong inside the block. */
  closes?: boolean;
  /** Header lines ending in `{`. */
  opens?: boolean;
}

/** The widest one-line block, indentation included. */
const MAX_WIDTH = 100;

export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

const words = (...parts: (string | undefined)[]): string => parts.filter((p) => p !== undefined && p !== '').join(' ');

function value(node: Ast.Identifier | Ast.StringLiteral | Ast.LayerIndex | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === 'LayerIndex') return words('layer', num(node.index));
  return node.kind === 'Identifier' ? node.name : quote(node.value);
}

const num = (n: { raw: string } | undefined): string | undefined => n?.raw;
const list = (l: Ast.NumberList | undefined): string | undefined => l && `[${l.values.map((v) => v.raw).join(', ')}]`;
const seed = (n: Ast.NumberLiteral | undefined): string | undefined => (n ? `seed ${n.raw}` : undefined);

function dataSetting(s: Ast.DataSetting): string {
  switch (s.kind) {
    case 'Image':
      return words('image', s.size?.raw, s.color?.name, s.adapt && `adapt ${s.adapt.name}`);
    case 'Resize':
      return words('resize', s.mode?.name);
    case 'Validation':
      return words('validation', s.fraction?.raw ?? value(s.directory), seed(s.seed));
    case 'Batch':
      return words('batch', s.auto?.name ?? num(s.size));
    case 'OnBadImage':
      return words('on bad image', s.action?.name);
    case 'Shuffle':
      return words('shuffle', s.enabled?.name, seed(s.seed));
    case 'Labels':
      return words('labels', value(s.path), s.fileColumn && `columns ${value(s.fileColumn)} ${value(s.labelColumn) ?? ''}`.trimEnd(), s.separator && `separator ${value(s.separator)}`);
  }
}

function augmentSetting(s: Ast.AugmentSetting): string {
  switch (s.kind) {
    case 'Rotate':
      return words('rotate', num(s.degrees));
    case 'Zoom':
      return words('zoom', s.range ? `${s.range.min.raw}..${s.range.max.raw}` : num(s.amount));
    case 'Shear':
      return words('shear', num(s.amount));
    case 'Shift':
      return words('shift', s.axis?.name, num(s.amount));
    case 'ChannelShift':
      return words('channel shift', num(s.amount));
    case 'Fill':
      return words('fill', s.mode?.name, num(s.value));
    case 'Mixup':
      return words('mixup', num(s.alpha));
    case 'Cutmix':
      return words('cutmix', num(s.alpha));
    case 'RandomCrop':
      return words('random crop', s.scale && `scale ${s.scale.min.raw}..${s.scale.max.raw}`, s.ratio && `ratio ${s.ratio.min.raw}..${s.ratio.max.raw}`);
    case 'Flip':
      return words('flip', ...s.directions.map((d) => d.name));
    case 'Brightness':
      return words('brightness', s.range && `${s.range.min.raw}..${s.range.max.raw}`);
    case 'AugmentSeed':
      return words('seed', num(s.seed));
  }
}

function headLayer(l: Ast.HeadLayer): string {
  switch (l.kind) {
    case 'Pool':
      return words('pool', l.type?.name);
    case 'Flatten':
      return 'flatten';
    case 'BatchNorm':
      return 'batchnorm';
    case 'Dropout':
      return words('dropout', num(l.rate));
    case 'Dense':
      return words('dense', num(l.units), l.activation?.name);
  }
}

function classWeight(e: Ast.ClassWeightEntry): string {
  return words(value(e.className), num(e.weight));
}

function useStatement(u: Ast.UseStatement): string {
  return words(
    'use',
    u.model?.name,
    u.alpha && words('alpha', num(u.alpha.value)),
    u.weights && words('weights', value(u.weights.source)),
    u.freeze && words('freeze', u.freeze.mode, u.freeze.until && value(u.freeze.until)),
    u.cut && words('cut after', value(u.cut.after)),
  );
}

function preprocess(p: Ast.PreprocessStatement): string {
  const scale = p.scale?.kind === 'Fraction' ? p.scale.raw : num(p.scale);
  return words('preprocess', p.mode?.name, scale, p.mean && `mean ${list(p.mean)}`, p.std && `std ${list(p.std)}`);
}

export class Printer {
  readonly lines: OutputLine[] = [];

  /** Offsets at which comments sit: a block holding one is never folded onto one line. */
  constructor(private readonly commentOffsets: readonly number[]) {}

  private line(depth: number, text: string, node: { span: Ast.Span }): void {
    this.lines.push({ depth, text, start: node.span.start, anchor: node.span.end });
  }

  private hasComment(span: Ast.Span): boolean {
    return this.commentOffsets.some((offset) => offset > span.start && offset < span.end);
  }

  /**
   * `header { items }`: one line per item, or all on one line when `fold` allows, it fits and
   * no comment sits inside.
   */
  private block<T extends { span: Ast.Span }>(
    depth: number,
    header: string,
    node: { span: Ast.Span },
    items: readonly T[],
    text: (item: T) => string,
    fold: boolean,
    nested?: (item: T, depth: number) => boolean,
  ): void {
    if (items.length === 0) {
      this.line(depth, `${header} {}`, node);
      return;
    }
    const oneLine = `${header} { ${items.map(text).join('; ')} }`;
    if (fold && !this.hasComment(node.span) && depth * 2 + oneLine.length <= MAX_WIDTH) {
      this.line(depth, oneLine, node);
      return;
    }
    this.lines.push({ depth, text: `${header} {`, start: node.span.start, anchor: node.span.start, opens: true });
    for (const item of items) {
      if (!nested?.(item, depth + 1)) this.line(depth + 1, text(item), item);
    }
    const close = node.span.end - 1;
    this.lines.push({ depth, text: '}', start: close, anchor: close, closes: true });
  }

  private stageSetting(s: Ast.StageSetting, depth: number): boolean {
    if (s.kind !== 'ClassWeights' || s.balanced) return false;
    this.block(depth, 'class weights', s, s.entries, classWeight, true);
    return true;
  }

  statement(s: Ast.Statement): void {
    switch (s.kind) {
      case 'Pipeline':
        return this.line(0, words('pipeline', value(s.name)), s);
      case 'Data': {
        const header = words('data', value(s.directory));
        if (s.settings.length === 0 && s.directory) return this.line(0, header, s);
        return this.block(0, header, s, s.settings, dataSetting, false);
      }
      case 'Augment':
        return this.block(0, 'augment', s, s.settings, augmentSetting, true);
      case 'Use':
        return this.line(0, useStatement(s), s);
      case 'Preprocess':
        return this.line(0, preprocess(s), s);
      case 'Head':
        if (s.form === 'shorthand') return this.line(0, `head dense ${s.sizes.map((n) => n.raw).join(' -> ')}${s.activation ? ` ${s.activation.name}` : ''}`, s);
        return this.block(0, 'head', s, s.layers, headLayer, false);
      case 'Stage':
        return this.block(0, s.stage === 'train' ? 'train' : words('fine tune', value(s.name)), s, s.settings, (x) => stageSettingText(x), false, (x, depth) =>
          this.stageSetting(x, depth),
        );
      case 'Evaluate':
        return this.line(0, words('evaluate', value(s.target), s.tta && `tta ${s.tta.name}`, s.threshold && `threshold ${s.threshold.raw}`), s);
      case 'Export':
        return this.line(0, words('export', value(s.path), s.format && `as ${s.format.name}`), s);
      case 'Predict':
        return this.line(0, words('predict', value(s.path)), s);
    }
  }
}

function stageSettingText(s: Ast.StageSetting): string {
  switch (s.kind) {
    case 'Epochs':
      return words('epochs', num(s.count));
    case 'StageBatch':
      return words('batch', s.auto?.name ?? num(s.size));
    case 'LearningRate':
      return words('lr', num(s.value), s.to && `.. ${s.to.raw}`);
    case 'LayerLearningRate':
      return words('lr', num(s.value), 'for', s.to ? `${value(s.from) ?? ''}..${value(s.to)}` : value(s.from));
    case 'BatchNormMode':
      return words('batch norm', s.mode?.name);
    case 'Loss':
      return words('loss', s.name?.name);
    case 'Precision':
      return words('precision', s.value?.name);
    case 'Optimizer':
      return words(
        'optimizer',
        s.name?.name,
        s.lr && `lr ${s.lr.raw}`,
        s.momentum && `momentum ${s.momentum.raw}`,
        s.weightDecay && `decay ${s.weightDecay.raw}`,
      );
    case 'LabelSmoothing':
      return words('label smoothing', num(s.value));
    case 'EarlyStop':
      return words('early stop', s.patience && `patience ${s.patience.raw}`, s.monitor && `on ${s.monitor.name}`);
    case 'Schedule':
      return words(
        'schedule',
        s.type?.name,
        s.warmup && `warmup ${s.warmup.raw} ${s.warmupUnit?.name ?? ''}`.trimEnd(),
        s.maxLr && `max lr ${s.maxLr.raw}`,
        s.every && `every ${s.every.raw} epochs`,
        s.times && `times ${s.times.raw}`,
      );
    case 'Plateau':
      return words(
        'reduce lr on plateau',
        s.factor && `factor ${s.factor.raw}`,
        s.patience && `patience ${s.patience.raw}`,
        s.monitor && `on ${s.monitor.name}`,
      );
    case 'ClassWeights':
      return s.balanced ? `class weights ${s.balanced.name}` : `class weights { ${s.entries.map(classWeight).join('; ')} }`;
    case 'Unfreeze':
      return s.all ? 'unfreeze all' : words('unfreeze from', value(s.from));
  }
}
