// Phase 8, report: report.html (the source, every epoch, the evaluation), the summary line, and
// the run's summary for the caller (`tlc run --json` prints it).
import { join } from 'node:path';
import type { StagePlan } from '@tlc/plan';
import type { EpochRecord } from '../../engine/engine';
import type { Evaluation } from '../../evaluate/evaluate';
import { writeFileAtomic } from '../atomic';
import type { RunContext } from '../context';
import { reportHtml } from '../report-html';
import { RUN_FILES } from '../run-folder';
import type { TrainedStages } from './stages';

export interface StageSummary {
  name: string;
  epochs: number;
  /** The last epoch's metrics. */
  metrics: Omit<EpochRecord, 'stage' | 'epoch'>;
  stoppedEarly: boolean;
  bestEpoch: number;
  /** Images that went through the frozen trunk during the stage (with the cache: each once). */
  trunkImages: number;
}

export interface RunSummary {
  runDir: string;
  backend: string;
  trunk: string;
  stages: StageSummary[];
  evaluation: Pick<Evaluation, 'accuracy' | 'macroF1' | 'top3Accuracy' | 'top5Accuracy' | 'rocAuc' | 'perClass' | 'confusion'> | null;
  exported: string | null;
  seconds: number;
}

export interface RunOutcome {
  /** When the run started (performance.now()). */
  started: number;
  backend: string;
  trained: TrainedStages;
  evaluation: Evaluation | null;
  exported: string | null;
}

export function reportRun(run: RunContext, outcome: RunOutcome): RunSummary {
  const { plan, options, log, runDir } = run;
  const { backend, trained, evaluation, exported } = outcome;
  const { records, trunkImages } = trained;
  const stages = plan.stages.map((stage, index) => stageSummary(stage, index, options.epochs ?? stage.epochs, records, trunkImages));
  const seconds = (performance.now() - outcome.started) / 1000;
  writeFileAtomic(join(runDir, RUN_FILES.report), reportHtml({ pipeline: plan.name, backend, trunk: trained.trunk, seconds, epochs: records, evaluation, source: options.source }));
  const stageLines = stages.map((st) => {
    const best = records.find((r) => r.stage === st.name && r.epoch === st.bestEpoch);
    const val = best?.val_accuracy ?? best?.accuracy;
    return `${st.name} ${st.epochs} epoch${st.epochs === 1 ? '' : 's'} (best ${st.bestEpoch}${val === undefined ? '' : `, accuracy ${(val * 100).toFixed(1)}%`})`;
  });
  const evaluated = evaluation ? `; evaluation ${(evaluation.accuracy * 100).toFixed(1)}%` : '';
  log.line(`summary: ${stageLines.join(', ')}${evaluated}; ${seconds.toFixed(1)} s on ${backend}`);
  log.line(`run folder: ${runDir} (report.html, metrics.csv, model/)`);
  return {
    runDir, backend, trunk: trained.trunk, stages,
    evaluation: evaluation
      ? { accuracy: evaluation.accuracy, macroF1: evaluation.macroF1, top3Accuracy: evaluation.top3Accuracy, top5Accuracy: evaluation.top5Accuracy, rocAuc: evaluation.rocAuc, perClass: evaluation.perClass, confusion: evaluation.confusion }
      : null,
    exported, seconds,
  };
}

/** A stage's summary from its epoch records (all of them, across a resume). */
function stageSummary(stage: StagePlan, index: number, epochs: number, records: EpochRecord[], trunkImages: number[]): StageSummary {
  const own = records.filter((r) => r.stage === stage.name);
  const last = own[own.length - 1];
  const monitor = stage.checkpoint.monitor as keyof EpochRecord;
  const values = own.map((r) => (r[monitor] ?? r[monitor.replace(/^val_/, '') as keyof EpochRecord]) as number);
  const bestValue = stage.checkpoint.mode === 'min' ? Math.min(...values) : Math.max(...values);
  const { stage: _s, epoch: _e, ...metrics } = last;
  return {
    name: stage.name, epochs: own.length, metrics,
    stoppedEarly: last.epoch < epochs,
    bestEpoch: own[values.indexOf(bestValue)]?.epoch ?? -1,
    trunkImages: trunkImages[index] ?? 0,
  };
}
