// TL2016: a word that is not one of its option's values (optimizer, activation, loss, pool,
// colour mode, schedule, metric, …), with "did you mean" against the values in syntax/tokens.ts.
import type { Identifier, StringLiteral } from '../../ast/nodes';
import { at, messages } from '../../diagnostics/catalog';
import { didYouMean } from '../../diagnostics/did-you-mean';
import type { Diagnostic } from '../../diagnostics/types';
import { HALF_PRECISION, VALUES } from '../../syntax/tokens';
import type { Rule } from './types';

export const unknownValueRule: Rule = ({ program }) => {
  const diagnostics: Diagnostic[] = [];
  const expect = (option: string, word: Identifier | StringLiteral | undefined, allowed: readonly string[]) => {
    if (word?.kind !== 'Identifier' || allowed.includes(word.name)) return;
    diagnostics.push(at(messages.unknownValue(option, word.name, allowed, didYouMean(word.name, allowed)), word.span));
  };
  for (const statement of program.statements) {
    switch (statement.kind) {
      case 'Data':
        for (const s of statement.settings) {
          if (s.kind === 'Image') {
            expect('colour mode', s.color, VALUES.color);
            expect('`adapt` mode', s.adapt, VALUES.adapt);
          }
          if (s.kind === 'OnBadImage') expect('bad-image action', s.action, VALUES.badImage);
          if (s.kind === 'Resize') expect('resize mode', s.mode, VALUES.resize);
          if (s.kind === 'Shuffle') expect('`shuffle` value', s.enabled, VALUES.shuffle);
          if (s.kind === 'Batch') expect('batch size', s.auto, VALUES.batch);
        }
        break;
      case 'Augment':
        for (const s of statement.settings) {
          if (s.kind === 'Flip') for (const d of s.directions) expect('flip direction', d, VALUES.flip);
          if (s.kind === 'Shift') expect('shift axis', s.axis, VALUES.shiftAxis);
          if (s.kind === 'Fill') expect('fill mode', s.mode, VALUES.fill);
        }
        break;
      case 'Use':
        expect('weights', statement.weights?.source, VALUES.weights);
        break;
      case 'Preprocess':
        expect('preprocessing', statement.mode, VALUES.preprocess);
        break;
      case 'Head':
        expect('activation', statement.activation, VALUES.activation);
        for (const layer of statement.layers) {
          if (layer.kind === 'Pool') expect('pooling', layer.type, VALUES.pool);
          if (layer.kind === 'Dense') expect('activation', layer.activation, VALUES.activation);
        }
        break;
      case 'Stage':
        for (const s of statement.settings) {
          if (s.kind === 'Optimizer') expect('optimizer', s.name, VALUES.optimizer);
          if (s.kind === 'Loss') expect('loss', s.name, VALUES.loss);
          if (s.kind === 'EarlyStop') expect('metric', s.monitor, VALUES.monitor);
          if (s.kind === 'Plateau') expect('metric', s.monitor, VALUES.monitor);
          if (s.kind === 'Schedule') {
            expect('schedule', s.type, VALUES.schedule);
            expect('warm-up unit', s.warmupUnit, VALUES.warmupUnit);
          }
          if (s.kind === 'ClassWeights') expect('class weighting', s.balanced, VALUES.classWeights);
          // In a stage `batch` also starts `batch norm`: `batch nrom train` gets "did you mean `norm`".
          if (s.kind === 'StageBatch') expect('batch size', s.auto, [...VALUES.batch, 'norm']);
          // float16's names get their own code (TL2061, half-precision.ts).
          if (s.kind === 'Precision' && !HALF_PRECISION.includes(s.value?.name ?? '')) expect('precision', s.value, VALUES.precision);
          if (s.kind === 'BatchNormMode') expect('`batch norm` mode', s.mode, VALUES.batchNorm);
        }
        break;
      case 'Evaluate':
        expect('evaluation target', statement.target, VALUES.evaluate);
        expect('test-time augmentation', statement.tta, VALUES.tta);
        break;
      case 'Export':
        expect('export format', statement.format, VALUES.exportFormat);
        break;
    }
  }
  return diagnostics;
};
