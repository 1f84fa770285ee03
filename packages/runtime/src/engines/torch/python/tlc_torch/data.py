"""The job's images as the tfjs runtime reads them: PIL decodes (EXIF orientation applied), converts
to 'L' or 'RGB' (Keras's order: colour first, then size), resizes with BILINEAR; the plan's
preprocessing then maps raw 0..255 pixels as tfjs's preprocess does. Decoded images are kept in
memory after their first use (the small datasets this engine is tested on; the file lists stay
the source of truth)."""
import torch
from PIL import Image, ImageOps


class ImageFiles(torch.utils.data.Dataset):
    def __init__(self, files, labels, height, width, channels):
        self.files, self.labels = list(files), list(labels)
        self.height, self.width, self.channels = height, width, channels
        self.cache = {}

    def __len__(self):
        return len(self.files)

    def pixels(self, index):
        """uint8 CHW pixels of image `index`."""
        cached = self.cache.get(index)
        if cached is not None:
            return cached
        with Image.open(self.files[index]) as image:
            image = ImageOps.exif_transpose(image)
            image = image.convert("L" if self.channels == 1 else "RGB")
            if image.size != (self.width, self.height):
                image = image.resize((self.width, self.height), Image.BILINEAR)
            data = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8)
        pixels = data.reshape(self.height, self.width, self.channels).permute(2, 0, 1).contiguous()
        self.cache[index] = pixels
        return pixels

    def __getitem__(self, index):
        return self.pixels(index), self.labels[index]


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
