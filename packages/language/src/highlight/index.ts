// Highlighting `.tl` code outside editors — the run report (HTML) and `tlc explain` (terminal) —
// with the same TextMate grammar VS Code uses (grammar/tl.tmLanguage.json), through shiki, which is
// imported on the first call: `tlc check`, `compile` and a run's start do not load it.
import { readFileSync } from 'node:fs';
import type { HighlighterCore, LanguageRegistration } from 'shiki/core';

const GRAMMAR = new URL('../../../../grammar/tl.tmLanguage.json', import.meta.url);
const THEME = 'github-light';

let highlighter: Promise<HighlighterCore> | undefined;

function load(): Promise<HighlighterCore> {
  highlighter ??= (async () => {
    const [{ createHighlighterCore }, { createOnigurumaEngine }] = await Promise.all([import('shiki/core'), import('shiki/engine/oniguruma')]);
    const grammar = JSON.parse(readFileSync(GRAMMAR, 'utf8')) as LanguageRegistration;
    return createHighlighterCore({
      themes: [import('shiki/themes/github-light.mjs')],
      langs: [{ ...grammar, name: 'tl' }],
      engine: createOnigurumaEngine(import('shiki/wasm')),
    });
  })();
  return highlighter;
}

/** `.tl` code as a `<pre class="shiki">` block with inline colours. */
export async function highlightHtml(code: string): Promise<string> {
  return (await load()).codeToHtml(code, { lang: 'tl', theme: THEME });
}

/** `.tl` code with 24-bit ANSI colours, for a terminal. */
export async function highlightAnsi(code: string): Promise<string> {
  const { tokens } = (await load()).codeToTokens(code, { lang: 'tl', theme: THEME });
  return tokens
    .map((line) =>
      line
        .map((t) => {
          const hex = t.color?.match(/^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i);
          if (!hex || t.content.trim() === '') return t.content;
          const [r, g, b] = hex.slice(1).map((h) => parseInt(h, 16));
          return `\x1b[38;2;${r};${g};${b}m${t.content}\x1b[39m`;
        })
        .join(''),
    )
    .join('\n');
}
