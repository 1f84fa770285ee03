// Every ImageNet weights file the catalog names: for each backbone, each width multiplier and
// each input size Keras publishes weights for, the file `weights imagenet` would load, with the
// models (and options) that load it. What `tlc weights add` and `tlc weights list` check files
// against.
import { listModels } from '../catalog/index';
import type { WeightsFile } from '../catalog/types';

export interface KnownWeightsFile {
  file: WeightsFile;
  /** The backbones that load this file, with the options that make them load it. */
  users: { model: string; alpha?: number }[];
}

/** Input sizes at which some family switches files (MobileNet: 128-224; MobileNetV2: 96-224). */
const SIZES = [96, 128, 160, 192, 224];

let known: KnownWeightsFile[] | undefined;

export function knownWeightsFiles(): KnownWeightsFile[] {
  if (known) return known;
  const byName = new Map<string, KnownWeightsFile>();
  for (const entry of listModels()) {
    for (const alpha of entry.alphas ?? [undefined]) {
      for (const inputSize of [entry.inputSize, ...SIZES]) {
        const file = entry.weightsFor({ ...(alpha !== undefined ? { alpha } : {}), inputSize });
        if (!file) continue;
        const item = byName.get(file.fileName) ?? { file, users: [] };
        byName.set(file.fileName, item);
        if (!item.users.some((u) => u.model === entry.name && u.alpha === alpha)) {
          item.users.push({ model: entry.name, ...(alpha !== undefined ? { alpha } : {}) });
        }
      }
    }
  }
  known = [...byName.values()];
  return known;
}

/** `MobileNet alpha 0.25`, `ResNet50`: how the language names a user of a file. */
export function describeUser(user: { model: string; alpha?: number }): string {
  return user.alpha === undefined ? user.model : `${user.model} alpha ${user.alpha}`;
}
