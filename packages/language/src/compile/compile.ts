// compile: `.tl` source -> validated plan.
//
//   source --analyze--> program + diagnostics --(errors? stop)--> lowerProgram --> plan
//          --validatePlan--> plan, or TL3006 (an internal error: the compiler built a bad plan)
//
// Warnings and infos travel in the plan's `notes` and in the returned diagnostics. Paths in the
// plan are as written in the source, relative to the source file's folder; a caller writing the
// plan elsewhere rebases them with @tlc/plan's rebasePlanPaths.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Plan } from '@tlc/plan';
import { formatPlanError, validatePlan } from '@tlc/plan';
import type { Diagnostic } from '../diagnostics/types';
import { analyze } from '../analyze';
import type { FileSystemView } from '../check/files';
import { lowerProgram } from './lower';
import { compileMessages } from './messages';
import { CompileProblem } from './problem';

export interface CompileOptions {
  /** The source file's path: names the pipeline by default and goes into the plan's `source`. */
  file?: string;
  /**
   * The file system seen from the source's folder (`nodeFiles(dirname(file))`): `tlc check` and
   * the language server pass it so that missing folders and weights files are reported.
   */
  files?: FileSystemView;
}

export interface CompileResult {
  /** null when there is any error. */
  plan: Plan | null;
  diagnostics: Diagnostic[];
}

/** The name of a pipeline without a `pipeline` statement and without a file. */
const UNNAMED_PIPELINE = 'pipeline';

export function compile(source: string, options: CompileOptions = {}): CompileResult {
  const { program, diagnostics } = analyze(source, options.files ? { files: options.files } : {});
  if (diagnostics.some((d) => d.severity === 'error')) return { plan: null, diagnostics };

  const file = options.file === undefined ? undefined : path.basename(options.file);
  let plan: Plan;
  try {
    plan = lowerProgram({
      program,
      defaultName: file?.replace(/\.tl$/, '') || UNNAMED_PIPELINE,
      source: file === undefined ? null : { file, sha256: createHash('sha256').update(source).digest('hex') },
      notes: diagnostics,
    });
  } catch (error) {
    if (error instanceof CompileProblem) return { plan: null, diagnostics: [...diagnostics, error.diagnostic] };
    throw error;
  }

  const validation = validatePlan(plan);
  if (!validation.ok) {
    const problem = compileMessages.planFailsSchema(validation.errors.map(formatPlanError), program.span);
    return { plan: null, diagnostics: [...diagnostics, problem] };
  }
  return { plan: validation.plan, diagnostics };
}
