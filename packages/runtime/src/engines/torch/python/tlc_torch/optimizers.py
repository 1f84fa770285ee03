"""The plan's optimizers with the tfjs runtime's (Keras 3's) definitions: Adam with epsilon 1e-7,
SGD with heavy-ball momentum, RMSprop as tfjs computes it (decay 0.9, epsilon inside the square
root, which torch.optim.RMSprop puts outside), and Keras 3's decoupled weight decay for every
optimizer (0.004 by default for AdamW, none otherwise): the gradient is taken at the weights, then
every trained weight shrinks by lr * decay * itself, then the optimizer's update runs. A schedule
sets the rate before each step (set_lr); the decay scales with it, as Keras's.

Discriminative learning rates (the plan's layerLearningRates) are parameter groups, each with its
rate's ratio to the stage's: group 0 holds every trained weight in no group, at the stage's rate;
set_lr sets every group's rate to the stage's times its ratio, and each group decays at its own
rate, as the tfjs runtime's one optimizer per group (train/optimizer.ts) does. The groups are
always built in the same order, so a saved state_dict loads back into a resumed stage's."""
import torch


class TfjsRMSprop(torch.optim.Optimizer):
    def __init__(self, params, lr, decay=0.9, momentum=0.0, epsilon=1e-7):
        super().__init__(params, dict(lr=lr, decay=decay, momentum=momentum, epsilon=epsilon))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["ms"] = torch.zeros_like(p)
                    state["mom"] = torch.zeros_like(p)
                ms, mom = state["ms"], state["mom"]
                ms.mul_(group["decay"]).addcmul_(p.grad, p.grad, value=1 - group["decay"])
                mom.mul_(group["momentum"]).add_(group["lr"] * p.grad / torch.sqrt(ms + group["epsilon"]))
                p.sub_(mom)


class DecoupledDecay:
    """An optimizer whose step first applies Keras's decoupled weight decay, group by group."""

    def __init__(self, optimizer, weight_decay, lr):
        self.optimizer, self.weight_decay = optimizer, weight_decay
        self.set_lr(lr)

    def set_lr(self, lr):
        """The stage's rate of the next steps: every group's is it times the group's ratio; the decay scales with it."""
        self.lr = lr
        for group in self.optimizer.param_groups:
            group["lr"] = lr * group["ratio"]

    def zero_grad(self, set_to_none=True):
        self.optimizer.zero_grad(set_to_none=set_to_none)

    @torch.no_grad()
    def step(self):
        if self.weight_decay > 0:
            for group in self.optimizer.param_groups:
                decay = group["lr"] * self.weight_decay
                for p in group["params"]:
                    p.mul_(1 - decay)
        self.optimizer.step()

    def state_dict(self):
        return self.optimizer.state_dict()

    def load_state_dict(self, state):
        self.optimizer.load_state_dict(state)


def make_optimizer(plan, params, rate_groups=()):
    """`params`: the trained weights; `rate_groups`: (ratio, weights) pairs, the plan's
    discriminative rates in its order (a weight in several goes to the first, as tfjs's)."""
    params = list(params)
    decay = plan.get("weightDecay")
    if decay is None:
        decay = 0.004 if plan["name"] == "adamw" else 0.0
    groups = [{"params": [], "ratio": 1.0}] + [{"params": [], "ratio": float(ratio)} for ratio, _ in rate_groups]
    member = [{id(p) for p in weights} for _, weights in rate_groups]
    for p in params:
        k = next((k for k, ids in enumerate(member) if id(p) in ids), -1)
        groups[k + 1]["params"].append(p)
    return DecoupledDecay(base_optimizer(plan, groups), decay, plan["learningRate"])


def base_optimizer(plan, params):
    lr = plan["learningRate"]
    name = plan["name"]
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=plan.get("momentum") or 0.0)
    if name == "rmsprop":
        return TfjsRMSprop(params, lr, 0.9, plan.get("momentum") or 0.0, plan.get("epsilon") or 1e-7)
    betas = (plan.get("beta1") or 0.9, plan.get("beta2") or 0.999)
    eps = plan.get("epsilon") or 1e-7
    if name in ("adam", "adamw"):
        return torch.optim.Adam(params, lr=lr, betas=betas, eps=eps)
    raise ValueError(f"optimizer {name!r} is not supported by the torch engine")
