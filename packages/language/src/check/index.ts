// `check`: every rule of rules/ run over one shared context in a single pass. A rule that needs
// the backbone stays silent when the model is unknown (TL2001 reports that once).
import type { Program } from '../ast/nodes';
import type { Code } from '../diagnostics/catalog';
import type { Diagnostic } from '../diagnostics/types';
import { createContext } from './context';
import { settledProgram } from './settled';
import type { FileSystemView } from './files';
import { augmentWithFrozenBackboneRule } from './rules/augment-with-frozen-backbone';
import { duplicateSettingRule } from './rules/duplicate-setting';
import { duplicateStatementRule } from './rules/duplicate-statement';
import { fineTuneWithoutFrozenRule } from './rules/fine-tune-without-frozen';
import { freezeRandomWeightsRule } from './rules/freeze-random-weights';
import { grayscaleWithRgbWeightsRule } from './rules/grayscale-with-rgb-weights';
import { headOutputRule } from './rules/head-output';
import { imageSizeRule } from './rules/image-size';
import { imagenetWeightsRule } from './rules/imagenet-weights';
import { layerIndexBeyondModelRule } from './rules/layer-index-beyond-model';
import { stageNamesRule } from './rules/stage-names';
import { rateOnFrozenRule } from './rules/rate-on-frozen';
import { discriminativeRangesRule } from './rules/discriminative-ranges';
import { spreadReversedRule } from './rules/spread-reversed';
import { batchNormWithoutPretrainedRule } from './rules/batch-norm-without-pretrained';
import { unfreezeNothingNewRule } from './rules/unfreeze-nothing-new';
import { missingStatementRule } from './rules/missing-statement';
import { missingPathsRule } from './rules/missing-paths';
import { modelAlphaRule } from './rules/model-alpha';
import { normalizeWithPretrainedRule } from './rules/normalize-with-pretrained';
import { optimizerClausesRule } from './rules/optimizer-clauses';
import { outputActivationRule } from './rules/output-activation';
import { pointAfterCutRule } from './rules/point-after-cut';
import { rescaleWithPretrainedRule } from './rules/rescale-with-pretrained';
import { oneCycleBelowLrRule } from './rules/one-cycle-below-lr';
import { scheduleClausesRule } from './rules/schedule-clauses';
import { scheduleWithPlateauRule } from './rules/schedule-with-plateau';
import { shiftAxesRule } from './rules/shift-axes';
import { mixNeedsSingleLabelRule } from './rules/mix-needs-single-label';
import { fillValueRule } from './rules/fill-value';
import { randomCropPaddedRule } from './rules/random-crop-padded';
import { stepNeverStepsRule } from './rules/step-never-steps';
import { ttaFlipsUnseenRule } from './rules/tta-flips-unseen';
import type { Rule } from './rules/types';
import { warmupTooLongRule } from './rules/warmup-too-long';
import { halfPrecisionRule } from './rules/half-precision';
import { bf16OnTorchOnlyRule } from './rules/bf16-on-torch-only';
import { unfreezeNothingRule } from './rules/unfreeze-nothing';
import { unfreezeOutsideFineTuneRule } from './rules/unfreeze-outside-fine-tune';
import { unknownClassWeightRule } from './rules/unknown-class-weight';
import { unknownModelRule } from './rules/unknown-model';
import { unknownPointRule } from './rules/unknown-point';
import { unknownValueRule } from './rules/unknown-value';
import { valueRangesRule } from './rules/value-ranges';
import { labelsFileMissingRule } from './rules/labels-file-missing';
import { labelsWithFolderRule } from './rules/labels-with-folder';
import { labelsSeparatorRule } from './rules/labels-separator';
import { multiLabelClassWeightsRule } from './rules/multi-label-class-weights';
import { evaluateThresholdRule } from './rules/evaluate-threshold';
import { patienceOutlastsStageRule } from './rules/patience-outlasts-stage';
import { batchNormTrainChangesNothingRule } from './rules/batch-norm-train-changes-nothing';
import { earlyStopBeforePlateauRule } from './rules/early-stop-before-plateau';

/** A rule and the codes it reports: from a code to its rule at a glance. */
export interface TaggedRule {
  codes: readonly Code[];
  rule: Rule;
}

/** Every rule, tagged with its codes (graphql-js's specifiedRules); each file is named for its rule. */
export const RULES: readonly TaggedRule[] = [
  { codes: ['TL2001'], rule: unknownModelRule },
  { codes: ['TL2002', 'TL2003'], rule: missingStatementRule },
  { codes: ['TL2004'], rule: duplicateStatementRule },
  { codes: ['TL2005'], rule: duplicateSettingRule },
  { codes: ['TL2006'], rule: rescaleWithPretrainedRule },
  { codes: ['TL2027'], rule: normalizeWithPretrainedRule },
  { codes: ['TL2007'], rule: freezeRandomWeightsRule },
  { codes: ['TL2008'], rule: grayscaleWithRgbWeightsRule },
  { codes: ['TL2009'], rule: imageSizeRule },
  { codes: ['TL2011'], rule: unknownPointRule },
  { codes: ['TL2012'], rule: pointAfterCutRule },
  { codes: ['TL2013'], rule: augmentWithFrozenBackboneRule },
  { codes: ['TL2014', 'TL2015'], rule: valueRangesRule },
  { codes: ['TL2016'], rule: unknownValueRule },
  { codes: ['TL2017'], rule: unfreezeOutsideFineTuneRule },
  { codes: ['TL2018'], rule: fineTuneWithoutFrozenRule },
  { codes: ['TL2020'], rule: unfreezeNothingRule },
  { codes: ['TL2021', 'TL2022'], rule: modelAlphaRule },
  { codes: ['TL2023'], rule: outputActivationRule },
  { codes: ['TL2024'], rule: headOutputRule },
  { codes: ['TL2025'], rule: imagenetWeightsRule },
  { codes: ['TL2026'], rule: optimizerClausesRule },
  { codes: ['TL2028', 'TL2029'], rule: missingPathsRule },
  { codes: ['TL2030'], rule: unknownClassWeightRule },
  { codes: ['TL2031'], rule: scheduleClausesRule },
  { codes: ['TL2032'], rule: warmupTooLongRule },
  { codes: ['TL2033'], rule: oneCycleBelowLrRule },
  { codes: ['TL2034'], rule: scheduleWithPlateauRule },
  { codes: ['TL2035'], rule: stepNeverStepsRule },
  { codes: ['TL2043'], rule: mixNeedsSingleLabelRule },
  { codes: ['TL2050'], rule: ttaFlipsUnseenRule },
  { codes: ['TL2044'], rule: shiftAxesRule },
  { codes: ['TL2045'], rule: fillValueRule },
  { codes: ['TL2046'], rule: randomCropPaddedRule },
  { codes: ['TL2036'], rule: rateOnFrozenRule },
  { codes: ['TL2037'], rule: discriminativeRangesRule },
  { codes: ['TL2038'], rule: spreadReversedRule },
  { codes: ['TL2039'], rule: layerIndexBeyondModelRule },
  { codes: ['TL2040'], rule: unfreezeNothingNewRule },
  { codes: ['TL2041'], rule: batchNormWithoutPretrainedRule },
  { codes: ['TL2042'], rule: stageNamesRule },
  { codes: ['TL2051'], rule: patienceOutlastsStageRule },
  { codes: ['TL2052'], rule: batchNormTrainChangesNothingRule },
  { codes: ['TL2053'], rule: earlyStopBeforePlateauRule },
  { codes: ['TL2054'], rule: labelsFileMissingRule },
  { codes: ['TL2055'], rule: labelsWithFolderRule },
  { codes: ['TL2067', 'TL2068', 'TL2069'], rule: labelsSeparatorRule },
  { codes: ['TL2056'], rule: multiLabelClassWeightsRule },
  { codes: ['TL2057', 'TL2058'], rule: evaluateThresholdRule },
  { codes: ['TL2061'], rule: halfPrecisionRule },
  { codes: ['TL2062'], rule: bf16OnTorchOnlyRule },
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
  const whole = createContext(program, options.files);
  const settled = settledProgram(program);
  const context = settled === program ? whole : createContext(settled, options.files);
  return RULES.flatMap(({ rule }) => rule(PRESENCE_RULES.has(rule) ? whole : context)).sort(
    (a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code),
  );
}

/**
 * The rules about whether a statement or setting is there at all: they also see the ones a syntax
 * error abandoned (settled.ts), which every other rule skips.
 */
const PRESENCE_RULES: ReadonlySet<Rule> = new Set([missingStatementRule, duplicateStatementRule, duplicateSettingRule]);
