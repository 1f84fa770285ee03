// The one error type the weights code throws for people: a download that failed, a file that
// cannot be read, a file that is not the one the catalog names. Its message is complete and meant
// to be printed as is (no stack trace); a `code` (TL44xx, each with a `tlc explain` page) where
// the problem is one a user can name and fix. The coded errors are made by the functions below,
// and their codes listed in WEIGHTS_CODES (the catalog `tlc explain` pages are checked against).

/** Every code the weights code defines, with a one-line title. */
export const WEIGHTS_CODES = {
  TL4401: 'a weights file that is damaged or not Keras weights',
  TL4402: 'the weights file of another model',
  TL4403: 'a weights file the catalog does not know',
  TL4404: 'weights that cannot be paired with the model\'s layers by order',
} as const;

export type WeightsCode = keyof typeof WEIGHTS_CODES;

export class WeightsError extends Error {
  constructor(
    message: string,
    readonly code?: WeightsCode,
  ) {
    super(message);
    this.name = 'WeightsError';
  }
}

/**
 * TL4401: a weights file that is damaged or not Keras weights: not HDF5, truncated, unreadable,
 * without Keras's layout, or with a hash that is not the catalog's. The message says which.
 */
export function damagedWeightsFile(message: string): WeightsError {
  return new WeightsError(message, 'TL4401');
}

/** TL4402: a readable Keras weights file whose layers are not the model's. */
export function wrongModelWeightsFile(path: string, expected: string, problems: string[]): WeightsError {
  const shown = problems.slice(0, 5).map((p) => `\n  ${p}`).join('');
  const more = problems.length > 5 ? `\n  … and ${problems.length - 5} more` : '';
  return new WeightsError(
    `${path} holds the weights of another model, not ${expected}:${shown}${more}\n` +
      '  Put the right file in its place (`tlc weights add FILE` checks it first), or use the backbone this file is for.',
    'TL4402',
  );
}

/** TL4403: a file whose name and hash are those of no ImageNet weights file in the catalog. */
export function unknownWeightsFile(path: string, suggestion: string | undefined): WeightsError {
  const hint = suggestion
    ? ` Did you mean \`${suggestion}\`? Keep the name the file has at its URL.`
    : ' Keep the name the file has at its URL (the error of `weights imagenet` and `tlc models NAME` show it).';
  return new WeightsError(
    `${path} is not an ImageNet weights file tlc knows: its name is none of the catalog's and its hash matches none.${hint}`,
    'TL4403',
  );
}

/**
 * TL4404: pairing a file's layers with the model's by order (the catalog's `weightsMatch` for
 * files whose automatic layer names predate the model's) meets a pair it cannot be sure of: a
 * shape or weight count that differs, a model layer with no file layer left, a file layer whose
 * place in the order is unknown. Nothing is loaded.
 */
export function unpairableWeights(source: string, layer: string, detail: string): WeightsError {
  return new WeightsError(
    `cannot pair the weights of ${source} with the model's layers by order: layer ${layer}: ${detail}\n` +
      "  The file's layers must come in the model's order (Keras's model.layers; a model.json's modelTopology); nothing was loaded.",
    'TL4404',
  );
}
