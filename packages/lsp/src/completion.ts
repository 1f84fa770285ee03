// Completion: what may come next where the cursor is, from the words before it on its line.
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver/node';
import { findModel, listModels } from '@tlc/zoo/catalog';
import { BLOCK_SETTINGS, VALUES } from '@tlc/language';
import { KEYWORD_DOCS } from './keyword-docs';

export const ACTIVATIONS = ['relu', 'softmax', 'sigmoid', 'linear', 'tanh', 'gelu', 'swish', 'elu', 'selu'];
export const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'rmsprop'];

const STATEMENTS = ['pipeline', 'data', 'augment', 'use', 'preprocess', 'head', 'train', 'fine tune', 'evaluate', 'export', 'predict'];

function words(list: string[], kind: CompletionItemKind, detail?: string): CompletionItem[] {
  return list.map((label) => ({ label, kind, detail }));
}

/** A setting whose first word is not the whole of it: offered as the phrase (`label smoothing`). */
const SETTING_PHRASES: Record<string, string> = {
  label: 'label smoothing',
  early: 'early stop',
  class: 'class weights',
  reduce: 'reduce lr on plateau',
  channel: 'channel shift',
  random: 'random crop',
  on: 'on bad image',
};

/** The block the cursor is in, by the statement that opened it (`fine tune` for both words), or undefined at the top level. */
export function enclosingBlock(text: string, offset: number): string | undefined {
  const open: (string | undefined)[] = [];
  let statementStart = 0;
  // The start of the last line-ended words (`train` in `train\n{`): a `{` alone on its line opens their block.
  let lineEnded: number | undefined;
  const endLine = (end: number, next: number) => {
    if (/\S/.test(text.slice(statementStart, end))) lineEnded = statementStart;
    statementStart = next;
  };
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === '#') {
      const commentStart = i;
      while (i < offset && text[i] !== '\n') i++;
      endLine(commentStart, i + 1);
    } else if (c === '"') {
      i++;
      while (i < offset && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
    } else if (c === '{') {
      const own = text.slice(statementStart, i);
      const opener = /\S/.test(own) || lineEnded === undefined ? own : text.slice(lineEnded, i).replace(/#[^\n]*/g, ' ');
      const words = /^\s*([A-Za-z_]+)(?:\s+([A-Za-z_]+))?/.exec(opener);
      open.push(words ? (words[1] === 'fine' || words[1] === 'class' ? `${words[1]} ${words[2] ?? ''}`.trim() : words[1]) : undefined);
      statementStart = i + 1;
      lineEnded = undefined;
    } else if (c === '}') {
      open.pop();
      statementStart = i + 1;
      lineEnded = undefined;
    } else if (c === ';') {
      statementStart = i + 1;
      lineEnded = undefined;
    } else if (c === '\n') {
      endLine(i, i + 1);
    }
  }
  return open.at(-1);
}

/** What a line may start with in that block: statements at the top level, the block's settings inside one. */
function lineStarts(block: string | undefined): CompletionItem[] {
  if (block === undefined) return words(STATEMENTS, CompletionItemKind.Keyword, 'statement');
  const key = block === 'fine tune' ? 'train' : block;
  if (!(key in BLOCK_SETTINGS)) return [];
  // `unfreeze` belongs in `fine tune` only (TL2017): stage 1 freezes with `use … freeze`.
  const settings = BLOCK_SETTINGS[key as keyof typeof BLOCK_SETTINGS].filter((k) => block !== 'train' || k !== 'unfreeze');
  return settings.map((k) => ({ label: SETTING_PHRASES[k] ?? k, kind: CompletionItemKind.Property, detail: `${block} setting`, documentation: KEYWORD_DOCS[k] }));
}

/** The clauses of `reduce lr on plateau` / `early stop` not yet given, once the one before is complete. */
function remainingClauses(tail: string, clauses: string[]): string[] | undefined {
  if (!/^(?:\s+(?:factor|patience)\s+\S+|\s+on\s+\w+)*\s+\w*$/.test(tail)) return undefined;
  const given = new Set([...tail.matchAll(/\b(factor|patience|on)\s+\S+\s/g)].map((m) => m[1]));
  return clauses.filter((c) => !given.has(c));
}

/**
 * Where the line's last `;`, `{` or `}` outside a string is (-1: none): the setting or statement
 * being written starts after it (`separator ";"` does not end the statement).
 */
function lastStatementEnd(line: string): number {
  let end = -1;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString && c === '\\') i++;
    else if (c === '"') inString = !inString;
    else if ((c === ';' || c === '{' || c === '}') && !inString) end = i;
  }
  return end;
}

/** The model named by the document's `use` statement, found textually so it works while the file has errors. */
export function chosenModel(text: string): string | undefined {
  return /(?:^|[;\n])\s*use\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(text)?.[1];
}

export function complete(text: string, offset: number): CompletionItem[] {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  // The statement's text before the cursor. (Not `.replace(/.*;/, '')`: unanchored, it retries
  // from every position of a line without `;`, quadratic: ~0.6 s on 25,000 characters.)
  const line = text.slice(lineStart, offset);
  const before = line.slice(lastStatementEnd(line) + 1);
  if (/\buse\s+\w*$/.test(before)) {
    return listModels().map((m) => ({
      label: m.name,
      kind: CompletionItemKind.Class,
      detail: `${m.family} · ${m.inputSize}×${m.inputSize} · ${m.params.total.toLocaleString('en-US')} parameters`,
    }));
  }
  if (/\b(?:freeze\s+until|unfreeze\s+from|cut\s+after)\s+\w*$/.test(before)) {
    const model = findModel(chosenModel(text) ?? '');
    if (!model) return [];
    const blocks = model.blocks.map((b) => ({ label: b.name, kind: CompletionItemKind.EnumMember, detail: `ends at ${b.layer}` }));
    // `layer N` (an index in model.layers) for freeze and unfreeze points, not for a cut.
    if (/\bcut\s+after\s+\w*$/.test(before)) return blocks;
    return [...blocks, { label: 'layer', kind: CompletionItemKind.Keyword, detail: 'layer N: by index in model.layers (`tlc models MODEL --layers`)' }];
  }
  if (/\bfreeze\s+\w*$/.test(before)) return words(['all', 'none', 'until'], CompletionItemKind.Keyword);
  if (/\bclass\s+weights\s+\w*$/.test(before)) return words([...VALUES.classWeights], CompletionItemKind.Value);
  if (/\bweights\s+\w*$/.test(before)) return words(['imagenet', 'none'], CompletionItemKind.Value);
  if (/\bdense\s+\d+\s+\w*$/.test(before)) return words(ACTIVATIONS, CompletionItemKind.Function, 'activation');
  if (/\boptimizer\s+\w*$/.test(before)) return words(OPTIMIZERS, CompletionItemKind.Function, 'optimizer');
  if (/\bpool\s+\w*$/.test(before)) return words(['avg', 'max'], CompletionItemKind.Value);
  if (/\bpreprocess\s+\w*$/.test(before)) return words(['native', 'rescale', 'normalize', 'none'], CompletionItemKind.Value);
  if (/\bimage\s+\d+x\d+\s+\w*$/.test(before)) return words(['rgb', 'grayscale'], CompletionItemKind.Value);
  if (/\bexport\s+"[^"]*"\s+as\s+\w*$/.test(before)) return words(['tfjs', 'onnx'], CompletionItemKind.Value, 'export format');
  if (/\bexport\s+"[^"]*"\s+\w*$/.test(before)) return words(['as'], CompletionItemKind.Keyword);
  const labelsClauses = /\blabels\s+"[^"]*"((?:\s+(?:columns\s+"[^"]*"\s+"[^"]*"|separator\s+"[^"]*"))*)\s+\w*$/.exec(before);
  if (labelsClauses) return words(['columns', 'separator'].filter((c) => !new RegExp(`\\b${c}\\b`).test(labelsClauses[1]!)), CompletionItemKind.Keyword);
  if (/\btta\s+\w*$/.test(before)) return words(['flips'], CompletionItemKind.Value);
  if (/\bbatch\s+norm\s+\w*$/.test(before)) return words(['frozen', 'train'], CompletionItemKind.Value, 'batch norm');
  if (/\blr\s+\S+\s+for\s+\w*$/.test(before)) {
    const model = findModel(chosenModel(text) ?? '');
    return model ? model.blocks.map((b) => ({ label: b.name, kind: CompletionItemKind.EnumMember, detail: `ends at ${b.layer}` })) : [];
  }
  if (/\bbatch\s+[a-z]*$/.test(before)) {
    // `batch norm` is a stage setting: offered inside `train { }` and `fine tune { }` only.
    const block = /(\w+)(?:\s+"[^"\n]*")?\s*\{[^{}]*$/.exec(text.slice(Math.max(0, offset - 4000), offset))?.[1];
    const inStage = block === 'train' || block === 'tune';
    return [...words(['auto'], CompletionItemKind.Value), ...(inStage ? words(['norm'], CompletionItemKind.Keyword) : [])];
  }
  if (/\bevaluate\s+\w*$/.test(before)) return [...words(['validation'], CompletionItemKind.Value), ...words(['tta', 'threshold'], CompletionItemKind.Keyword)];
  if (/\bevaluate(?:\s+(?:validation|"[^"]*"))?\s+\w*$/.test(before)) return words(['tta', 'threshold'], CompletionItemKind.Keyword);
  if (/\bevaluate\b.*\btta\s+flips\s+\w*$/.test(before)) return /\bthreshold\b/.test(before) ? [] : words(['threshold'], CompletionItemKind.Keyword);
  if (/\bevaluate\b.*\bthreshold\s+\S+\s+\w*$/.test(before)) return /\btta\b/.test(before) ? [] : words(['tta'], CompletionItemKind.Keyword);
  if (/\bschedule\s+\w*$/.test(before)) return words([...VALUES.schedule], CompletionItemKind.Value, 'learning-rate schedule');
  if (/\bschedule\s+cosine\s+\w*$/.test(before)) return words(['warmup'], CompletionItemKind.Keyword, 'warmup N epochs|steps');
  if (/\bschedule\s+one\s+\w*$/.test(before)) return words(['cycle'], CompletionItemKind.Keyword);
  if (/\bschedule\s+one\s+cycle\s+\w*$/.test(before)) return words(['max lr'], CompletionItemKind.Keyword, 'the peak learning rate');
  if (/\bschedule\s+step\s+\w*$/.test(before)) return words(['every'], CompletionItemKind.Keyword, 'every N epochs times F');
  if (/\bschedule\s+step\s+every\s+\S+\s+\w*$/.test(before)) return words(['epochs'], CompletionItemKind.Keyword);
  if (/\bschedule\s+step\s+every\s+\S+\s+epochs\s+\w*$/.test(before)) return words(['times'], CompletionItemKind.Keyword, 'the factor at each step');
  if (/\bwarmup\s+\d+\s+\w*$/.test(before)) return words([...VALUES.warmupUnit], CompletionItemKind.Value);
  if (/\breduce\s+\w*$/.test(before)) return words(['lr on plateau'], CompletionItemKind.Keyword);
  const plateau = /\breduce\s+lr\s+on\s+plateau((?:\s.*)?)$/.exec(before);
  if (plateau && !/\bon\s+\w*$/.test(plateau[1])) return words(remainingClauses(plateau[1], ['factor', 'patience', 'on']) ?? [], CompletionItemKind.Keyword);
  const earlyStop = /\bearly\s+stop((?:\s.*)?)$/.exec(before);
  if (earlyStop && !/\bon\s+\w*$/.test(earlyStop[1])) return words(remainingClauses(earlyStop[1], ['patience', 'on']) ?? [], CompletionItemKind.Keyword);
  if (/\bearly\s+\w*$/.test(before)) return words(['stop'], CompletionItemKind.Keyword);
  if (/\b(?:early\s+stop|plateau)\b.*\bon\s+\w*$/.test(before)) return words(['val_loss', 'val_accuracy', 'loss', 'accuracy'], CompletionItemKind.Value, 'metric');
  if (/\blabel\s+\w*$/.test(before)) return words(['smoothing'], CompletionItemKind.Keyword);
  if (/\bclass\s+\w*$/.test(before)) return words(['weights'], CompletionItemKind.Keyword);
  if (/\bunfreeze\s+\w*$/.test(before)) return words(['from', 'all'], CompletionItemKind.Keyword);
  if (/\bloss\s+\w*$/.test(before)) return words([...VALUES.loss], CompletionItemKind.Value, 'loss');
  if (/^\s*lr\s+[-+.\deE]+\s+\w*$/.test(before)) return words(['for'], CompletionItemKind.Keyword, 'lr X for B1..B2: a discriminative rate');
  if (/\bshuffle\s+\w*$/.test(before)) return words([...VALUES.shuffle], CompletionItemKind.Value);
  if (/^\s*on\s+\w*$/.test(before)) return words(['bad image'], CompletionItemKind.Keyword);
  if (/\bon\s+bad\s+image\s+\w*$/.test(before)) return words([...VALUES.badImage], CompletionItemKind.Value);
  if (/\bimage\s+\d+x\d+\s+grayscale\s+\w*$/.test(before)) return words(['adapt'], CompletionItemKind.Keyword);
  if (/\badapt\s+\w*$/.test(before)) return words([...VALUES.adapt], CompletionItemKind.Value);
  if (/\bprecision\s+\w*$/.test(before)) return words(['float32', 'bf16'], CompletionItemKind.Value, 'precision');
  if (/\bflip\s+\w*$/.test(before)) return words(['horizontal', 'vertical'], CompletionItemKind.Value);
  if (/\bchannel\s+\w*$/.test(before)) return words(['shift'], CompletionItemKind.Keyword);
  if (/\bshift\s+[a-z]*$/.test(before) && !/\bchannel\s+shift\s+[a-z]*$/.test(before)) return words(['width', 'height'], CompletionItemKind.Keyword, 'shift axis');
  if (/\brandom\s+\w*$/.test(before)) return words(['crop'], CompletionItemKind.Keyword);
  if (/\brandom\s+crop\b(?:\s+(?:scale|ratio)\s+\d*(?:\.\d+)?\.\.\d*(?:\.\d+)?)*\s+\w*$/.test(before)) {
    return words(['scale', 'ratio'].filter((clause) => !new RegExp(`\\b${clause}\\b`).test(before)), CompletionItemKind.Keyword, 'random crop');
  }
  if (/\bresize\s+\w*$/.test(before)) return words(['stretch', 'crop', 'pad'], CompletionItemKind.Value, 'resize mode');
  if (/\bfill\s+\w*$/.test(before)) return words(['nearest', 'constant', 'reflect', 'wrap'], CompletionItemKind.Value, 'fill mode');
  if (/^\s*\w*$/.test(before)) return lineStarts(enclosingBlock(text, offset - before.length));
  return [];
}
