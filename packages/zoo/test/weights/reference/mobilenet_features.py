#!/usr/bin/env python3
"""Reference pooled features of Keras's MobileNet alpha 0.25 ImageNet weights, in float64.

Independent of TensorFlow and of tlc's code: NumPy and h5py only (Debian: apt-get install
python3-numpy python3-h5py). It reads packages/zoo/weights/mobilenet_2_5_224_tf_no_top.h5,
runs MobileNet v1 as keras/applications/mobilenet.py builds it (3x3 stride-2 convolution, 13
blocks of 3x3 depthwise + 1x1 pointwise convolution, stride-2 ones after a zero padding of one
row and column at the bottom and right, each followed by inference-mode batch normalization with
epsilon 1e-3 and ReLU6, then global average pooling) on the test images that
real-keras-file.test.ts makes, and writes mobilenet_2_5_features.json beside this script.

    /usr/bin/python3 packages/zoo/test/weights/reference/mobilenet_features.py
"""
import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FILE = os.path.join(HERE, '..', '..', '..', 'weights', 'mobilenet_2_5_224_tf_no_top.h5')
SIZE = 96
BATCH = 2
STRIDES = [1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1]


def images():
    i = np.arange(SIZE, dtype=np.float64)[:, None, None]
    j = np.arange(SIZE, dtype=np.float64)[None, :, None]
    c = np.arange(3, dtype=np.float64)[None, None, :]
    out = [0.9 * np.sin(0.37 * i + 0.23 * j + 1.1 * c + 0.5 * b) * np.cos(0.05 * i * j / SIZE + 0.7 * b) for b in range(BATCH)]
    # The test builds them in float32.
    return np.stack(out).astype(np.float32).astype(np.float64)


def conv(x, kernel, stride, depthwise):
    """Valid convolution of NHWC x with an HWIO kernel (depthwise: HW C 1)."""
    kh, kw = kernel.shape[:2]
    n, h, w, _ = x.shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    out = 0
    for a in range(kh):
        for b in range(kw):
            patch = x[:, a:a + stride * (oh - 1) + 1:stride, b:b + stride * (ow - 1) + 1:stride, :]
            out = out + (patch * kernel[a, b, :, 0] if depthwise else patch @ kernel[a, b])
    return out


def main():
    with h5py.File(FILE, 'r') as f:
        w = lambda layer, name: np.asarray(f[layer][f'{layer}/{name}:0'], dtype=np.float64)

        def bn(x, layer):
            gamma, beta, mean, var = (w(layer, n) for n in ('gamma', 'beta', 'moving_mean', 'moving_variance'))
            return (x - mean) / np.sqrt(var + 1e-3) * gamma + beta

        relu6 = lambda x: np.minimum(np.maximum(x, 0), 6)
        pad = lambda x, before, after: np.pad(x, ((0, 0), (before, after), (before, after), (0, 0)))
        x = relu6(bn(conv(pad(images(), 0, 1), w('conv1', 'kernel'), 2, False), 'conv1_bn'))
        for k, stride in enumerate(STRIDES, start=1):
            x = pad(x, 0, 1) if stride == 2 else pad(x, 1, 1)
            x = relu6(bn(conv(x, w(f'conv_dw_{k}', 'depthwise_kernel'), stride, True), f'conv_dw_{k}_bn'))
            x = relu6(bn(conv(x, w(f'conv_pw_{k}', 'kernel'), 1, False), f'conv_pw_{k}_bn'))
        features = x.mean(axis=(1, 2))
    result = {
        'method': 'packages/zoo/test/weights/reference/mobilenet_features.py: NumPy float64 and h5py, no TensorFlow',
        'file': 'mobilenet_2_5_224_tf_no_top.h5 (sha256 dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf)',
        'inputSize': SIZE,
        'batch': BATCH,
        'features': [[float(f'{v:.9g}') for v in row] for row in features],
    }
    rows = ',\n'.join('    ' + json.dumps(row) for row in result.pop('features'))
    text = json.dumps(result, indent=2)[:-2] + ',\n  "features": [\n' + rows + '\n  ]\n}\n'
    json.loads(text)
    with open(os.path.join(HERE, 'mobilenet_2_5_features.json'), 'w') as out:
        out.write(text)


if __name__ == '__main__':
    main()
