// Peak memory of one benchmark row: the process's RSS high-water mark between a reset and a
// reading. On Linux the kernel's mark (VmHWM) is reset by writing 5 to /proc/self/clear_refs, so
// each row gets its own peak; elsewhere only the process-lifetime peak exists, and rows must be
// ordered small to large for it to mean anything (`perRow` says which one a reading is).
import { readFileSync, writeFileSync } from 'node:fs';

/** Resets the kernel's RSS high-water mark (Linux); false where that is not possible. */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Peak RSS in MB since the last reset (Linux VmHWM), else the process's lifetime peak. */
export function peakRssMb(): number {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    if (line) return Number(line.replace(/\D+/g, '')) / 1024;
  } catch {
    // not Linux: the lifetime peak below
  }
  return process.resourceUsage().maxRSS / 1024;
}

export interface WithPeak<T> {
  result: T;
  /** Peak RSS in MB during `measure` (perRow), else the process's peak so far. */
  peakMb: number;
  perRow: boolean;
}

/** Runs `measure` between a high-water-mark reset and a reading. */
export async function withPeakRss<T>(measure: () => Promise<T>): Promise<WithPeak<T>> {
  const perRow = resetPeakRss();
  const result = await measure();
  return { result, peakMb: Math.round(peakRssMb()), perRow };
}
