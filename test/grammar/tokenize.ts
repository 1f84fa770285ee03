// Tokenises `.tl` text with the engine VS Code uses (vscode-textmate on vscode-oniguruma) and the
// committed grammar, and renders the tokens as a golden-file listing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const require = createRequire(import.meta.url);
const grammarPath = new URL('../../grammar/tl.tmLanguage.json', import.meta.url);

let registry: textmate.Registry | undefined;

async function loadGrammar(): Promise<textmate.IGrammar> {
  if (!registry) {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) =>
        scopeName === 'source.tl' ? textmate.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath.pathname) : null,
    });
  }
  const grammar = await registry.loadGrammar('source.tl');
  if (!grammar) throw new Error('grammar source.tl did not load');
  return grammar;
}

export interface Token {
  text: string;
  scopes: string[];
}

/** Tokens per line, whitespace-only tokens dropped, the root scope `source.tl` left out. */
export async function tokenize(text: string): Promise<Token[][]> {
  const grammar = await loadGrammar();
  let stack = textmate.INITIAL;
  return text.split(/\r?\n/).map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens
      .map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.filter((s) => s !== 'source.tl') }))
      .filter((t) => t.text.trim() !== '');
  });
}

/** One block per non-empty line: the line, then each token and its innermost scopes. */
export async function renderTokens(text: string): Promise<string> {
  const lines = text.split(/\r?\n/);
  const tokens = await tokenize(text);
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    out.push(`> ${line}`);
    for (const t of tokens[i]) out.push(`  ${JSON.stringify(t.text).padEnd(24)} ${t.scopes.join(' ') || '(none)'}`);
  });
  return out.join('\n') + '\n';
}
