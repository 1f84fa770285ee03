// The compiler's own diagnostics (TL3xxx: plan and schema), one function per message, like the
// language's catalog in ../diagnostics/catalog.ts. The checker catches every mistake a user can
// make in the source; these report what only lowering to a plan can find (a model whose layer
// list is missing, a weights file of no known format) and internal errors.
import type { Span } from '../ast/nodes';
import type { Diagnostic } from '../diagnostics/types';

/** Every code the compiler defines, with a one-line title (for `tlc explain`). */
export const COMPILE_CODES = {
  TL3001: 'no layer list for the model',
  TL3002: 'block or layer missing from the model\'s layer list',
  TL3003: 'weights file of an unknown format',
  TL3004: 'mean or std values do not match the image channels',
  TL3005: '`augment` in a model spec without `data`',
  TL3006: 'the compiled plan fails the plan schema (internal error)',
  TL3007: 'a head `dense` layer before any pooling or flattening',
} as const;

export type CompileCode = keyof typeof COMPILE_CODES;

function error(code: CompileCode, span: Span, message: string, help?: string, notes?: string[]): Diagnostic {
  return { code, severity: 'error', message, span, ...(help !== undefined ? { help } : {}), ...(notes ? { notes } : {}) };
}

export const compileMessages = {
  missingLayerList: (model: string, span: Span) =>
    error(
      'TL3001',
      span,
      `no layer list for ${model}: the plan names the exact layers it freezes, and tlc has not generated ${model}'s yet`,
      'generate it with `pnpm --filter @tlc/zoo gen:layers`, or choose another model (`tlc models`)',
    ),
  layerNotInList: (model: string, layer: string, span: Span) =>
    error(
      'TL3002',
      span,
      `${model} has no layer "${layer}" in its layer list`,
      'run `tlc models ' + model + '` to list its blocks and the layers they end at',
    ),
  unknownWeightsFormat: (path: string, span: Span) =>
    error(
      'TL3003',
      span,
      `weights file "${path}" has no known format`,
      'give a Keras `.h5` file or a TensorFlow.js `model.json`',
    ),
  channelValuesMismatch: (what: 'mean' | 'std', given: number, channels: number, span: Span) =>
    error(
      'TL3004',
      span,
      `\`normalize\` has ${given} ${what} value${given === 1 ? '' : 's'} but the images have ${channels} channel${channels === 1 ? '' : 's'}`,
      channels === 1 ? 'give one value (or three, which are averaged)' : 'give one value per channel, or one for all',
    ),
  augmentWithoutData: (span: Span) =>
    error(
      'TL3005',
      span,
      '`augment` in a model spec without `data`: the plan keeps augmentation with the data pipeline',
      'add a `data "folder"` statement, or remove `augment`',
    ),
  denseBeforePooling: (span: Span) =>
    error(
      'TL3007',
      span,
      'this `dense` layer would see the backbone\'s feature map (height x width x channels), not a vector, so the head would not output one prediction per image',
      'put `pool avg`, `pool max` or `flatten` before the first `dense`',
    ),
  planFailsSchema: (problems: string[], span: Span) =>
    error(
      'TL3006',
      span,
      'internal error: the compiled plan fails the plan schema',
      'please report this with the source file',
      problems,
    ),
};
