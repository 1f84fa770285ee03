// @tlc/lsp: the language server for `.tl` files (`tlc lsp --stdio`).
export { startServer } from './server';
export { complete } from './completion';
export { hover } from './hover';
export { diagnose, DIAGNOSTICS_PUBLISHED, toLspDiagnostic } from './diagnostics';
