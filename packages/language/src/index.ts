// @tlc/language: `.tl` source -> AST -> diagnostics (and, via compile/, a plan).
//   parse    source -> { program, diagnostics }            (syntax/)
//   check    program -> diagnostics                        (check/)
//   analyze  parse + check, diagnostics in source order
//   format   source -> canonical text                      (format/)
//   render   diagnostics -> rustc-style text or JSON       (diagnostics/)
//   checkPlan  a plan from a file against the zoo and itself (plan-check/)
export type * from './ast/nodes';
export type { Diagnostic, Label, Severity } from './diagnostics/types';
export { parse, type ParseResult } from './syntax/index';
export { check, type CheckOptions } from './check/index';
export { nodeFiles, type FileSystemView } from './check/files';
export { analyze, type AnalyzeResult } from './analyze';
export { KEYWORDS, STATEMENT_KEYWORDS, BLOCK_SETTINGS, VALUES, VALUE_WORDS } from './syntax/tokens';
export { CODES, messages, type Code, type Message } from './diagnostics/catalog';
export { didYouMean } from './diagnostics/did-you-mean';
export { renderPretty, summarize, type PrettyOptions } from './diagnostics/pretty';
export { renderJson, toJson, type JsonDiagnostic } from './diagnostics/json';
export { toLineColumn, type LineColumn } from './diagnostics/position';
export { compile, COMPILE_CODES, compileMessages, type CompileOptions, type CompileResult, type CompileCode } from './compile/index';
export { format, type FormatResult } from './format/index';
export { explainPage, listCodes, pageExamples, type CodeSummary } from './diagnostics/explain';
export { highlightAnsi, highlightHtml } from './highlight/index';
export { checkPlan, PLAN_CHECK_CODES, planProblemsMessage, type PlanCheckCode, type PlanProblem } from './plan-check/index';
