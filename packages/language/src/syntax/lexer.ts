// Source text -> tokens, comments and lexical diagnostics. Chevrotain does the matching; this
// file turns its tokens into small plain records with offset spans, resolves string escapes and
// reports bad characters and unterminated strings (the lexer never fails).
import { Lexer } from 'chevrotain';
import type { Comment, Span } from '../ast/nodes';
import { at, messages } from '../diagnostics/catalog';
import type { Diagnostic } from '../diagnostics/types';
import { ALL_TOKENS } from './tokens';

export type TokenKind =
  | 'Newline'
  | 'String'
  | 'Size'
  | 'Range'
  | 'DotDot'
  | 'Fraction'
  | 'Percent'
  | 'Number'
  | 'Arrow'
  | 'LCurly'
  | 'RCurly'
  | 'LBracket'
  | 'RBracket'
  | 'Comma'
  | 'Semicolon'
  | 'Identifier'
  | 'EOF';

export interface Token {
  kind: TokenKind;
  /** The text as written. */
  image: string;
  span: Span;
  /** Strings only: the value with escapes resolved and quotes removed. */
  value?: string;
}

export interface LexResult {
  tokens: Token[];
  comments: Comment[];
  diagnostics: Diagnostic[];
}

const lexer = new Lexer(ALL_TOKENS, { positionTracking: 'onlyOffset', ensureOptimizations: false });

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t' };

/** Resolves escapes in a string's body; unknown escapes are reported and kept as written. */
function unescape(body: string, bodyStart: number, diagnostics: Diagnostic[]): string {
  let value = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      value += ch;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) break; // a lone trailing backslash of an unterminated string
    const resolved = ESCAPES[next];
    if (resolved === undefined) {
      diagnostics.push(at(messages.unknownEscape(`\\${next}`), { start: bodyStart + i, end: bodyStart + i + 2 }));
      value += `\\${next}`;
    } else {
      value += resolved;
    }
    i++;
  }
  return value;
}

export function tokenize(source: string): LexResult {
  const result = lexer.tokenize(source);
  const diagnostics: Diagnostic[] = [];
  for (const error of result.errors) {
    const character = String.fromCodePoint(source.codePointAt(error.offset) ?? 0);
    diagnostics.push(
      at(messages.unexpectedCharacter(character), { start: error.offset, end: error.offset + character.length }),
    );
  }
  const tokens: Token[] = [];
  for (const t of result.tokens) {
    const span = { start: t.startOffset, end: t.startOffset + t.image.length };
    const name = t.tokenType.name;
    if (name === 'String') {
      tokens.push({ kind: 'String', image: t.image, span, value: unescape(t.image.slice(1, -1), span.start + 1, diagnostics) });
    } else if (name === 'UnterminatedString') {
      diagnostics.push(at(messages.unterminatedString(), span));
      tokens.push({ kind: 'String', image: t.image, span, value: unescape(t.image.slice(1), span.start + 1, diagnostics) });
    } else {
      tokens.push({ kind: name as TokenKind, image: t.image, span });
    }
  }
  tokens.push({ kind: 'EOF', image: '', span: { start: source.length, end: source.length } });
  const comments: Comment[] = (result.groups.comments ?? []).map((t) => ({
    kind: 'Comment',
    span: { start: t.startOffset, end: t.startOffset + t.image.length },
    text: t.image.slice(1),
  }));
  diagnostics.sort((a, b) => a.span.start - b.span.start);
  return { tokens, comments, diagnostics };
}
