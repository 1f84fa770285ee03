"""PyTorch modules with Keras's exact semantics, for models tlc generates from the zoo's Keras
layer graphs. Rank-4 values are NCHW; any other rank is as Keras holds it. Padding is explicit:
TensorFlow's 'same' padding (the odd pixel at the end) is computed by the generator from the
static input size and passed here as (top, bottom, left, right)."""
import math

import torch
import torch.nn.functional as F
from torch import nn


class BatchNormSync:
    """Synchronised BatchNormalization under DDP (SyncBatchNorm): while `on`, a training
    BatchNormalization normalises by the statistics of the whole global batch, every process's
    share together (a differentiable all-reduce of the sums and counts, so the gradient flows
    through every process's statistics), as one process with the whole batch would. `weight` 0 makes
    a process's pass count for nothing (a rank left without an image in a last, small batch).
    torch.nn.SyncBatchNorm would not do: on torch 1.13 it runs on CUDA only, and its moving
    variance is the unbiased one where Keras (and this BatchNorm) keeps the biased one."""

    on = False
    weight = 1.0


def module_key(name):
    """The ModuleDict key of Keras layer `name` (PyTorch forbids '.' in module names)."""
    return name.replace(".", "\u00b7")


def activate(x, name):
    """Keras/tfjs activation `name` applied to x (tfjs's exact definitions)."""
    if name in ("linear", None):
        return x
    if name == "relu":
        return F.relu(x)
    if name == "relu6":
        return F.hardtanh(x, 0.0, 6.0)
    if name == "sigmoid":
        return torch.sigmoid(x)
    if name == "tanh":
        return torch.tanh(x)
    if name in ("hardSigmoid", "hard_sigmoid"):
        return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)
    if name in ("swish", "silu"):
        return x * torch.sigmoid(x)
    if name == "gelu":
        return x * 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))
    if name == "gelu_new":
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)))
    if name == "softmax":
        return torch.softmax(x, dim=1 if x.dim() == 4 else -1)
    if name == "logSoftmax":
        return torch.log_softmax(x, dim=1 if x.dim() == 4 else -1)
    if name == "elu":
        return F.elu(x)
    if name == "selu":
        return F.selu(x)
    if name == "softplus":
        return F.softplus(x)
    if name == "softsign":
        return F.softsign(x)
    if name == "mish":
        return x * torch.tanh(F.softplus(x))
    raise ValueError(f"activation {name!r} is not supported by the torch engine")


def _pad(x, pads, value=0.0):
    top, bottom, left, right = pads
    if top == bottom == left == right == 0:
        return x
    return F.pad(x, (left, right, top, bottom), value=value)


def _channel(values, x):
    """A per-channel (or scalar) constant shaped to broadcast over x's channel axis."""
    t = torch.tensor(values, dtype=x.dtype, device=x.device)
    if t.numel() == 1:
        return t.reshape(())
    return t.reshape(1, -1, 1, 1) if x.dim() == 4 else t


class Conv2d(nn.Module):
    """Conv2D and DepthwiseConv2D (groups = channels) with explicit TF padding and an activation."""

    def __init__(self, cin, cout, kernel, stride, dilation, pads, groups=1, bias=True, activation="linear"):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(cout, cin // groups, *kernel))
        self.bias = nn.Parameter(torch.zeros(cout)) if bias else None
        self.stride, self.dilation, self.groups, self.activation = tuple(stride), tuple(dilation), groups, activation
        # The symmetric part of the padding goes to the convolution itself (no copy of the input);
        # only TF's odd extra pixel at the bottom or right (stride 2, even input) is padded apart.
        top, bottom, left, right = pads
        self.padding = (min(top, bottom), min(left, right))
        self.pads = (top - self.padding[0], bottom - self.padding[0], left - self.padding[1], right - self.padding[1])

    def forward(self, x):
        y = F.conv2d(_pad(x, self.pads), self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)
        return activate(y, self.activation)


class SeparableConv2d(nn.Module):
    """SeparableConv2D: depthwise (no bias) then pointwise (with the layer's bias), then the activation."""

    def __init__(self, cin, multiplier, cout, kernel, stride, dilation, pads, bias=True, activation="linear"):
        super().__init__()
        self.depthwise = Conv2d(cin, cin * multiplier, kernel, stride, dilation, pads, groups=cin, bias=False)
        self.pointwise = Conv2d(cin * multiplier, cout, (1, 1), (1, 1), (1, 1), (0, 0, 0, 0), bias=bias)
        self.activation = activation

    def forward(self, x):
        return activate(self.pointwise(self.depthwise(x)), self.activation)


class Dense(nn.Module):
    """Dense over the last Keras axis (the channels of an NCHW image)."""

    def __init__(self, cin, cout, bias=True, activation="linear", image=False):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(cout, cin))
        self.bias = nn.Parameter(torch.zeros(cout)) if bias else None
        self.activation, self.image = activation, image

    def forward(self, x):
        if x.dim() == 4:
            y = F.linear(x.permute(0, 2, 3, 1), self.weight, self.bias).permute(0, 3, 1, 2)
        else:
            y = F.linear(x, self.weight, self.bias)
        return activate(y, self.activation)


def synced_moments(x, dims):
    """The mean and biased variance over every process's x (two passes, as var_mean's accuracy)."""
    from torch.distributed.nn.functional import all_reduce

    w = BatchNormSync.weight
    count = torch.tensor([x.numel() / x.shape[1] * w], dtype=x.dtype, device=x.device)
    total = all_reduce(torch.cat([x.sum(dim=dims) * w, count]))
    mean = total[:-1] / total[-1]
    shape = (1, -1, 1, 1) if x.dim() == 4 else (1, -1)
    centred = x - mean.reshape(shape)
    variance = all_reduce((centred * centred).sum(dim=dims) * w) / total[-1]
    return mean, variance


class BatchNorm(nn.Module):
    """BatchNormalization over the channel axis; gamma (scale) and beta (center) may be absent.
    momentum is PyTorch's (1 - Keras's momentum)."""

    def __init__(self, channels, eps=1e-3, momentum=0.01, scale=True, center=True):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels)) if scale else None
        self.bias = nn.Parameter(torch.zeros(channels)) if center else None
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))
        self.eps, self.momentum = eps, momentum

    def forward(self, x):
        # Under bfloat16 autocast the statistics and the normalisation stay float32.
        x = x.float()
        if not self.training:
            return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps)
        # As tfjs: normalised by the biased batch variance, which the moving variance also follows
        # (PyTorch's own update uses the unbiased one, and refuses a batch of one).
        if not BatchNormSync.on:
            # torch's fused kernel (forward and backward), which returns the batch mean and
            # 1 / sqrt(biased variance + eps): the moving statistics follow those, as Keras's do.
            y, mean, invstd = torch.native_batch_norm(x, self.weight, self.bias, None, None, True, 0.0, self.eps)
            with torch.no_grad():
                variance = invstd.reciprocal().square_().sub_(self.eps)
                self.running_mean.lerp_(mean, self.momentum)
                self.running_var.lerp_(variance, self.momentum)
            return y
        dims = [0, 2, 3] if x.dim() == 4 else [0]
        mean, variance = synced_moments(x, dims)
        with torch.no_grad():
            self.running_mean.sub_((self.running_mean - mean) * self.momentum)
            self.running_var.sub_((self.running_var - variance) * self.momentum)
        shape = (1, -1, 1, 1) if x.dim() == 4 else (1, -1)
        y = (x - mean.reshape(shape)) * torch.rsqrt(variance.reshape(shape) + self.eps)
        if self.weight is not None:
            y = y * self.weight.reshape(shape)
        if self.bias is not None:
            y = y + self.bias.reshape(shape)
        return y


class LayerNorm(nn.Module):
    """LayerNormalization over the channel axis (dim 1 of an NCHW image), as tfjs computes it."""

    def __init__(self, channels, eps=1e-3, scale=True, center=True):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels)) if scale else None
        self.bias = nn.Parameter(torch.zeros(channels)) if center else None
        self.eps = eps

    def forward(self, x):
        dim = 1 if x.dim() == 4 else -1
        mean = x.mean(dim=dim, keepdim=True)
        centered = x - mean
        variance = (centered * centered).mean(dim=dim, keepdim=True)
        y = centered / torch.sqrt(variance + self.eps)
        if self.weight is not None:
            y = y * (self.weight.reshape(1, -1, 1, 1) if x.dim() == 4 else self.weight)
        if self.bias is not None:
            y = y + (self.bias.reshape(1, -1, 1, 1) if x.dim() == 4 else self.bias)
        return y


class Activation(nn.Module):
    def __init__(self, name):
        super().__init__()
        self.name = name

    def forward(self, x):
        return activate(x, self.name)


class ReLU(nn.Module):
    def __init__(self, max_value=None):
        super().__init__()
        self.max_value = max_value

    def forward(self, x):
        if self.max_value is None:
            return F.relu(x)
        # hardtanh is clamp with a one-kernel backward (its gradient is 0 at the bounds themselves).
        return F.hardtanh(x, 0.0, float(self.max_value))


class LeakyReLU(nn.Module):
    def __init__(self, alpha):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        return F.leaky_relu(x, self.alpha)


class ELU(nn.Module):
    def __init__(self, alpha):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        return F.elu(x, self.alpha)


class Softmax(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return torch.softmax(x, dim=self.dim)


class Pool2d(nn.Module):
    """MaxPooling2D / AveragePooling2D with TF's padding: max ignores padded pixels (padded with
    -inf), average leaves them out of the count."""

    def __init__(self, kind, kernel, stride, pads):
        super().__init__()
        self.kind, self.kernel, self.stride, self.pads = kind, tuple(kernel), tuple(stride), tuple(pads)

    def forward(self, x):
        if self.kind == "max":
            return F.max_pool2d(_pad(x, self.pads, float("-inf")), self.kernel, self.stride)
        total = F.avg_pool2d(_pad(x, self.pads), self.kernel, self.stride)
        if not any(self.pads):
            return total
        ones = torch.ones(1, 1, x.shape[2], x.shape[3], dtype=x.dtype, device=x.device)
        count = F.avg_pool2d(_pad(ones, self.pads), self.kernel, self.stride)
        return total / count


class GlobalPool2d(nn.Module):
    def __init__(self, kind, keepdims=False):
        super().__init__()
        self.kind, self.keepdims = kind, keepdims

    def forward(self, x):
        if self.kind == "max":
            return x.amax(dim=(2, 3), keepdim=self.keepdims)
        return x.mean(dim=(2, 3), keepdim=self.keepdims)


class Merge(nn.Module):
    """Add, Multiply, Maximum, Minimum, Average of several inputs (with broadcasting)."""

    def __init__(self, op):
        super().__init__()
        self.op = op

    def forward(self, xs):
        y = xs[0]
        for x in xs[1:]:
            if self.op in ("add", "average"):
                y = y + x
            elif self.op == "multiply":
                y = y * x
            elif self.op == "maximum":
                y = torch.maximum(y, x)
            elif self.op == "minimum":
                y = torch.minimum(y, x)
        return y * (1.0 / len(xs)) if self.op == "average" else y


class Concatenate(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, xs):
        return torch.cat(list(xs), dim=self.dim)


class ZeroPad2d(nn.Module):
    def __init__(self, pads):
        super().__init__()
        self.pads = tuple(pads)

    def forward(self, x):
        return _pad(x, self.pads)


class Crop2d(nn.Module):
    def __init__(self, crops):
        super().__init__()
        self.crops = tuple(crops)

    def forward(self, x):
        top, bottom, left, right = self.crops
        return x[:, :, top : x.shape[2] - bottom, left : x.shape[3] - right]


class Reshape(nn.Module):
    """Reshape in Keras's (NHWC) element order."""

    def __init__(self, target, from_image=False):
        super().__init__()
        self.target, self.from_image = tuple(target), from_image

    def forward(self, x):
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        y = x.reshape(x.shape[0], *self.target)
        return y.permute(0, 3, 1, 2) if y.dim() == 4 else y


class Flatten(nn.Module):
    """Flatten in Keras's (NHWC) element order."""

    def __init__(self, from_image=False):
        super().__init__()
        self.from_image = from_image

    def forward(self, x):
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        return x.reshape(x.shape[0], -1)


class Dropout(nn.Module):
    """Keras's Dropout: drops with probability `rate` in training, scaling the rest by 1 / (1 - rate)."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        return F.dropout(x, self.rate, self.training) if self.rate > 0 else x


class Identity(nn.Module):
    def forward(self, x):
        return x


class Affine(nn.Module):
    """Rescaling: x * scale + offset, scalars or one value per channel."""

    def __init__(self, scale, offset):
        super().__init__()
        self.scale, self.offset = list(scale), list(offset)

    def forward(self, x):
        return x * _channel(self.scale, x) + _channel(self.offset, x)


class Normalization(nn.Module):
    """(x - mean) / max(sqrt(variance), 1e-7): constants from the config, or buffers (Keras's weights)."""

    def __init__(self, channels, mean=None, variance=None):
        super().__init__()
        self.fixed = mean is not None
        if self.fixed:
            self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32), persistent=False)
            self.register_buffer("variance", torch.tensor(variance, dtype=torch.float32), persistent=False)
        else:
            self.register_buffer("mean", torch.zeros(channels))
            self.register_buffer("variance", torch.ones(channels))
            self.register_buffer("count", torch.zeros(()))

    def forward(self, x):
        shape = (1, -1, 1, 1) if x.dim() == 4 else (-1,)
        mean = self.mean.reshape(shape) if self.mean.numel() > 1 else self.mean.reshape(())
        variance = self.variance.reshape(shape) if self.variance.numel() > 1 else self.variance.reshape(())
        return (x - mean) / torch.clamp(torch.sqrt(variance), min=1e-7)


class LayerScale(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(channels))

    def forward(self, x):
        return x * (self.gamma.reshape(1, -1, 1, 1) if x.dim() == 4 else self.gamma)


class CustomScale(nn.Module):
    """Inception-ResNet's residual: x + up * scale."""

    def __init__(self, scale):
        super().__init__()
        self.scale = scale

    def forward(self, xs):
        x, up = xs
        return x + up * self.scale


class StochasticDepth(nn.Module):
    """Drop path: in training, each sample's branch is dropped with probability `rate`, the kept ones
    scaled by 1 / (1 - rate); the identity at inference."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        keep = 1.0 - self.rate
        mask = torch.floor(torch.rand((x.shape[0],) + (1,) * (x.dim() - 1), dtype=x.dtype, device=x.device) + keep)
        return x / keep * mask
