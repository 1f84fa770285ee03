// Learning-rate schedules lower to the stage's `schedule`, with every default explicit: constant
// without one, Keras's ReduceLROnPlateau defaults, fastai's one-cycle start at lr / 25.
import { describe, expect, it } from 'vitest';
import { format } from '../../src/index';
import { planOf } from './helpers';

const stagesOf = (train: string, fineTune = '') =>
  planOf(`use ResNet50V2 weights imagenet freeze until block4\nhead dense 2\ntrain {\n${train}\n}\n${fineTune ? `fine tune {\n${fineTune}\n}\n` : ''}`, '/x/s.tl').stages;

describe('schedules', () => {
  it('a stage without one is constant, and fine tune does not inherit stage 1 schedule', () => {
    const [train, fine] = stagesOf('epochs 4\nschedule cosine', 'epochs 2');
    expect(train.schedule).toEqual({ kind: 'cosine', warmup: { count: 0, unit: 'epochs' } });
    expect(fine.schedule).toEqual({ kind: 'constant' });
    expect(stagesOf('epochs 2')[0].schedule).toEqual({ kind: 'constant' });
  });

  it('cosine with a warm-up in epochs or steps', () => {
    expect(stagesOf('epochs 5\nschedule cosine warmup 2 epochs')[0].schedule).toEqual({ kind: 'cosine', warmup: { count: 2, unit: 'epochs' } });
    expect(stagesOf('epochs 5\nschedule cosine warmup 30 steps')[0].schedule).toEqual({ kind: 'cosine', warmup: { count: 30, unit: 'steps' } });
  });

  it('one cycle peaks at max lr from the stage lr, or at the stage lr from lr / 25', () => {
    expect(stagesOf('epochs 5\nlr 1e-3\nschedule one cycle max lr 1e-2')[0].schedule).toEqual({ kind: 'one-cycle', startLearningRate: 1e-3, maxLearningRate: 1e-2 });
    expect(stagesOf('epochs 5\nlr 1e-3\nschedule one cycle')[0].schedule).toEqual({ kind: 'one-cycle', startLearningRate: 4e-5, maxLearningRate: 1e-3 });
  });

  it('step and plateau', () => {
    expect(stagesOf('epochs 6\nschedule step every 2 epochs times 0.5')[0].schedule).toEqual({ kind: 'step', everyEpochs: 2, factor: 0.5 });
    expect(stagesOf('epochs 6\nreduce lr on plateau')[0].schedule).toEqual({
      kind: 'plateau', monitor: 'val_loss', factor: 0.1, patience: 10, minDelta: 1e-4, cooldown: 0, minLearningRate: 0,
    });
    expect(stagesOf('epochs 6\nreduce lr on plateau factor 0.5 patience 2 on val_accuracy')[0].schedule).toMatchObject({ monitor: 'val_accuracy', factor: 0.5, patience: 2 });
  });

  it('formats each form back as written', () => {
    const source = [
      'use ResNet50V2 weights imagenet freeze until block4',
      'head dense 2',
      'train {',
      '  epochs 5',
      '  schedule one cycle max lr 1e-2',
      '}',
      'fine tune {',
      '  epochs 4',
      '  reduce lr on plateau factor 0.5 patience 2 on val_loss',
      '}',
      '',
    ].join('\n');
    expect(format(source).text).toBe(source);
    const cosine = source.replace('schedule one cycle max lr 1e-2', 'schedule cosine warmup 10 steps').replace('reduce lr on plateau factor 0.5 patience 2 on val_loss', 'schedule step every 2 epochs times 0.5');
    expect(format(cosine).text).toBe(cosine);
  });
});
