// `check`: every rule of rules/ run over one shared context in a single pass. A rule that needs
// the backbone stays silent when the model is unknown (TL2001 reports that once).
import type { Program } from '../ast/nodes';
import type { Diagnostic } from '../diagnostics/types';
import { createContext } from './context';
import type { FileSystemView } from './files';
import { augmentWithFrozenBackboneRule } from './rules/augmentWithFrozenBackbone';
import { duplicateSettingRule } from './rules/duplicateSetting';
import { duplicateStatementRule } from './rules/duplicateStatement';
import { fineTuneWithoutFrozenRule } from './rules/fineTuneWithoutFrozen';
import { freezeRandomWeightsRule } from './rules/freezeRandomWeights';
import { grayscaleWithRgbWeightsRule } from './rules/grayscaleWithRgbWeights';
import { headOutputRule } from './rules/headOutput';
import { imageSizeRule } from './rules/imageSize';
import { imagenetWeightsRule } from './rules/imagenetWeights';
import { missingStatementRule } from './rules/missingStatement';
import { missingPathsRule } from './rules/missingPaths';
import { modelAlphaRule } from './rules/modelAlpha';
import { normalizeWithPretrainedRule } from './rules/normalizeWithPretrained';
import { optimizerClausesRule } from './rules/optimizerClauses';
import { outputActivationRule } from './rules/outputActivation';
import { pointAfterCutRule } from './rules/pointAfterCut';
import { rescaleWithPretrainedRule } from './rules/rescaleWithPretrained';
import type { Rule } from './rules/types';
import { unfreezeNothingRule } from './rules/unfreezeNothing';
import { unfreezeOutsideFineTuneRule } from './rules/unfreezeOutsideFineTune';
import { unknownClassWeightRule } from './rules/unknownClassWeight';
import { unknownModelRule } from './rules/unknownModel';
import { unknownPointRule } from './rules/unknownPoint';
import { unknownValueRule } from './rules/unknownValue';
import { valueRangesRule } from './rules/valueRanges';

export const RULES: readonly Rule[] = [
  unknownModelRule,
  missingStatementRule,
  duplicateStatementRule,
  duplicateSettingRule,
  rescaleWithPretrainedRule,
  normalizeWithPretrainedRule,
  freezeRandomWeightsRule,
  grayscaleWithRgbWeightsRule,
  imageSizeRule,
  unknownPointRule,
  pointAfterCutRule,
  augmentWithFrozenBackboneRule,
  valueRangesRule,
  unknownValueRule,
  unfreezeOutsideFineTuneRule,
  fineTuneWithoutFrozenRule,
  unfreezeNothingRule,
  modelAlphaRule,
  outputActivationRule,
  headOutputRule,
  imagenetWeightsRule,
  optimizerClausesRule,
  missingPathsRule,
  unknownClassWeightRule,
];

export interface CheckOptions {
  /**
   * The file system seen from the .tl file's folder: with it, paths that do not exist are
   * reported (TL2028, TL2029). Without it the checker reads nothing but the program.
   */
  files?: FileSystemView;
}

/** The meaning diagnostics (TL2xxx) of a parsed program, in source order. */
export function check(program: Program, options: CheckOptions = {}): Diagnostic[] {
  const context = createContext(program, options.files);
  return RULES.flatMap((rule) => rule(context)).sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
}
