// Pooling: MaxPooling2D and AveragePooling2D with TF's padding (average pooling leaves the padded
// pixels out of the count, as TF does), GlobalAverage/GlobalMaxPooling2D (to [batch, channels])
// and the zoo's GlobalAveragePooling2DKeepDims (kept as a 1x1 image).
import { ints, int } from './graph';
import { output, pair, requireChannelsLast, singleInput, type ConvertContext, type LayerConverter } from './converter';
import { windowPads } from './padding';

/**
 * onnxruntime's PadFusion folds a zero Pad into the pool after it, where the padding then counts
 * as -inf (MaxPool) or is left out of the mean (AveragePool): not what Keras's explicit zeros do
 * (ResNetV2's stem max-pools values that can be negative). A pad value of -0.0, equal to zero
 * but not all-zero bytes, keeps such a Pad a node of its own.
 */
function keepPadUnfused(c: ConvertContext, input: string): void {
  const pad = c.graph.producer(input);
  if (pad?.opType !== 'Pad' || !pad.input) return;
  pad.input[2] = c.graph.constant(`${pad.name}/value`, [-0], []);
}

function windowPool(opType: 'MaxPool' | 'AveragePool'): LayerConverter {
  return (c: ConvertContext) => {
    const x = singleInput(c);
    requireChannelsLast(c);
    keepPadUnfused(c, x.name);
    const kernel = pair(c.config.poolSize);
    const strides = pair(c.config.strides ?? c.config.poolSize);
    const attributes = {
      kernel_shape: ints(kernel),
      strides: ints(strides),
      pads: ints(windowPads(c.config.padding, x.shape, kernel, strides)),
      ...(opType === 'AveragePool' ? { count_include_pad: int(0) } : {}),
    };
    return output(c, c.graph.op(opType, [x.name], attributes, c.layer.name));
  };
}

function globalPool(opType: 'GlobalAveragePool' | 'GlobalMaxPool', keepDims: boolean): LayerConverter {
  return (c: ConvertContext) => {
    const x = singleInput(c);
    requireChannelsLast(c);
    const pooled = c.graph.op(opType, [x.name], {}, keepDims ? c.layer.name : `${c.layer.name}/pool`);
    return output(c, keepDims ? pooled : c.graph.op('Flatten', [pooled], { axis: int(1) }, c.layer.name));
  };
}

export const POOLING_CONVERTERS: Record<string, LayerConverter> = {
  MaxPooling2D: windowPool('MaxPool'),
  AveragePooling2D: windowPool('AveragePool'),
  GlobalAveragePooling2D: globalPool('GlobalAveragePool', false),
  GlobalMaxPooling2D: globalPool('GlobalMaxPool', false),
  GlobalAveragePooling2DKeepDims: globalPool('GlobalAveragePool', true),
};
