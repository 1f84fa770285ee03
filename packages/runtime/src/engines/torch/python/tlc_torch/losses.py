"""The stage's loss and accuracy as the tfjs runtime computes them (train/loss.ts): probabilities
from the head's output (softmax/sigmoid when the head is linear; one sigmoid unit becomes two
columns), clipped to [1e-7, 1 - 1e-7], targets smoothed as Keras's label_smoothing (y(1 - s) + s/classes,
or + s/2 per unit for binary cross-entropy over several units), cross-entropy per sample, times its
class weight, averaged. mixup / cutmix: targets λ·onehot(label) + (1 − λ)·onehot(partner's label),
then smoothed; class weights mixed alike. A multi-label head's multi-hot targets are taken as they
are, unweighted."""
import torch

EPSILON = 1e-7


def probabilities(output, head):
    p = output
    if head["outputActivation"] == "linear":
        p = torch.sigmoid(p) if head["outputUnits"] == 1 else torch.softmax(p, dim=1)
    if head["outputUnits"] == 1:
        p = torch.cat([1 - p, p], dim=1)
    return p


def is_targets(labels):
    """Multi-hot rows (a multi-label head's targets, [n, classes]) rather than integer labels."""
    return labels.dim() == 2


def stage_loss(output, labels, head, loss, class_weights=None, label_smoothing=0.0, mix=None):
    """`labels`: integer labels, or a multi-label head's multi-hot targets (rows), which are the
    targets as they are and take no class weights (the tfjs runtime's stageLoss with targets)."""
    p = torch.clamp(probabilities(output, head), EPSILON, 1 - EPSILON)
    per_unit = loss == "binary_crossentropy" and head["outputUnits"] != 1
    if is_targets(labels):
        onehot = labels.to(p.dtype)
        class_weights = mix = None
    else:
        onehot = torch.nn.functional.one_hot(labels.long(), p.shape[1]).to(p.dtype)
    if mix is not None:
        onehot = onehot * mix["lambda"] + torch.nn.functional.one_hot(mix["labels"].long(), p.shape[1]).to(p.dtype) * (1 - mix["lambda"])
    if label_smoothing > 0:
        onehot = onehot * (1 - label_smoothing) + label_smoothing / (2 if per_unit else p.shape[1])
    if per_unit:
        per_sample = -(onehot * torch.log(p) + (1 - onehot) * torch.log(1 - p)).mean(dim=1)
    else:
        per_sample = -(onehot * torch.log(p)).sum(dim=1)
    if class_weights is not None:
        weight = class_weights.to(p.device)[labels.long()]
        if mix is not None:
            weight = weight * mix["lambda"] + class_weights.to(p.device)[mix["labels"].long()] * (1 - mix["lambda"])
        per_sample = per_sample * weight
    return per_sample.mean()


def hits(output, labels, head, mix=None, threshold=0.5):
    """Right predictions; a mixed sample's truth is its larger share's label (λ < 0.5: the
    partner's). With multi-hot targets, per image the share of classes right at `threshold`
    (Keras's binary_accuracy, fastai's accuracy_multi: the tfjs runtime's multiLabelHits), summed."""
    p = probabilities(output, head)
    if is_targets(labels):
        return ((p >= threshold).to(labels.dtype) == labels).to(torch.float32).mean(dim=1).sum()
    truth = mix["labels"] if mix is not None and mix["lambda"] < 0.5 else labels
    return (p.argmax(dim=1) == truth).sum()
