# Rows 2 and 3's PyTorch peer: fine-tuning MobileNetV2. `frozen` is how many of torchvision's
# `features` modules stay frozen (requires_grad off, BatchNormalization in inference mode):
# 17 freezes the stem and blocks 0-15, Keras's `block_15_add` (torchvision's features[16] is
# Keras's block_15); 0 trains everything. The frozen part is recomputed every epoch, the usual
# way. Adam lr 1e-3, batch 32, shuffled; validated on the test images every epoch, evaluated at
# the end. usage: finetune.py TRAIN_DIR TEST_DIR SIZE EPOCHS WIDTH FROZEN
import sys

import torch

from common import accuracy, done, load_folder, mobilenet_v2

train_dir, test_dir, size, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
width, frozen = float(sys.argv[5]), int(sys.argv[6])
x_train, y_train, classes = load_folder(train_dir, size)
x_test, y_test, _ = load_folder(test_dir, size)

model = mobilenet_v2(len(classes), width)
for module in model.features[:frozen]:
    for p in module.parameters():
        p.requires_grad = False


def train_mode():
    model.train()
    for module in model.features[:frozen]:
        module.eval()


optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()


@torch.no_grad()
def predict(x):
    model.eval()
    return torch.cat([model(batch) for batch in x.split(64)])


for epoch in range(epochs):
    train_mode()
    for index in torch.randperm(len(x_train)).split(32):
        optimizer.zero_grad()
        loss = loss_fn(model(x_train[index]), y_train[index])
        loss.backward()
        optimizer.step()
    val_loss = loss_fn(predict(x_test), y_test).item()
done(accuracy=round(accuracy(predict(x_test), y_test), 4), val_loss=round(val_loss, 4))
