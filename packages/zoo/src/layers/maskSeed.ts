// The seed of the random masks layers draw in training (Dropout, StochasticDepth), set by the
// training loop for each step. tfjs draws such masks from its own unseeded generator, so a run
// that uses them never repeats and never resumes exactly. With seedDropoutMasks(seed) in force,
// each layer draws its mask from that seed mixed with the layer's name: the same step of the same
// run gets the same masks, different layers and steps different ones. Without it (null, the
// default), masks are unseeded as in tfjs.

let stepSeed: number | null = null;

/**
 * Seeds the masks of every Dropout and StochasticDepth layer's training calls from now on (a
 * 32-bit integer, set per training step), or returns to unseeded masks (null).
 */
export function seedDropoutMasks(seed: number | null): void {
  stepSeed = seed === null ? null : seed >>> 0;
}

/** FNV-1a of a layer name: a fixed number per layer to mix into the step's seed. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The seed of layer `name`'s mask for the current step, or undefined when masks are unseeded. */
export function maskSeedFor(name: string): number | undefined {
  return stepSeed === null ? undefined : (stepSeed ^ nameHash(name)) >>> 0;
}
