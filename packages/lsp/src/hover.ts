// Hover: a model name shows its catalog card; a block name its Keras layer; a keyword its meaning.
import { findModel } from '@tlc/zoo/catalog';
import { chosenModel } from './completion';
import { KEYWORD_DOCS } from './keyword-docs';

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
  const doc = KEYWORD_DOCS[w.word];
  if (doc) return { markdown: doc, start: w.start, end: w.end };
  return undefined;
}
