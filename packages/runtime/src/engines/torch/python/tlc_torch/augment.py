"""The tfjs runtime's augmentation and batch order, exactly (packages/runtime/src/augment/ and
random.ts): the same seeded streams (mulberry32, seeds derived with murmur3's finaliser), so an
image gets the same transform in the same epoch whichever engine trains; the same Keras-style
affine matrix about the image centre (rotation, shift, shear, zoom, then the flips) sampled
bilinearly, each neighbour outside the image read by the fill mode (warp.ts), the channel shift
clipped to the warped image's min..max, brightness, clipped to 0..255."""
import math

import torch

M = 0xFFFFFFFF
STREAM_BATCH_ORDER = 2
STREAM_AUGMENTATION = 3


def _imul(a, b):
    return (a * b) & M


def _fmix32(h):
    h &= M
    h ^= h >> 16
    h = _imul(h, 0x85EBCA6B)
    h ^= h >> 13
    h = _imul(h, 0xC2B2AE35)
    h ^= h >> 16
    return h & M


def derive_seed(*parts):
    h = 0x9E3779B9
    for part in parts:
        whole = math.trunc(part)
        low = whole & M
        high = (whole // 4294967296) & M
        h = _fmix32(((h ^ low) + 0x6D2B79F5) & M)
        h = _fmix32(((h ^ high) + 0x632BE5AB) & M)
    return h


class Rng:
    """mulberry32 on the stream (seed, *stream), as createRng."""

    def __init__(self, seed, *stream):
        self.state = derive_seed(seed, *stream)

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & M
        s = self.state
        t = _imul(s ^ (s >> 15), 1 | s)
        t = ((t + _imul(t ^ (t >> 7), 61 | t)) & M) ^ t
        return ((t ^ (t >> 14)) & M) / 4294967296

    def uniform(self, low, high):
        return low + (high - low) * self.next()

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = math.floor(self.next() * (i + 1))
            items[i], items[j] = items[j], items[i]
        return items


def epoch_order(size, epoch, shuffle, seed):
    """The dataset indices in the order epoch `epoch` visits them (ImageDataset.order)."""
    indices = list(range(size))
    return Rng(seed, STREAM_BATCH_ORDER, epoch).shuffle(indices) if shuffle else indices


def sample_transform(plan, rng, height, width):
    def symmetric(r):
        return rng.uniform(-r, r) if r > 0 else 0.0

    rotation = symmetric(plan["rotation"])
    shift_rows = symmetric(plan["shiftHeight"]) * height
    shift_cols = symmetric(plan["shiftWidth"]) * width
    shear = symmetric(plan["shear"])
    low, high = plan["zoom"]
    zoomed = low != 1 or high != 1
    zoom_rows = rng.uniform(low, high) if zoomed else 1.0
    zoom_cols = rng.uniform(low, high) if zoomed else 1.0
    flip_h = plan["horizontalFlip"] and rng.next() < 0.5
    flip_v = plan["verticalFlip"] and rng.next() < 0.5
    channel_shift = symmetric(plan.get("channelShift", 0))
    brightness = rng.uniform(plan["brightness"][0], plan["brightness"][1]) if plan.get("brightness") else 1.0
    return rotation, shift_rows, shift_cols, shear, zoom_rows, zoom_cols, flip_h, flip_v, channel_shift, brightness


def _mul(a, b):
    return [sum(a[i * 3 + k] * b[k * 3 + j] for k in range(3)) for i in range(3) for j in range(3)]


def transform_matrix(params, height, width):
    rotation, shift_rows, shift_cols, shear, zoom_rows, zoom_cols, flip_h, flip_v, _, _ = params
    theta = math.radians(rotation)
    rot = [math.cos(theta), math.sin(theta), 0, -math.sin(theta), math.cos(theta), 0, 0, 0, 1]
    shift = [1, 0, shift_rows, 0, 1, shift_cols, 0, 0, 1]
    s = math.radians(shear)
    shear_m = [1, -math.sin(s), 0, 0, math.cos(s), 0, 0, 0, 1]
    zoom = [zoom_rows, 0, 0, 0, zoom_cols, 0, 0, 0, 1]
    cr, cc = height / 2 - 0.5, width / 2 - 0.5
    to_centre = [1, 0, cr, 0, 1, cc, 0, 0, 1]
    from_centre = [1, 0, -cr, 0, 1, -cc, 0, 0, 1]
    mirror = [-1 if flip_v else 1, 0, height - 1 if flip_v else 0, 0, -1 if flip_h else 1, width - 1 if flip_h else 0, 0, 0, 1]
    affine = _mul(_mul(_mul(rot, shift), shear_m), zoom)
    return _mul(_mul(_mul(to_centre, affine), from_centre), mirror)


def _fix(index, size, mode):
    """Neighbour indices read by the fill mode; -1 marks one outside the image under 'constant'."""
    if mode == "nearest":
        return index.clamp(0, size - 1)
    if mode == "constant":
        return torch.where((index < 0) | (index >= size), torch.full_like(index, -1), index)
    if mode == "reflect":
        m = torch.remainder(index, 2 * size)
        return torch.where(m < size, m, 2 * size - 1 - m)
    return torch.remainder(index, size)  # wrap


def warp(pixels, matrix, fill, channel_shift, brightness):
    """uint8 CHW pixels through the matrix (output pixel -> input position), float 0..255 CHW."""
    channels, height, width = pixels.shape
    a, b, c, d, e, f = matrix[:6]
    rows = torch.arange(height, dtype=torch.float64).reshape(-1, 1)
    cols = torch.arange(width, dtype=torch.float64).reshape(1, -1)
    # As warpAffine: the row start, then (b, e) added column by column.
    y = (a * rows + c) + b * cols
    x = (d * rows + f) + e * cols
    snap = lambda v: torch.where((v - torch.round(v)).abs() < 1e-9, torch.round(v), v)
    y = snap(y)
    x = snap(x)
    y0 = torch.floor(y).long()
    x0 = torch.floor(x).long()
    fy = y - y0
    fx = x - x0
    mode, cval = fill["mode"], float(fill["value"])
    r0, r1 = _fix(y0, height, mode), _fix(y0 + 1, height, mode)
    c0, c1 = _fix(x0, width, mode), _fix(x0 + 1, width, mode)
    src = pixels.to(torch.float64)

    def read(r, col):
        inside = (r >= 0) & (col >= 0)
        return torch.where(inside, src[:, r.clamp(min=0), col.clamp(min=0)], torch.full_like(src[:, r, col], cval))

    value = (1 - fy) * (1 - fx) * read(r0, c0) + (1 - fy) * fx * read(r0, c1) + fy * (1 - fx) * read(r1, c0) + fy * fx * read(r1, c1)
    if channel_shift != 0:
        value = value.to(torch.float32).to(torch.float64)
        value = (value + channel_shift).clamp(value.min().item(), value.max().item())
    return (value * brightness).clamp(0, 255).to(torch.float32)


def augment(plan, pixels, epoch, index):
    """Image `index` of epoch `epoch` augmented as the tfjs runtime augments it."""
    _, height, width = pixels.shape
    params = sample_transform(plan, Rng(plan["seed"], STREAM_AUGMENTATION, epoch, index), height, width)
    fill = plan.get("fill", {"mode": "nearest", "value": 0})
    return warp(pixels, transform_matrix(params, height, width), fill, params[-2], params[-1])


def main(argv):
    """python3 -m tlc_torch.augment INPUT.json: {plan, pixels (HWC), shape, cases [[epoch, index]]}
    -> {images (HWC), order (epoch 3's order of 20 images, seed 42)}; for the tests."""
    import json

    with open(argv[0]) as f:
        given = json.load(f)
    h, w, c = given["shape"]
    pixels = torch.tensor(given["pixels"], dtype=torch.uint8).reshape(h, w, c).permute(2, 0, 1)
    images = [augment(given["plan"], pixels, e, i).permute(1, 2, 0).reshape(-1).tolist() for e, i in given["cases"]]
    print(json.dumps({"images": images, "order": epoch_order(20, 3, True, 42)}))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
