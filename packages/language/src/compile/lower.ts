// Lowering a checked program to a plan, section by section. The checker has accepted the program,
// so every name resolves in the catalog; what can still fail here (a missing layer list, an
// unknown weights format) is thrown as a CompileProblem and reported by ./compile.
import type { Program, StageStatement } from '../ast/nodes';
import type { Diagnostic } from '../diagnostics/types';
import type { Plan } from '@tlc/plan';
import { DATA_DEFAULTS, PLAN_VERSION } from '@tlc/plan';
import { findModel, modelLayers } from '@tlc/zoo/catalog';
import { imageShapeOf, lowerData } from './data';
import { lowerHead } from './head';
import type { Backbone } from './layers';
import { compileMessages } from './messages';
import { lowerModel } from './model';
import { lowerEvaluate, lowerExport, lowerPredict } from './outputs';
import { lowerPreprocess } from './preprocess';
import { CompileProblem } from './problem';
import { statementOf } from './select';
import { lowerStages } from './stages';

export interface LowerInput {
  program: Program;
  /** The pipeline name when the source has no `pipeline` statement. */
  defaultName: string;
  source: Plan['source'];
  /** Warnings and infos from the checker, kept in the plan's notes. */
  notes: readonly Diagnostic[];
}

export function lowerProgram({ program, defaultName, source, notes }: LowerInput): Plan {
  const use = statementOf(program, 'Use');
  const headStatement = statementOf(program, 'Head');
  const entry = use?.model && findModel(use.model.name);
  // The checker reports a missing `use`, an unknown model and a missing `head`.
  if (!use || !entry || !headStatement) throw new Error('compile: the program has not been checked');
  const layers = modelLayers(entry.name);
  if (!layers) throw new CompileProblem(compileMessages.missingLayerList(entry.name, use.model!.span));
  const backbone: Backbone = { entry, layers };

  const dataStatement = statementOf(program, 'Data');
  const augment = statementOf(program, 'Augment');
  if (augment && !dataStatement) throw new CompileProblem(compileMessages.augmentWithoutData(augment.span));
  const image = imageShapeOf(dataStatement, entry);
  const model = lowerModel(use, backbone, image);
  const head = lowerHead(headStatement);
  const data = dataStatement ? lowerData(dataStatement, augment, image) : null;

  const stages = program.statements.filter((s): s is StageStatement => s.kind === 'Stage');
  return {
    version: PLAN_VERSION,
    name: statementOf(program, 'Pipeline')?.name?.value ?? defaultName,
    source,
    model,
    preprocess: lowerPreprocess(statementOf(program, 'Preprocess'), entry, image.channels),
    head,
    data,
    stages: lowerStages(
      stages.find((s) => s.stage === 'train'),
      stages.filter((s) => s.stage === 'fineTune'),
      {
        backbone,
        frozenLayers: model.freeze.layers,
        batchSize: data?.batchSize ?? DATA_DEFAULTS.batchSize,
        defaultLoss: head.outputActivation === 'sigmoid' ? 'binary_crossentropy' : 'categorical_crossentropy',
        batchNormInference: model.weights.source !== 'none',
        keptLayers: backbone.layers.slice(0, backbone.layers.indexOf(model.outputLayer) + 1),
      },
    ),
    evaluate: lowerEvaluate(statementOf(program, 'Evaluate')),
    export: lowerExport(statementOf(program, 'Export')),
    predict: lowerPredict(statementOf(program, 'Predict')),
    notes: notes
      .filter((d) => d.severity !== 'error')
      .map((d) => ({ code: d.code, severity: d.severity as 'warning' | 'info', message: d.message })),
  };
}
