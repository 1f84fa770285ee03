"""One training step of a generated model as the trainer takes it, for the test that compares it
with the tfjs engine's step: python3 -m tlc_torch.onestep JOB.json MODEL.py WEIGHTS INPUT.f32 N,H,W,C
LABELS OUT.safetensors. JOB.json holds {stage, head, backboneLayers}; INPUT is preprocessed NHWC
float32; LABELS comma-separated. Prints the loss; writes the updated state_dict."""
import json
import sys

import torch

from . import safetensors
from .losses import stage_loss
from .model import build
from .optimizers import make_optimizer
from .trainer import configure_stage, rate_groups, set_train_mode


def main(argv):
    job_path, module, weights, data, shape, labels, out = argv
    with open(job_path) as f:
        job = json.load(f)
    torch.set_num_threads(1)
    model = build(module, weights)
    stage = job["stage"]
    eval_bn = configure_stage(model, stage, set(job["backboneLayers"]))
    optimizer = make_optimizer(stage["optimizer"], [p for p in model.parameters() if p.requires_grad], rate_groups(model, stage))
    shape = [int(d) for d in shape.split(",")]
    with open(data, "rb") as f:
        x = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(shape).permute(0, 3, 1, 2)
    y = torch.tensor([int(v) for v in labels.split(",")])
    set_train_mode(model, eval_bn)
    loss = stage_loss(model(x), y, job["head"], stage["loss"], None, stage.get("labelSmoothing", 0.0))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    safetensors.save(model.state_dict(), out)
    print(json.dumps({"loss": float(loss)}))


if __name__ == "__main__":
    main(sys.argv[1:])
