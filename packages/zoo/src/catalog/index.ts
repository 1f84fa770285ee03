// The model catalog: every backbone the zoo has, as plain data (no tfjs). One folder per family,
// ../families/<family>/, with the family's entries in catalog.ts (imported here, and nothing
// else of it) and its tfjs-layers builders beside them in tfjs.ts (found through this catalog by
// ../builders/index.ts). Layer lists are generated into ./layers/NAME.json.
import { readFileSync, existsSync } from 'node:fs';
import type { ModelEntry } from './types';
import { MODELS as vgg } from '../families/vgg/catalog';
import { MODELS as resnet } from '../families/resnet/catalog';
import { MODELS as resnetV2 } from '../families/resnet_v2/catalog';
import { MODELS as densenet } from '../families/densenet/catalog';
import { MODELS as convnext } from '../families/convnext/catalog';
import { MODELS as inceptionV3 } from '../families/inception_v3/catalog';
import { MODELS as inceptionResnetV2 } from '../families/inception_resnet_v2/catalog';
import { MODELS as xception } from '../families/xception/catalog';
import { MODELS as nasnet } from '../families/nasnet/catalog';
import { MODELS as mobilenet } from '../families/mobilenet/catalog';
import { MODELS as mobilenetV2 } from '../families/mobilenet_v2/catalog';
import { MODELS as mobilenetV3 } from '../families/mobilenet_v3/catalog';
import { MODELS as efficientnet } from '../families/efficientnet/catalog';
import { MODELS as efficientnetV2 } from '../families/efficientnet_v2/catalog';

export type * from './types';

/** The zoo's one registry: every family's models, by family, in catalog order. */
export const FAMILIES = {
  vgg,
  resnet,
  resnet_v2: resnetV2,
  densenet,
  convnext,
  inception_v3: inceptionV3,
  inception_resnet_v2: inceptionResnetV2,
  xception,
  nasnet,
  mobilenet,
  mobilenet_v2: mobilenetV2,
  mobilenet_v3: mobilenetV3,
  efficientnet,
  efficientnet_v2: efficientnetV2,
} satisfies Record<string, ModelEntry[]>;

/** A family the zoo has: the name of its folder, and every entry's `family`. */
export type Family = keyof typeof FAMILIES;

const ALL: ModelEntry[] = Object.values(FAMILIES).flat();

/** Every model, in catalog order (by family, then size). */
export function listModels(): readonly ModelEntry[] {
  return ALL;
}

/** The model with exactly this (case-sensitive) Keras name. */
export function findModel(name: string): ModelEntry | undefined {
  return ALL.find((m) => m.name === name);
}

export function modelNames(): string[] {
  return ALL.map((m) => m.name);
}

const layerCache = new Map<string, string[]>();

/**
 * The backbone's layer names in network order (Keras's `model.layers` order), as generated from
 * the builders into ./layers/NAME.json (`pnpm --filter @tlc/zoo gen:layers`). Undefined when the
 * list has not been generated.
 */
export function modelLayers(name: string): string[] | undefined {
  const cached = layerCache.get(name);
  if (cached) return cached;
  const file = new URL(`./layers/${name}.json`, import.meta.url);
  if (!existsSync(file)) return undefined;
  const layers = JSON.parse(readFileSync(file, 'utf8')) as string[];
  layerCache.set(name, layers);
  return layers;
}
