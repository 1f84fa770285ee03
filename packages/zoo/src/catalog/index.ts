// The model catalog: every backbone the zoo has, as plain data (no tfjs).
import { readFileSync, existsSync } from 'node:fs';
import type { ModelEntry } from './types';
import { MODELS as vgg } from './models/vgg';
import { MODELS as resnet } from './models/resnet';
import { MODELS as resnetV2 } from './models/resnet_v2';
import { MODELS as densenet } from './models/densenet';
import { MODELS as convnext } from './models/convnext';
import { MODELS as inceptionV3 } from './models/inception_v3';
import { MODELS as inceptionResnetV2 } from './models/inception_resnet_v2';
import { MODELS as xception } from './models/xception';
import { MODELS as nasnet } from './models/nasnet';
import { MODELS as mobilenet } from './models/mobilenet';
import { MODELS as mobilenetV2 } from './models/mobilenet_v2';
import { MODELS as mobilenetV3 } from './models/mobilenet_v3';
import { MODELS as efficientnet } from './models/efficientnet';
import { MODELS as efficientnetV2 } from './models/efficientnet_v2';

export type * from './types';

const ALL: ModelEntry[] = [
  ...vgg,
  ...resnet,
  ...resnetV2,
  ...densenet,
  ...convnext,
  ...inceptionV3,
  ...inceptionResnetV2,
  ...xception,
  ...nasnet,
  ...mobilenet,
  ...mobilenetV2,
  ...mobilenetV3,
  ...efficientnet,
  ...efficientnetV2,
];

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
