"""The job's images as the tfjs runtime reads them: PIL decodes (EXIF orientation applied), converts
to 'L' or 'RGB' (Keras's order: colour first, then size), resizes with BILINEAR; the plan's
preprocessing then maps raw 0..255 pixels as tfjs's preprocess does. Decoded images are kept in
memory after their first use (the small datasets this engine is tested on; the file lists stay
the source of truth).

`resize crop` / `resize pad` keep the aspect ratio with the tfjs runtime's geometry (sharp's fit
cover / contain, centred): the image scaled by one factor to cover (crop) or fit inside (pad) the
target, one side exactly the target's, the other rounded; crop keeps the centred window (offset
(excess + 1) // 2, as sharp), pad centres the scaled image on black (offset gap // 2). As the tfjs
runtime, those are resized in RGB and then made grayscale. PIL's bilinear then differs from
libvips's: enlargements are computed as libvips does them (within rounding); reductions use PIL's
bilinear, within a few levels of libvips's (measured in test/engines/torch/resize.test.ts)."""
import torch
from PIL import Image, ImageOps


class ImageFiles(torch.utils.data.Dataset):
    """Images of height x width (the model's size); `source` [height, width] when they are
    decoded larger (training images for `random crop`: the windows are cut from those pixels).
    `targets` (a multi-label head's data): each image's labels as class indices; the image's
    target is then its multi-hot row over `classes` (float32), otherwise its integer label."""

    def __init__(self, files, labels, height, width, channels, resize="stretch", targets=None, classes=0, source=None):
        self.files, self.labels = list(files), list(labels)
        self.height, self.width, self.channels = height, width, channels
        self.source_height, self.source_width = source if source else (height, width)
        self.resize = resize
        self.cache = {}
        self.targets = None
        if targets is not None:
            self.targets = torch.zeros(len(self.files), classes, dtype=torch.float32)
            for i, own in enumerate(targets):
                if own:
                    self.targets[i, list(own)] = 1.0

    def target(self, index):
        """Image `index`'s training target: its multi-hot row, or its integer label."""
        return self.targets[index] if self.targets is not None else self.labels[index]

    def batch_targets(self, indices):
        """The targets of the images at `indices`: [n, classes] float32 rows, or [n] labels."""
        if self.targets is not None:
            return self.targets[list(indices)]
        return torch.tensor([self.labels[i] for i in indices])

    def __len__(self):
        return len(self.files)

    def pixels(self, index):
        """uint8 CHW pixels of image `index`, at the source size."""
        cached = self.cache.get(index)
        if cached is not None:
            return cached
        height, width = self.source_height, self.source_width
        with Image.open(self.files[index]) as image:
            data = torch.frombuffer(bytearray(decode(image, width, height, self.channels, self.resize).tobytes()), dtype=torch.uint8)
        pixels = data.reshape(height, width, self.channels).permute(2, 0, 1).contiguous()
        self.cache[index] = pixels
        return pixels

    def sampled(self, index, augment_plan=None, epoch=0):
        """Float CHW pixels of image `index` at the model's size before the other transforms, as
        ImageDataset.sampled: its random crop (random crop on), else the whole source image
        resized when decoded larger, else as decoded."""
        from .crop import random_resized_crop, resize_window

        pixels = self.pixels(index)
        crop = augment_plan.get("randomCrop") if augment_plan else None
        if crop:
            return random_resized_crop(crop, augment_plan["seed"], pixels, self.height, self.width, epoch, index)
        if (self.source_height, self.source_width) != (self.height, self.width):
            return resize_window(pixels, (0, 0, self.source_height, self.source_width), self.height, self.width)
        return pixels.to(torch.float32)

    def __getitem__(self, index):
        return self.pixels(index), self.target(index)


def enlarged(image, shrink, width, height):
    """The RGB image scaled by 1 / shrink (< 1: larger) to width x height as libvips enlarges with
    its linear kernel: output pixel x reads input x * shrink - 0.5, bilinear, edges clamped,
    rounded half up (measured on sharp 0.35 / libvips 8.18: within rounding of its pixels)."""
    source_w, source_h = image.size
    src = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8).reshape(source_h, source_w, 3).to(torch.float64)

    def axis(size, source):
        at = (torch.arange(size, dtype=torch.float64) * shrink - 0.5).clamp(0, source - 1)
        low = torch.floor(at).long()
        return low, (low + 1).clamp(max=source - 1), at - low

    y0, y1, fy = axis(height, source_h)
    x0, x1, fx = axis(width, source_w)
    fy, fx = fy.reshape(-1, 1, 1), fx.reshape(1, -1, 1)
    top = src[y0][:, x0] * (1 - fx) + src[y0][:, x1] * fx
    bottom = src[y1][:, x0] * (1 - fx) + src[y1][:, x1] * fx
    value = torch.floor(top * (1 - fy) + bottom * fy + 0.5).clamp(0, 255).to(torch.uint8)
    return Image.frombytes("RGB", (width, height), value.contiguous().numpy().tobytes())


def scaled(image, shrink, width, height):
    """The whole RGB image scaled by 1 / shrink to width x height: reductions by PIL's bilinear
    (a triangle filter widened by the factor, as libvips's reduce), enlargements as libvips."""
    if image.size == (width, height):
        return image
    if shrink < 1:
        return enlarged(image, shrink, width, height)
    return image.resize((width, height), Image.BILINEAR)


def fitted(image, width, height, resize):
    """An RGB image at width x height by `resize crop` (cover, centred window) or `pad` (contain,
    centred on black), with sharp's geometry."""
    source_w, source_h = image.size
    cover = resize == "crop"
    shrink = min(source_w / width, source_h / height) if cover else max(source_w / width, source_h / height)
    scaled_w = width if source_w / shrink == width else max(1, round(source_w / shrink))
    scaled_h = height if source_h / shrink == height else max(1, round(source_h / shrink))
    whole = scaled(image, shrink, scaled_w, scaled_h)
    if cover:
        left, top = (scaled_w - width + 1) // 2, (scaled_h - height + 1) // 2
        return whole.crop((left, top, left + width, top + height))
    canvas = Image.new("RGB", (width, height), (0, 0, 0))
    canvas.paste(whole, ((width - scaled_w) // 2, (height - scaled_h) // 2))
    return canvas


def decode(image, width, height, channels, resize="stretch"):
    """An open PIL image as the tfjs runtime decodes it: EXIF orientation, then stretch (Keras's
    order: grayscale first, then resized) or crop / pad (resized in RGB, then grayscale)."""
    image = ImageOps.exif_transpose(image)
    if resize in ("crop", "pad"):
        image = fitted(image.convert("RGB"), width, height, resize)
        return image.convert("L") if channels == 1 else image
    image = image.convert("L" if channels == 1 else "RGB")
    if image.size != (width, height):
        image = image.resize((width, height), Image.BILINEAR)
    return image


def main(argv):
    """python3 -m tlc_torch.data WIDTH HEIGHT CHANNELS RESIZE FILE...: the decoded pixels (HWC)
    of each file, for the tests."""
    import json

    width, height, channels, resize = int(argv[0]), int(argv[1]), int(argv[2]), argv[3]
    out = []
    for file in argv[4:]:
        with Image.open(file) as image:
            out.append(list(decode(image, width, height, channels, resize).tobytes()))
    print(json.dumps(out))


def per_channel(values, channels, neutral):
    """The plan's per-channel constants for `channels` channels (grayscale averages RGB ones)."""
    if len(values) == 0:
        return [neutral] * channels
    if len(values) == channels:
        return list(values)
    if len(values) == 1:
        return [values[0]] * channels
    return [sum(values) / len(values)] * channels


class Preprocess:
    """y = (reorder(x) * scale - mean[c]) / std[c] on raw NCHW pixels, as tfjs's preprocess."""

    def __init__(self, plan, channels):
        self.reverse = plan["channelOrder"] == "bgr" and channels == 3
        self.scale = plan["scale"]
        self.mean = torch.tensor(per_channel(plan["mean"], channels, 0), dtype=torch.float32).reshape(1, -1, 1, 1)
        self.std = torch.tensor(per_channel(plan["std"], channels, 1), dtype=torch.float32).reshape(1, -1, 1, 1)

    def __call__(self, pixels):
        x = pixels.to(torch.float32)
        if self.reverse:
            x = torch.flip(x, dims=[1])
        if self.scale != 1:
            x = x * self.scale
        mean, std = self.mean.to(x.device), self.std.to(x.device)
        if bool((mean != 0).any()):
            x = x - mean
        if bool((std != 1).any()):
            x = x / std
        return x


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
