// Hover: a model name shows its catalog card; a block name its Keras layer; a keyword its meaning.
import { findModel } from '@tlc/zoo/catalog';
import { chosenModel } from './completion';
import { KEYWORD_DOCS, VALUE_DOCS } from './keyword-docs';

export interface HoverResult {
  markdown: string;
  start: number;
  end: number;
}

export function wordAt(text: string, offset: number): { word: string; start: number; end: number } | undefined {
  const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  let start = offset;
  let end = offset;
  while (start > 0 && isWord(text[start - 1])) start--;
  while (end < text.length && isWord(text[end])) end++;
  if (start === end) return undefined;
  return { word: text.slice(start, end), start, end };
}

function modelCard(name: string): string | undefined {
  const m = findModel(name);
  if (!m) return undefined;
  const blocks = m.blocks.map((b) => `| \`${b.name}\` | \`${b.layer}\` |`).join('\n');
  return [
    `**${m.name}** (${m.family})`,
    '',
    `- input: ${m.inputSize}×${m.inputSize} by default, at least ${m.minInputSize}×${m.minInputSize}`,
    `- parameters without the top: ${m.params.total.toLocaleString('en-US')} (${m.params.trainable.toLocaleString('en-US')} trainable)`,
    `- preprocessing (\`preprocess native\`): ${m.preprocess}`,
    '',
    '| block | ends at Keras layer |',
    '| --- | --- |',
    blocks,
  ].join('\n');
}

/** A word whose meaning depends on the words around it: `train` in `batch norm train`, `on` in `reduce lr on plateau`. */
function contextualDoc(text: string, w: { word: string; start: number; end: number }): string | undefined {
  const lineStart = text.lastIndexOf('\n', w.start - 1) + 1;
  const before = text.slice(lineStart, w.start);
  const after = text.slice(w.end, w.end + 40);
  if (/\bnorm\s+$/.test(before) && w.word in VALUE_DOCS) return VALUE_DOCS[w.word];
  if (w.word === 'batch' && /^\s+norm\b/.test(after)) return KEYWORD_DOCS.norm;
  if (w.word === 'on' && /\b(?:stop|plateau)\b[^;{}]*$/.test(before)) return '`on val_loss|val_accuracy|loss|accuracy`: the value `early stop` or `reduce lr on plateau` watches (default `val_loss`).';
  if (w.word === 'on' && /\blr\s+$/.test(before)) return KEYWORD_DOCS.reduce;
  if (w.word === 'max') return /^\s+lr\b/.test(after) ? KEYWORD_DOCS.max : VALUE_DOCS.max;
  if (w.word === 'lr' && /\bmax\s+$/.test(before)) return KEYWORD_DOCS.max;
  if (w.word === 'lr' && /\breduce\s+$/.test(before)) return KEYWORD_DOCS.reduce;
  if (w.word === 'step' && /\bschedule\s+$/.test(before)) return VALUE_DOCS.step;
  if (w.word === 'epochs' && /\b(?:warmup|every)\s+\S+\s+$/.test(before)) return VALUE_DOCS.epochs;
  if (w.word === 'loss' && /\bon\s+$/.test(before)) return VALUE_DOCS.loss;
  if (w.word === 'validation' && /\bevaluate\s+$/.test(before)) return VALUE_DOCS.validation;
  if (w.word === 'on' && /\bshuffle\s+$/.test(before)) return KEYWORD_DOCS.shuffle;
  return undefined;
}

export function hover(text: string, offset: number): HoverResult | undefined {
  const w = wordAt(text, offset);
  if (!w) return undefined;
  const card = modelCard(w.word);
  if (card) return { markdown: card, start: w.start, end: w.end };
  if (/^block\d+$/.test(w.word)) {
    const model = findModel(chosenModel(text) ?? '');
    const block = model?.blocks.find((b) => b.name === w.word);
    if (model && block) {
      return { markdown: `\`${block.name}\` of ${model.name} ends at Keras layer \`${block.layer}\``, start: w.start, end: w.end };
    }
  }
  const doc = contextualDoc(text, w) ?? KEYWORD_DOCS[w.word] ?? VALUE_DOCS[w.word];
  if (doc) return { markdown: doc, start: w.start, end: w.end };
  return undefined;
}
