// Completion: what may come next where the cursor is, from the words before it on its line.
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver/node';
import { findModel, listModels } from '@tlc/zoo/catalog';
import { KEYWORD_DOCS } from './keyword-docs';

export const ACTIVATIONS = ['relu', 'softmax', 'sigmoid', 'linear', 'tanh', 'gelu', 'swish', 'elu', 'selu'];
export const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'rmsprop'];

const STATEMENTS = ['pipeline', 'data', 'augment', 'use', 'preprocess', 'head', 'train', 'fine tune', 'evaluate', 'export', 'predict'];

function words(list: string[], kind: CompletionItemKind, detail?: string): CompletionItem[] {
  return list.map((label) => ({ label, kind, detail }));
}

/** Keywords that only continue a setting (`label smoothing`): not offered at the start of a line. */
const CONTINUATIONS = ['fine', 'tune', 'smoothing', 'tta', 'threshold', 'columns', 'separator', 'as', 'warmup', 'steps', 'cycle', 'max', 'every', 'times', 'plateau', 'factor', 'width', 'height', 'layer', 'for', 'norm', 'scale', 'ratio'];

/** Where the line's last `;` outside a string is (-1: none): `separator ";"` does not end the statement. */
function lastStatementEnd(line: string): number {
  let end = -1;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString && c === '\\') i++;
    else if (c === '"') inString = !inString;
    else if (c === ';' && !inString) end = i;
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
  if (/\bevaluate(?:\s+(?:validation|"[^"]*"))?\s+\w*$/.test(before)) return words(['tta', 'threshold'], CompletionItemKind.Keyword);
  if (/\bevaluate\b.*\btta\s+flips\s+\w*$/.test(before)) return words(['threshold'], CompletionItemKind.Keyword);
  if (/\bschedule\s+\w*$/.test(before)) return words(['cosine', 'one cycle', 'step'], CompletionItemKind.Value, 'learning-rate schedule');
  if (/\bwarmup\s+\d+\s+\w*$/.test(before)) return words(['epochs', 'steps'], CompletionItemKind.Value);
  if (/\breduce\s+\w*$/.test(before)) return words(['lr on plateau'], CompletionItemKind.Keyword);
  if (/\b(?:early\s+stop|plateau)\b.*\bon\s+\w*$/.test(before)) return words(['val_loss', 'val_accuracy', 'loss', 'accuracy'], CompletionItemKind.Value, 'metric');
  if (/\blabel\s+\w*$/.test(before)) return words(['smoothing'], CompletionItemKind.Keyword);
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
  if (/^\s*\w*$/.test(before)) {
    const statements = words(STATEMENTS, CompletionItemKind.Keyword, 'statement');
    const settings = Object.keys(KEYWORD_DOCS)
      .filter((k) => !STATEMENTS.includes(k) && !CONTINUATIONS.includes(k))
      .map((label) => ({ label, kind: CompletionItemKind.Property, detail: 'setting' }));
    return [...statements, ...settings];
  }
  return [];
}
