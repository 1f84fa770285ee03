// The zoo's backbones built in tfjs-layers, found through the catalog: a model's entry names its
// family, and the family's tfjs.ts (../families/<family>/tfjs.ts) builds it by its Keras name.
// Beside this file, what the families' builders share (Keras's initializers and automatic names,
// padding, the builder's type).
import { findModel, type Family } from '../catalog/index';
import type { BackboneBuilder, BuildOptions } from './types';
import { BUILDERS as vgg } from '../families/vgg/tfjs';
import { BUILDERS as resnet } from '../families/resnet/tfjs';
import { BUILDERS as resnetV2 } from '../families/resnet_v2/tfjs';
import { BUILDERS as densenet } from '../families/densenet/tfjs';
import { BUILDERS as convnext } from '../families/convnext/tfjs';
import { BUILDERS as inceptionV3 } from '../families/inception_v3/tfjs';
import { BUILDERS as inceptionResnetV2 } from '../families/inception_resnet_v2/tfjs';
import { BUILDERS as xception } from '../families/xception/tfjs';
import { BUILDERS as nasnet } from '../families/nasnet/tfjs';
import { BUILDERS as mobilenet } from '../families/mobilenet/tfjs';
import { BUILDERS as mobilenetV2 } from '../families/mobilenet_v2/tfjs';
import { BUILDERS as mobilenetV3 } from '../families/mobilenet_v3/tfjs';
import { BUILDERS as efficientnet } from '../families/efficientnet/tfjs';
import { BUILDERS as efficientnetV2 } from '../families/efficientnet_v2/tfjs';

export type { BackboneBuilder, BuildOptions } from './types';

/** Each family's builders by model name; a catalog family without builders does not typecheck. */
const FAMILY_BUILDERS: Record<Family, Record<string, BackboneBuilder>> = {
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
};

/** Every builder by the model's Keras name. */
export const BUILDERS: Record<string, BackboneBuilder> = Object.assign({}, ...Object.values(FAMILY_BUILDERS));

/** Builds a backbone by its Keras name; throws for a name the zoo does not have. */
export function buildBackbone(name: string, options: BuildOptions) {
  const entry = findModel(name);
  const build = entry ? FAMILY_BUILDERS[entry.family as Family]?.[name] : undefined;
  if (!build) throw new Error(`the zoo has no builder for \`${name}\``);
  return build(options);
}
