// A diagnostic raised while lowering: thrown by the section that finds it, caught once by the
// compiler, so each section reads straight through instead of threading error results.
import type { Diagnostic } from '../diagnostics/types';

export class CompileProblem extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}
