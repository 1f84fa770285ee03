// metrics.csv: one row per epoch of every stage, rewritten (atomically) after each epoch.
import type { EpochRecord } from '../engine/engine';
import { writeFileAtomic } from './atomic';

const COLUMNS = ['stage', 'epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'lr', 'seconds', 'images_per_second'] as const;

function cell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(6);
  return value;
}

export function metricsCsv(records: EpochRecord[]): string {
  const rows = records.map((r) =>
    [r.stage, r.epoch, r.loss, r.accuracy, r.val_loss, r.val_accuracy, r.lr ?? null, r.seconds, r.imagesPerSecond].map(cell).join(','),
  );
  return `${[COLUMNS.join(','), ...rows].join('\n')}\n`;
}

export function writeMetricsCsv(path: string, records: EpochRecord[]): void {
  writeFileAtomic(path, metricsCsv(records));
}
