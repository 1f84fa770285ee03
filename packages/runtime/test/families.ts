// The smallest member of each zoo family (with its width where the family has one): the models the
// cross-runtime equivalence tests (ONNX, the WebGPU provider, the PyTorch module) build.
export const SMALLEST_OF_EACH_FAMILY: [name: string, alpha?: number][] = [
  ['VGG16'],
  ['ResNet50'],
  ['ResNet50V2'],
  ['DenseNet121'],
  ['ConvNeXtTiny'],
  ['InceptionV3'],
  ['InceptionResNetV2'],
  ['Xception'],
  ['NASNetMobile'],
  ['MobileNet', 0.25],
  ['MobileNetV2', 0.35],
  ['MobileNetV3Small', 0.75],
  ['EfficientNetB0'],
  ['EfficientNetV2B0'],
];
