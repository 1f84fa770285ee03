# Row 1's PyTorch peer: a feature extractor. MobileNetV2 (1.0) frozen, its pooled features
# computed once for the training and test images, then EPOCHS epochs of a linear head (Adam, lr
# 1e-3, batch 32, shuffled), validated on the test features every epoch, evaluated at the end.
# usage: features.py TRAIN_DIR TEST_DIR SIZE EPOCHS
import sys

import torch

from common import accuracy, done, load_folder, mobilenet_v2

train_dir, test_dir, size, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
x_train, y_train, classes = load_folder(train_dir, size)
x_test, y_test, _ = load_folder(test_dir, size)

backbone = mobilenet_v2(len(classes))
backbone.eval()


@torch.no_grad()
def features(x):
    out = []
    for batch in x.split(64):
        f = backbone.features(batch)
        out.append(torch.nn.functional.adaptive_avg_pool2d(f, 1).flatten(1))
    return torch.cat(out)


f_train, f_test = features(x_train), features(x_test)
head = torch.nn.Linear(f_train.shape[1], len(classes))
optimizer = torch.optim.Adam(head.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
for epoch in range(epochs):
    head.train()
    for index in torch.randperm(len(f_train)).split(32):
        optimizer.zero_grad()
        loss = loss_fn(head(f_train[index]), y_train[index])
        loss.backward()
        optimizer.step()
    head.eval()
    with torch.no_grad():
        val_loss = loss_fn(head(f_test), y_test).item()
with torch.no_grad():
    acc = accuracy(head(f_test), y_test)
done(accuracy=round(acc, 4), val_loss=round(val_loss, 4))
