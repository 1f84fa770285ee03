// What loading weights did, as data (for the runtime and tests) and as a short text for people.
import type { GrayscaleAdaptation } from './grayscale';
import type { WeightsMatch } from './pairing';

export interface WeightsReport {
  /** The weights file or model.json the weights came from. */
  source: string;
  /** How model layers were paired with the file's: by layer name, or by order. */
  match: WeightsMatch;
  /** Model layers whose weights were all set from the file. */
  matched: string[];
  /** Model layers with weights that kept their initial values, and why. */
  skipped: { layer: string; reason: string }[];
  /** File layers (with weights) that no model layer matched. */
  unused: string[];
  /**
   * Every weight of the model counted after the load: those that kept their initial values (no
   * file value given: their layer skipped; `adapt skip`'s fresh ones not counted), by name
   * (`conv1/kernel`) ...
   */
  unassigned: string[];
  /** ... and those set more than once, or file weights given to more than one (always a fault). */
  assignedTwice: string[];
  /** The first convolution adapted from RGB weights to a grayscale input. */
  adapted?: { layer: string; method: GrayscaleAdaptation };
  /**
   * Layers before the first convolution (in-model preprocessing such as EfficientNet's
   * `normalization`) whose per-channel RGB statistics became their mean for the grayscale input.
   */
  averagedForGrayscale?: string[];
}

const LIST_LIMIT = 10;

/** A few lines for the terminal: counts, every skipped layer with its reason, unused layers. */
export function formatWeightsReport(report: WeightsReport): string {
  const lines: string[] = [];
  if (report.matched.length === 0) {
    lines.push(
      `no layer of the model matched a layer of ${report.source} by ${report.match}: ` +
        'the file is probably for another architecture (nothing was loaded)',
    );
  } else {
    lines.push(`loaded weights for ${report.matched.length} layer${report.matched.length === 1 ? '' : 's'} from ${report.source}`);
  }
  if (report.adapted?.method === 'sum') {
    lines.push(`  ${report.adapted.layer}: RGB kernel summed over its input channels for the grayscale input`);
  }
  for (const layer of report.averagedForGrayscale ?? []) {
    lines.push(`  ${layer}: RGB statistics averaged into one value for the grayscale input`);
  }
  if (report.skipped.length > 0) {
    lines.push(`  skipped ${report.skipped.length} layer${report.skipped.length === 1 ? '' : 's'} (initial weights kept):`);
    for (const { layer, reason } of report.skipped.slice(0, LIST_LIMIT)) lines.push(`    ${layer}: ${reason}`);
    if (report.skipped.length > LIST_LIMIT) lines.push(`    … and ${report.skipped.length - LIST_LIMIT} more`);
  }
  if (report.unassigned.length > 0) {
    const shown = report.unassigned.slice(0, LIST_LIMIT).join(', ');
    const more = report.unassigned.length > LIST_LIMIT ? `, … (${report.unassigned.length - LIST_LIMIT} more)` : '';
    lines.push(`  ${report.unassigned.length} weight${report.unassigned.length === 1 ? '' : 's'} of the model kept ${report.unassigned.length === 1 ? 'its' : 'their'} initial values (${shown}${more})`);
  }
  if (report.assignedTwice.length > 0) {
    lines.push(`  set more than once (a fault in tlc, please report it): ${report.assignedTwice.slice(0, LIST_LIMIT).join(', ')}`);
  }
  if (report.unused.length > 0) {
    const shown = report.unused.slice(0, LIST_LIMIT).join(', ');
    const more = report.unused.length > LIST_LIMIT ? `, … (${report.unused.length - LIST_LIMIT} more)` : '';
    lines.push(`  unused in the file: ${report.unused.length} layer${report.unused.length === 1 ? '' : 's'} (${shown}${more})`);
  }
  return lines.join('\n');
}
