"""mixup and cutmix on a training batch exactly as the tfjs runtime does them (augment/mix.ts):
per global batch, from the stream (augment seed, 5, epoch, batch), timm's 1/2 choice when both
are on, λ ~ Beta(α, α) by the same Marsaglia–Tsang sampler on the same mulberry32 numbers, the
same seeded permutation of the batch's slots (each slot's partner), the same cutmix box (side
√(1 − λ) of the image's, centred at a uniform pixel, clipped), λ then the share kept. So the
same batch is mixed the same way whichever engine trains (λ equal up to libm's last bit)."""
import math

import torch

from .augment import Rng

STREAM_MIXING = 5


def mixes(plan):
    return bool(plan) and (plan.get("mixup", 0) > 0 or plan.get("cutmix", 0) > 0)


def _normal(rng):
    u = 1 - rng.next()
    return math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * rng.next())


def _gamma(rng, shape):
    if shape < 1:
        return _gamma(rng, shape + 1) * math.pow(1 - rng.next(), 1 / shape)
    d = shape - 1 / 3
    c = 1 / math.sqrt(9 * d)
    while True:
        while True:
            x = _normal(rng)
            v = 1 + c * x
            if v > 0:
                break
        v = v * v * v
        u = 1 - rng.next()
        if math.log(u) < 0.5 * x * x + d - d * v + d * math.log(v):
            return d * v


def sample_beta(rng, a, b):
    x = _gamma(rng, a)
    y = _gamma(rng, b)
    if x + y > 0:
        return x / (x + y)
    return 0.0 if rng.next() < 0.5 else 1.0


def draw_mix(plan, epoch, batch, size, height, width):
    """The mix of global batch `batch` (1-based) of `epoch` with `size` images, or None:
    {kind, lambda, partners (slot -> partner slot), box (top, bottom, left, right) for cutmix}."""
    if not mixes(plan):
        return None
    rng = Rng(plan["seed"], STREAM_MIXING, epoch, batch)
    cutmix = plan["cutmix"] > 0 and (plan["mixup"] <= 0 or rng.next() < 0.5)
    alpha = plan["cutmix"] if cutmix else plan["mixup"]
    lam = sample_beta(rng, alpha, alpha)
    partners = rng.shuffle(list(range(size)))
    if not cutmix:
        return {"kind": "mixup", "lambda": lam, "partners": partners, "box": None}
    ratio = math.sqrt(1 - lam)
    cut_h = math.trunc(height * ratio)
    cut_w = math.trunc(width * ratio)
    centre_row = math.floor(rng.next() * height)
    centre_col = math.floor(rng.next() * width)
    clip = lambda v, high: min(max(v, 0), high)
    box = (
        clip(centre_row - math.trunc(cut_h / 2), height),
        clip(centre_row + math.trunc(cut_h / 2), height),
        clip(centre_col - math.trunc(cut_w / 2), width),
        clip(centre_col + math.trunc(cut_w / 2), width),
    )
    lam = 1 - ((box[1] - box[0]) * (box[3] - box[2])) / (height * width)
    return {"kind": "cutmix", "lambda": lam, "partners": partners, "box": box}


def apply_mix(own, partner, mix):
    """Float NCHW pixels `own` mixed with `partner` (each row's partner image), as applyMix."""
    if mix["kind"] == "mixup":
        lam = mix["lambda"]
        # As tfjs: λ·x + (1 − λ)·y in double precision, rounded once to float32.
        return (own.to(torch.float64) * lam + partner.to(torch.float64) * (1 - lam)).to(torch.float32)
    top, bottom, left, right = mix["box"]
    mixed = own.clone()
    mixed[:, :, top:bottom, left:right] = partner[:, :, top:bottom, left:right]
    return mixed


def main(argv):
    """python3 -m tlc_torch.mix INPUT.json: [{plan, cases [[epoch, batch, size, height, width]]}]
    -> the draws of each, for the tests."""
    import json

    with open(argv[0]) as f:
        given = json.load(f)
    print(json.dumps([[draw_mix(run["plan"], *case) for case in run["cases"]] for run in given]))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
