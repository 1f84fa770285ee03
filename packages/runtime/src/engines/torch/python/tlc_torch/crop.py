"""`random crop` exactly as the tfjs runtime does it (augment/crop.ts): torchvision's
RandomResizedCrop window (get_params: up to 10 attempts of an area share uniform in `scale` and a
log-uniform aspect ratio in `ratio`, sides rounded half to even, placed uniformly; else the centred
window with the ratio clamped) drawn from the stream (augment seed, 6, epoch, image), cut from the
training image decoded at the larger source size (job.json's trainingImage) and resized to the
model's size bilinearly with PIL's antialiasing (the triangle filter widened when shrinking),
columns then rows, kept in float. The other transforms then apply to that, as in tfjs."""
import functools
import math

import torch

from .augment import Rng

STREAM_RANDOM_CROP = 6


def _int(rng, n):
    return math.floor(rng.next() * n)


def draw_window(rng, height, width, crop):
    """(top, left, height, width) of the window, as drawCropWindow."""
    area = height * width
    log_low, log_high = math.log(crop["ratio"][0]), math.log(crop["ratio"][1])
    for _ in range(10):
        target_area = area * rng.uniform(crop["scale"][0], crop["scale"][1])
        aspect = math.exp(rng.uniform(log_low, log_high))
        # Python's round(): halves to even, as torchvision's int(round(...)) and crop.ts.
        w = round(math.sqrt(target_area * aspect))
        h = round(math.sqrt(target_area / aspect))
        if 0 < w <= width and 0 < h <= height:
            top = _int(rng, height - h + 1)
            left = _int(rng, width - w + 1)
            return top, left, h, w
    in_ratio = width / height
    w, h = width, height
    if in_ratio < min(crop["ratio"]):
        h = round(w / min(crop["ratio"]))
    elif in_ratio > max(crop["ratio"]):
        w = round(h * max(crop["ratio"]))
    return (height - h) // 2, (width - w) // 2, h, w


def window_of(crop, seed, height, width, epoch, index):
    """The window image `index` of `epoch` gets from a `height` x `width` source (cropWindowOf)."""
    return draw_window(Rng(seed, STREAM_RANDOM_CROP, epoch, index), height, width, crop)


@functools.lru_cache(maxsize=1024)
def _coefficients(in_size, out_size):
    """PIL's bilinear coefficients (precompute_coeffs), as crop.ts computes them: per output pixel
    its first input index and `taps` normalised weights (0 past its own count)."""
    scale = in_size / out_size
    filter_scale = max(scale, 1.0)
    support = filter_scale
    taps = math.ceil(support) * 2 + 1
    first = torch.zeros(out_size, dtype=torch.long)
    weights = torch.zeros(out_size, taps, dtype=torch.float64)
    for o in range(out_size):
        centre = (o + 0.5) * scale
        start = max(math.trunc(centre - support + 0.5), 0)
        n = min(min(math.trunc(centre + support + 0.5), in_size) - start, taps)
        row = []
        for t in range(n):
            x = abs((t + start - centre + 0.5) / filter_scale)
            row.append(1 - x if x < 1 else 0.0)
        total = 0.0
        for w in row:
            total += w
        for t, w in enumerate(row):
            weights[o, t] = w / total if total != 0 else w
        first[o] = start
    return first, weights


def resize_window(pixels, window, height, width):
    """`window` (top, left, height, width) of CHW pixels resized to height x width, float32 CHW
    0..255, in resizeWindow's arithmetic (so the same pixels on both engines, bit for bit): the
    columns, each a float64 sum over its taps in order stored as float32, then the rows, each tap
    added into a float32 accumulator."""
    top, left, h, w = window
    region = pixels[:, top : top + h, left : left + w].to(torch.float64)
    first, weights = _coefficients(w, width)
    wide = torch.zeros(region.shape[0], h, width, dtype=torch.float64)
    for t in range(weights.shape[1]):
        wide += region[:, :, (first + t).clamp(max=w - 1)] * weights[:, t]
    wide = wide.to(torch.float32).to(torch.float64)
    first, weights = _coefficients(h, height)
    out = torch.zeros(region.shape[0], height, width, dtype=torch.float32)
    for t in range(weights.shape[1]):
        out = (out.to(torch.float64) + wide[:, (first + t).clamp(max=h - 1), :] * weights[:, t].reshape(-1, 1)).to(torch.float32)
    return out


def random_resized_crop(crop, seed, pixels, height, width, epoch, index):
    """Image `index`'s random window in `epoch`, cut from its CHW source pixels, at height x width."""
    _, source_h, source_w = pixels.shape
    return resize_window(pixels, window_of(crop, seed, source_h, source_w, epoch, index), height, width)


def main(argv):
    """python3 -m tlc_torch.crop INPUT.json, for the tests:
    {draws: [{crop, seed, cases [[epoch, index, height, width]]}],
     images: [{files, size [height, width], source [height, width], channels, resize, crop, seed, cases [[epoch, index]]}]}
    -> {windows: per draw, per case [top, left, height, width]; images: per spec, per file, per case, the HWC floats}."""
    import json

    from PIL import Image

    from .data import decode

    with open(argv[0]) as f:
        given = json.load(f)
    windows = [[list(window_of(run["crop"], run["seed"], h, w, e, i)) for e, i, h, w in run["cases"]] for run in given.get("draws", [])]
    images = []
    for spec in given.get("images", []):
        (height, width), (source_h, source_w), channels = spec["size"], spec["source"], spec["channels"]
        per_file = []
        for file in spec["files"]:
            with Image.open(file) as image:
                decoded = decode(image, source_w, source_h, channels, spec["resize"])
            pixels = torch.frombuffer(bytearray(decoded.tobytes()), dtype=torch.uint8).reshape(source_h, source_w, channels).permute(2, 0, 1)
            per_file.append([
                random_resized_crop(spec["crop"], spec["seed"], pixels, height, width, e, i).permute(1, 2, 0).reshape(-1).tolist()
                for e, i in spec["cases"]
            ])
        images.append(per_file)
    print(json.dumps({"windows": windows, "images": images}))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
