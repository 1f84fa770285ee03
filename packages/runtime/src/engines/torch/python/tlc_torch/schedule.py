"""The plan's learning-rate schedules, as the tfjs runtime computes them (train/schedule.ts): the
rate of every step of a stage is set before the step. Cosine (linear warm-up, then cosine to 0),
one cycle (fastai's: cosine up over the first 25% of the steps, then down to max / 1e5) and step
are functions of the step within the stage, so a resumed stage gets the rates the uninterrupted one
would; reduce lr on plateau (Keras's ReduceLROnPlateau) keeps a state, saved with the stage's and
restored on resume."""
import math

ONE_CYCLE_PCT_START = 0.25
ONE_CYCLE_DIV_FINAL = 1e5


def anneal(start, end, p):
    return end + (start - end) / 2 * (1 + math.cos(math.pi * p))


def scheduled_rate(schedule, base, epochs, steps_per_epoch, epoch, step):
    """The rate of `step` (1-based batch) of `epoch` (1-based); plateau's rate is `base` (the caller's)."""
    total = max(1, epochs * steps_per_epoch)
    s = min((epoch - 1) * steps_per_epoch + (step - 1), total - 1)
    kind = schedule["kind"]
    if kind in ("constant", "plateau"):
        return base
    if kind == "step":
        return base * schedule["factor"] ** ((epoch - 1) // schedule["everyEpochs"])
    if kind == "cosine":
        warmup = schedule["warmup"]
        asked = warmup["count"] * steps_per_epoch if warmup["unit"] == "epochs" else warmup["count"]
        warm = min(asked, total)
        if s < warm:
            return base * (s + 1) / warm
        return anneal(base, 0, (s - warm) / max(1, total - warm))
    if kind == "one-cycle":
        climb = max(1, js_round(ONE_CYCLE_PCT_START * total))
        start, peak = schedule["startLearningRate"], schedule["maxLearningRate"]
        if s < climb:
            return anneal(start, peak, s / climb)
        return anneal(peak, peak / ONE_CYCLE_DIV_FINAL, (s - climb) / max(1, total - climb))
    raise ValueError(f"unknown schedule {kind!r}")


def js_round(x):
    """JavaScript's Math.round (halves up), not Python's banker's rounding."""
    return math.floor(x + 0.5)


class Plateau:
    """Keras's ReduceLROnPlateau.on_epoch_end over a state that survives a resume (the tfjs
    runtime's PlateauState: lr, best, wait, cooldown)."""

    def __init__(self, plan, base, saved=None):
        self.plan = plan
        self.state = dict(saved) if saved else {"lr": base, "best": None, "wait": 0, "cooldown": 0}

    @property
    def lr(self):
        return self.state["lr"]

    def update(self, value):
        plan, st = self.plan, self.state
        if st["cooldown"] > 0:
            st["cooldown"] -= 1
            st["wait"] = 0
        minimise = plan["monitor"].endswith("loss")
        if st["best"] is None:
            better = True
        elif minimise:
            better = value < st["best"] - plan["minDelta"]
        else:
            better = value > st["best"] + plan["minDelta"]
        if better:
            st["best"] = value
            st["wait"] = 0
        elif st["cooldown"] == 0:
            st["wait"] += 1
            if st["wait"] >= plan["patience"] and st["lr"] > plan["minLearningRate"]:
                st["lr"] = max(st["lr"] * plan["factor"], plan["minLearningRate"])
                st["cooldown"] = plan["cooldown"]
                st["wait"] = 0
                return True
        return False

    def saved(self):
        return dict(self.state)


def main(argv):
    """`python3 -m tlc_torch.schedule CASES.json`: the rate of every step of each case (a schedule,
    a base rate, epochs, steps per epoch and, for plateau, the monitored value of each epoch), as
    JSON: the tests compare them with the tfjs runtime's."""
    import json

    with open(argv[0]) as f:
        cases = json.load(f)
    out = []
    for case in cases:
        schedule, base = case["schedule"], case["base"]
        plateau = Plateau(schedule, base) if schedule["kind"] == "plateau" else None
        rates = []
        for epoch in range(1, case["epochs"] + 1):
            for step in range(1, case["stepsPerEpoch"] + 1):
                rates.append(scheduled_rate(schedule, plateau.lr if plateau else base, case["epochs"], case["stepsPerEpoch"], epoch, step))
            if plateau:
                plateau.update(case["values"][epoch - 1])
        out.append(rates)
    print(json.dumps(out))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
