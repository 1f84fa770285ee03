"""Runs a generated model forward on raw float32 NHWC input and writes the outputs of named layers
(NHWC for images), for the tests that compare the generated module with tfjs.

python3 -m tlc_torch.forward MODEL.py WEIGHTS.safetensors INPUT.f32 N,H,W,C OUTDIR [LAYER ...]
writes OUTDIR/output.f32 and OUTDIR/<layer>.f32, and OUTDIR/shapes.json."""
import json
import os
import sys

import torch

from .layers import module_key
from .model import build


def main(argv):
    module, weights, data, shape, out, *layers = argv
    shape = [int(d) for d in shape.split(",")]
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    model = build(module, weights).eval()
    with open(data, "rb") as f:
        x = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(shape).permute(0, 3, 1, 2)
    captured = {}
    for name in layers:
        model.layers[module_key(name)].register_forward_hook(lambda _m, _i, y, name=name: captured.__setitem__(name, y))
    with torch.no_grad():
        y = model(x)
    shapes = {}
    for name, value in [("output", y)] + list(captured.items()):
        v = value.permute(0, 2, 3, 1) if value.dim() == 4 else value
        shapes[name] = list(v.shape)
        with open(os.path.join(out, f"{name}.f32"), "wb") as f:
            f.write(v.contiguous().numpy().astype("<f4").tobytes())
    with open(os.path.join(out, "shapes.json"), "w") as f:
        json.dump(shapes, f)


if __name__ == "__main__":
    main(sys.argv[1:])
