// The zoo's backbone builders by Keras name. One file per family.
import type { BackboneBuilder, BuildOptions } from './types';
import { BUILDERS as vgg } from './vgg';
import { BUILDERS as resnet } from './resnet';
import { BUILDERS as resnetV2 } from './resnet_v2';
import { BUILDERS as densenet } from './densenet';
import { BUILDERS as convnext } from './convnext';
import { BUILDERS as inceptionV3 } from './inception_v3';
import { BUILDERS as inceptionResnetV2 } from './inception_resnet_v2';
import { BUILDERS as xception } from './xception';
import { BUILDERS as nasnet } from './nasnet';
import { BUILDERS as mobilenet } from './mobilenet';
import { BUILDERS as mobilenetV2 } from './mobilenet_v2';
import { BUILDERS as mobilenetV3 } from './mobilenet_v3';
import { BUILDERS as efficientnet } from './efficientnet';
import { BUILDERS as efficientnetV2 } from './efficientnet_v2';

export type { BackboneBuilder, BuildOptions } from './types';

export const BUILDERS: Record<string, BackboneBuilder> = {
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
};

/** Builds a backbone by its Keras name; throws for a name the zoo does not have. */
export function buildBackbone(name: string, options: BuildOptions) {
  const build = BUILDERS[name];
  if (!build) throw new Error(`the zoo has no builder for \`${name}\``);
  return build(options);
}
