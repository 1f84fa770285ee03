// `parse`: source text -> AST plus the syntax diagnostics (lexical and grammatical), in source
// order. Never throws: every mistake becomes a diagnostic and the tree keeps what it could read.
import type { Program } from '../ast/nodes';
import type { Diagnostic } from '../diagnostics/types';
import { tokenize } from './lexer';
import { Parser } from './parser';

export interface ParseResult {
  program: Program;
  diagnostics: Diagnostic[];
}

export function parse(source: string): ParseResult {
  const lexed = tokenize(source);
  const parser = new Parser(lexed.tokens);
  const program = parser.parseProgram(lexed.comments, source.length);
  const diagnostics = [...lexed.diagnostics, ...parser.diagnostics].sort((a, b) => a.span.start - b.span.start);
  return { program, diagnostics };
}
