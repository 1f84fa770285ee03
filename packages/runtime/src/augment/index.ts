// Augmentation with Keras ImageDataGenerator semantics on HWC images: seeded, pure functions.
export { applyTransform, augmentImage } from './augment';
export { sampleTransform, IDENTITY_TRANSFORM } from './params';
export type { TransformParams } from './params';
export { randomCropSourceSize, randomResizedCrop, cropWindowOf, drawCropWindow, resizeWindow, type CropWindow } from './crop';
export { transformMatrix } from './matrix';
export type { Matrix3 } from './matrix';
export type { ImageShape } from './warp';
