// The one-time note a tfjs run prints when the torch engine would train it much faster: the stage
// trains backbone convolutions (a large trainable part, where the backend's speed is the run's
// speed), tfjs runs on wasm or its pure-JavaScript cpu backend, and a supported PyTorch is
// importable here. The factor is measured, not guessed: TORCH_OVER_WASM is the ratio of training
// images/s of the torch trainer (1 process, 1 thread) to `--backend wasm`, both training every
// layer of MobileNetV2 alpha 0.35 at 96x96, alternated on this project's 2-core machine
// (docs/scaling.md, "Measured here"; `pnpm bench torch-vs-wasm` measures it again). The cpu
// backend is slower than wasm (docs/performance.md), so there the note says "more than". Printed
// once per run; TLC_NO_TORCH_HINT=1 (or --quiet) silences it.
import * as tf from '@tensorflow/tfjs';
import type { StagePlan } from '@tlc/plan';
import { torchAvailable } from './python';

/** Measured: the torch trainer's images/s over `--backend wasm`'s, everything training (docs/scaling.md). */
export const TORCH_OVER_WASM = 2.0;

/** Below this factor the note is not worth a line. */
export const HINT_MIN_FACTOR = 1.5;

/** Trained backbone convolution weights below this count: too small a part for the note. */
export const HINT_MIN_TRAINED_PARAMS = 100_000;

const CONVOLUTIONS = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D']);

/** The backbone convolutions' weights a stage trains. */
export function trainedConvolutionParams(model: tf.LayersModel, backboneLayers: ReadonlySet<string>, stage: StagePlan): number {
  const frozen = new Set(stage.frozenLayers);
  return model.layers
    .filter((layer) => backboneLayers.has(layer.name) && !frozen.has(layer.name) && CONVOLUTIONS.has(layer.getClassName()))
    .reduce((sum, layer) => sum + layer.countParams(), 0);
}

/** The note for a stage on `backend`, or null when there is none to give (pure: no probing). */
export function torchHint(backend: string, trainedParams: number): string | null {
  if (trainedParams < HINT_MIN_TRAINED_PARAMS || TORCH_OVER_WASM < HINT_MIN_FACTOR) return null;
  const factor = TORCH_OVER_WASM < 3 ? TORCH_OVER_WASM.toFixed(1) : String(Math.round(TORCH_OVER_WASM));
  if (backend === 'wasm') return `note: PyTorch is installed: \`--engine torch\` would be about ${factor}x faster here (the whole network trains; measured ${factor}x on wasm, docs/scaling.md). TLC_NO_TORCH_HINT=1 hides this note`;
  if (backend === 'cpu') return `note: PyTorch is installed: \`--engine torch\` would be more than ${factor}x faster here (the whole network trains on the pure-JavaScript cpu backend; ${factor}x was measured against wasm, docs/scaling.md). TLC_NO_TORCH_HINT=1 hides this note`;
  return null;
}

/** Says the note once per run: `say` is called at most once over every call of the returned function. */
export function torchHintOnce(say: (line: string) => void): (model: tf.LayersModel, backboneLayers: ReadonlySet<string>, stage: StagePlan) => void {
  let done = process.env.TLC_NO_TORCH_HINT === '1';
  return (model, backboneLayers, stage) => {
    if (done) return;
    const hint = torchHint(tf.getBackend(), trainedConvolutionParams(model, backboneLayers, stage));
    // Probing Python (a second or two) only when there is something to say, and once a run: a
    // machine without torch stays without it for the run's later stages.
    if (hint === null) return;
    done = true;
    if (torchAvailable()) say(hint);
  };
}
