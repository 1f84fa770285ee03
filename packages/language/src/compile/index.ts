// The compiler's public face: compile() and its diagnostic codes (TL3xxx).
export { compile, type CompileOptions, type CompileResult } from './compile';
export { COMPILE_CODES, compileMessages, type CompileCode } from './messages';
