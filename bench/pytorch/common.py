# Shared by the PyTorch peers of bench/vs-pytorch.ts: how a PyTorch user usually loads an image
# folder and builds torchvision's MobileNetV2 for a new set of classes. Debian's python3-torch
# (1.13, CPU) and python3-torchvision; PIL decodes. No ImageNet weights exist on the bench machine,
# so the backbone starts from torch's seeded random initialisation (tlc's side: seeded random
# weights too); the time of a step does not depend on the values of the weights.
import os
import sys
import time

import torch
import torchvision
from PIL import Image

START = time.time()
torch.manual_seed(1)

EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.gif', '.webp')


def image_files(root):
    """Every image under root, recursively, sorted."""
    found = []
    for folder, _, files in os.walk(root):
        found.extend(os.path.join(folder, f) for f in files if f.lower().endswith(EXTENSIONS))
    return sorted(found)


def to_tensor(path, size):
    """A grayscale image as [3, size, size] in [-1, 1] (MobileNetV2's input range), gray repeated
    over the three channels the ImageNet architecture expects."""
    with Image.open(path) as img:
        img = img.convert('L')
        if img.size != (size, size):
            img = img.resize((size, size), Image.BILINEAR)
        x = torchvision.transforms.functional.pil_to_tensor(img).float()
    return (x / 127.5 - 1.0).expand(3, size, size)


def load_folder(root, size):
    """An ImageFolder-style folder (one sub-folder per class) decoded once into tensors."""
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    xs, ys = [], []
    for label, name in enumerate(classes):
        for path in image_files(os.path.join(root, name)):
            xs.append(to_tensor(path, size))
            ys.append(label)
    return torch.stack(xs).contiguous(), torch.tensor(ys), classes


def mobilenet_v2(classes, width=1.0):
    """torchvision's MobileNetV2 with a new classifier of `classes` outputs (no dropout: tlc's
    `head dense N` is global pooling and one dense layer)."""
    model = torchvision.models.mobilenet_v2(width_mult=width)
    model.classifier = torch.nn.Linear(model.last_channel, classes)
    return model


def accuracy(logits, labels):
    return (logits.argmax(1) == labels).float().mean().item()


def done(**fields):
    """The last stdout line: what the bench reads."""
    fields['seconds'] = round(time.time() - START, 3)
    print(' '.join(f'{k}={v}' for k, v in fields.items()))
    sys.stdout.flush()
