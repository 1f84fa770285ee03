# Row 4's PyTorch peer: inference with a saved model, as `tlc predict` does: load the model's
# weights (state_dict), decode every image under the folders given, classify them in batches of
# 32 under no_grad, print one line per image (file, label, probability).
# usage: predict.py MODEL.pt CLASSES SIZE IMAGE_DIR...   (CLASSES: comma-separated names)
# or     predict.py --save MODEL.pt CLASSES   (writes a seeded random model: the bench's setup)
import sys

import torch

from common import done, image_files, mobilenet_v2, to_tensor

if sys.argv[1] == '--save':
    torch.save(mobilenet_v2(len(sys.argv[3].split(','))).state_dict(), sys.argv[2])
    sys.exit(0)

model_file, classes, size, dirs = sys.argv[1], sys.argv[2].split(','), int(sys.argv[3]), sys.argv[4:]
model = mobilenet_v2(len(classes))
model.load_state_dict(torch.load(model_file))
model.eval()
files = [f for d in dirs for f in image_files(d)]
count = 0
with torch.no_grad():
    for start in range(0, len(files), 32):
        batch = files[start:start + 32]
        probabilities = torch.softmax(model(torch.stack([to_tensor(f, size) for f in batch])), 1)
        p, label = probabilities.max(1)
        for f, pi, li in zip(batch, p.tolist(), label.tolist()):
            print(f'{f}: {classes[li]} {pi:.3f}')
        count += len(batch)
done(images=count)
