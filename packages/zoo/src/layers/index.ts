// Custom tfjs layers the builders need (Keras layers tfjs-layers lacks, or gets wrong). Importing this
// module registers each with tfjs's serialization, so models that use them load again.
export { Rescaling } from './Rescaling';
export { Normalization } from './Normalization';
export { BatchNormalization } from './BatchNormalization';
export { Dense } from './Dense';
export { Dropout } from './Dropout';
export { seedDropoutMasks, maskSeedFor } from './maskSeed';
export { CustomScaleLayer } from './CustomScaleLayer';
export { LayerScale } from './LayerScale';
export { StochasticDepth } from './StochasticDepth';
export { GlobalAveragePooling2DKeepDims } from './GlobalAveragePooling2DKeepDims';
