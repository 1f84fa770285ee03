"""Executes a plan's training stages under torch.distributed.run (or alone): the tfjs runtime's
training loop (train/stage.ts) in PyTorch, data parallel.

python3 -m torch.distributed.run --nproc-per-node N -m tlc_torch.trainer JOB_DIR

JOB_DIR holds job.json (the plan, the file lists, resolved stages), model.py (generated) and
weights.safetensors (the starting weights). Per stage: the plan's frozen layers get no gradient and
their BatchNormalization (or every backbone one, with batchNormInference) runs in eval mode; the
optimizer has Keras's defaults, a parameter group per discriminative learning rate, and the
plan's schedule sets its rate (every group's in proportion) before every step (schedule.py,
the tfjs runtime's rates); each epoch the shards of a seeded DistributedSampler are trained
(DDP averages the gradients, so N processes with batch B/N each take the steps one process with
batch B takes), trained BatchNormalization statistics are recomputed on 512 training images
(precise BN, as the tfjs runtime does; a multi-label head trains on the images' multi-hot targets), rank 0 validates, and the best weights (by the plan's
checkpoint monitor) are restored at the end of the stage. Rank 0 alone writes: after every epoch
an atomic checkpoint (model, optimizer, stage, epoch, trackers, best weights) that --resume
continues from, and at the end trained.safetensors. Progress goes to stdout as lines
`@tlc {json}` that tlc reads back."""
import contextlib
import copy
import json
import math
import os
import sys
import time

import torch
import torch.distributed as dist

from . import safetensors
from .augment import augment, epoch_order
from .data import ImageFiles, Preprocess
from .layers import BatchNormSync, module_key
from .losses import hits, stage_loss
from .mix import apply_mix, draw_mix
from .model import build
from .optimizers import make_optimizer
from .parent_watch import watch_parent
from .schedule import Plateau, scheduled_rate

PRECISE_BN_IMAGES = 512
CHECKPOINT = "checkpoint.pt"
TRAINED = "trained.safetensors"
METRICS = "epochs.jsonl"
RESUME_OPTIMIZER = "resume-optimizer.pt"
RESUME_BEST = "resume-best.safetensors"


def emit(event, **fields):
    print("@tlc " + json.dumps({"event": event, **fields}), flush=True)


class Tracker:
    """The tfjs runtime's MetricTracker: best value (by mode, beyond min_delta), epoch, patience."""

    def __init__(self, monitor, mode, min_delta=0.0, state=None):
        self.monitor, self.mode, self.min_delta = monitor, mode, min_delta
        self.best, self.best_epoch, self.waited = None, -1, 0
        if state:
            self.best, self.best_epoch, self.waited = state["best"], state["bestEpoch"], state["waited"]

    def update(self, epoch, value):
        if self.best is None:
            better = True
        elif self.mode == "min":
            better = value < self.best - self.min_delta
        else:
            better = value > self.best + self.min_delta
        if better:
            self.best, self.best_epoch, self.waited = value, epoch, 0
        else:
            self.waited += 1
        return better

    def state(self):
        return {"best": self.best, "bestEpoch": self.best_epoch, "waited": self.waited}


def monitored(record, monitor):
    value = record.get(monitor)
    return record[monitor[4:]] if value is None and monitor.startswith("val_") else value


class Context:
    """Rank, world size, device and the process group."""

    def __init__(self, device):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", "0"))
        self.distributed = self.world > 1
        if device == "cuda":
            torch.cuda.set_device(local)
            self.device = torch.device("cuda", local)
        else:
            self.device = torch.device("cpu")
        if self.distributed:
            dist.init_process_group("nccl" if device == "cuda" else "gloo")

    def all_sum(self, values):
        t = torch.tensor(values, dtype=torch.float64, device=self.device if self.device.type == "cuda" else "cpu")
        if self.distributed:
            dist.all_reduce(t)
        return t.tolist()

    def broadcast(self, value):
        if not self.distributed:
            return value
        box = [value]
        dist.broadcast_object_list(box, src=0)
        return box[0]


def autocast(ctx, precision):
    """The plan's `precision bf16`: PyTorch's bfloat16 autocast on the process's device (CUDA, or
    the CPU, which torch 1.13 autocasts to bfloat16 too); weights, gradients, the optimizer's state
    and BatchNormalization's statistics stay float32. float32: nothing."""
    if precision != "bf16":
        return contextlib.nullcontext()
    return torch.autocast(device_type=ctx.device.type, dtype=torch.bfloat16)


def check_precision(ctx, stages):
    """A GPU without bfloat16 (before NVIDIA Ampere) is refused with the tfjs side's TL4329."""
    asks = [s["name"] for s in stages if s.get("precision") == "bf16"]
    if asks and ctx.device.type == "cuda" and not torch.cuda.is_bf16_supported():
        raise SystemExit(f"error[TL4329]: stage {asks[0]} asks for `precision bf16`, but {torch.cuda.get_device_name(ctx.device)} has no bfloat16 "
                         "(bf16 needs an NVIDIA Ampere GPU or newer): write `precision float32` in the pipeline and emit the job again")


def epoch_batches(dataset, epoch, shuffle, seed, batch, ctx, augment_plan):
    """The tfjs runtime's batches of `epoch` (its seeded order, its augmentation of each image,
    its mixup / cutmix of each global batch), each global batch split over the processes: rank r
    takes every world-th slot of it, mixed with its partner slot's image (augmented here too: an
    image's augmentation depends on (epoch, image) alone). Yields (pixels, labels, mix, global
    batch size), mix {lambda, labels (the partners')} or None; a rank left without an image gets
    none (pixels None)."""
    order = epoch_order(len(dataset), epoch, shuffle, seed)
    for number, start in enumerate(range(0, len(order), batch), 1):
        chunk = order[start : start + batch]
        slots = list(range(ctx.rank, len(chunk), ctx.world))
        if not slots:
            yield None, None, None, len(chunk)
            continue
        made = {}

        def image(slot):
            if slot not in made:
                i = chunk[slot]
                pixels = dataset.sampled(i, augment_plan, epoch)
                made[slot] = augment(augment_plan, pixels, epoch, i) if augment_plan else pixels
            return made[slot]

        pixels = torch.stack([image(s) for s in slots])
        labels = dataset.batch_targets([chunk[s] for s in slots])
        drawn = draw_mix(augment_plan, epoch, number, len(chunk), dataset.height, dataset.width) if augment_plan else None
        mix = None
        if drawn:
            partners = [drawn["partners"][s] for s in slots]
            pixels = apply_mix(pixels, torch.stack([image(p) for p in partners]), drawn)
            mix = {"lambda": drawn["lambda"], "labels": torch.tensor([dataset.labels[chunk[p]] for p in partners])}
        yield pixels, labels, mix, len(chunk)


def batchnorm_layers(model):
    from .layers import BatchNorm

    return {name for name, m in model.layers.items() if isinstance(m, BatchNorm)}


def configure_stage(model, stage, backbone):
    """Freezing by Keras layer name; the BatchNormalization layers that stay in eval mode."""
    frozen = {module_key(n) for n in stage["frozenLayers"]}
    for name, module in model.layers.items():
        for p in module.parameters():
            p.requires_grad_(name not in frozen)
    return {n for n in batchnorm_layers(model) if n in frozen or (stage["batchNormInference"] and n in backbone)}


def rate_groups(model, stage):
    """The stage's discriminative learning rates as (ratio to the stage's rate, trained weights of
    the group's layers), as the tfjs runtime's rateGroups (train/stage.ts)."""
    base = stage["optimizer"]["learningRate"]
    groups = []
    for group in stage.get("layerLearningRates") or []:
        keys = {module_key(n) for n in group["layers"]}
        weights = [p for name, m in model.layers.items() if name in keys for p in m.parameters() if p.requires_grad]
        groups.append((group["learningRate"] / base, weights))
    return groups


def set_train_mode(model, eval_bn):
    model.train()
    for name in eval_bn:
        model.layers[name].eval()


@torch.no_grad()
def precise_batchnorm(model, ctx, batches, eval_bn, preprocess, limit, dummy):
    """The tfjs runtime's recalibration: trained BN layers' moving statistics become the mean and
    (biased) variance of their inputs over the first `limit` training images, in training mode."""
    trained = sorted(batchnorm_layers(model) - eval_bn)
    if not trained:
        return
    sums = {n: None for n in trained}
    hooks = []
    counting = [True]
    for name in trained:
        def hook(_m, inputs, name=name):
            if not counting[0]:
                return
            x = inputs[0].to(torch.float64)
            dims = [0, 2, 3] if x.dim() == 4 else [0]
            n = x.numel() / x.shape[1]
            mean = x.mean(dim=dims)
            square = (x * x).mean(dim=dims)
            acc = sums[name]
            sums[name] = (n, mean * n, square * n) if acc is None else (acc[0] + n, acc[1] + mean * n, acc[2] + square * n)

        hooks.append(model.layers[name].register_forward_pre_hook(hook))
    set_train_mode(model, eval_bn)
    seen = 0
    try:
        for pixels, _labels, _mix, size in batches:
            if pixels is not None:
                counting[0], BatchNormSync.weight = True, 1.0
                model(preprocess(pixels.to(ctx.device)))
            elif BatchNormSync.on:
                # Synchronised BatchNormalization: every rank takes part in every pass.
                counting[0], BatchNormSync.weight = False, 0.0
                model(preprocess(dummy.to(ctx.device)))
            seen += size
            if seen >= limit:
                break
    finally:
        BatchNormSync.weight = 1.0
        for h in hooks:
            h.remove()
    for name in trained:
        acc = sums[name]
        channels = model.layers[name].running_mean.numel()
        flat = [0.0] + [0.0] * (2 * channels) if acc is None else [acc[0]] + acc[1].tolist() + acc[2].tolist()
        total = ctx.all_sum(flat)
        count = max(total[0], 1.0)
        mean = torch.tensor(total[1 : 1 + channels], dtype=torch.float64) / count
        variance = torch.clamp(torch.tensor(total[1 + channels :], dtype=torch.float64) / count - mean * mean, min=0)
        layer = model.layers[name]
        layer.running_mean.copy_(mean.to(layer.running_mean))
        layer.running_var.copy_(variance.to(layer.running_var))


@torch.no_grad()
def evaluate(model, ctx, dataset, batch_size, preprocess, head, loss, eval_bn, label_smoothing=0.0, precision="float32"):
    model.eval()
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=False)
    loss_sum = correct = count = 0.0
    for pixels, labels in loader:
        labels = labels.to(ctx.device)
        with autocast(ctx, precision):
            out = model(preprocess(pixels.to(ctx.device))).float()
        loss_sum += float(stage_loss(out, labels, head, loss, None, label_smoothing)) * labels.shape[0]
        correct += float(hits(out, labels, head))
        count += labels.shape[0]
    return {"loss": loss_sum / max(count, 1), "accuracy": correct / max(count, 1)}


def atomic_save(obj, path):
    temp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(temp, "wb") as f:
        torch.save(obj, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temp, path)


def trim_epochs(path, stage_index, stage, completed):
    """Keeps the rows of epochs.jsonl up to the checkpoint's epoch (stage index `stage`, `completed` epochs)."""
    if not os.path.exists(path):
        return
    with open(path) as f:
        lines = f.read().splitlines(keepends=True)
    kept = []
    for line in lines:
        try:
            record = json.loads(line)["record"]
        except (ValueError, KeyError, TypeError):
            continue  # a row a kill cut short
        index = stage_index.get(record["stage"], -1)
        if index < stage or (index == stage and record["epoch"] <= completed):
            kept.append(line if line.endswith("\n") else line + "\n")
    if kept != lines:
        temp = path + ".tmp"
        with open(temp, "w") as f:
            f.writelines(kept)
        os.replace(temp, path)


def run(job_dir, out_dir):
    with open(os.path.join(job_dir, "job.json")) as f:
        job = json.load(f)
    ctx = Context(job.get("device", "cpu"))
    # Training BatchNormalization over the global batch, not each process's share;
    # TLC_TORCH_SYNC_BATCHNORM=0 trades that for speed (docs/scaling.md).
    BatchNormSync.on = ctx.distributed and job.get("syncBatchNorm", True) and os.environ.get("TLC_TORCH_SYNC_BATCHNORM") != "0"
    threads = job.get("threadsPerProcess")
    if threads:
        torch.set_num_threads(threads)
    model = build(os.path.join(job_dir, "model.py"), os.path.join(job_dir, "weights.safetensors")).to(ctx.device)
    height, width, channels = job["image"]
    preprocess = Preprocess(job["preprocess"], channels)
    head = job["head"]
    backbone = {module_key(n) for n in job["backboneLayers"]}
    root = os.environ.get("TLC_DATA_ROOT") or job["dataRoot"]
    files = lambda part: [os.path.join(root, f) for f in part["files"]]
    resize = job.get("resize", "stretch")
    # A multi-label head's data: each image's labels (class indices), its multi-hot targets. With
    # `random crop` the training images are decoded at the larger source size the windows are cut
    # from (the tfjs runtime's randomCropSourceSize, written by job.ts).
    images = lambda part, source=None: ImageFiles(files(part), part["labels"], height, width, channels, resize, part.get("targets"), len(job["classes"]), source)
    train_set = images(job["train"], job.get("trainingImage"))
    val_set = images(job["validation"]) if job.get("validation") else None
    seed = int(job["seed"])
    check_precision(ctx, job["stages"])

    checkpoint_path = os.path.join(out_dir, CHECKPOINT)
    hand_back = job.get("handBack", False)
    # Where to start: a tlc run's resume state (with the optimizer and best weights beside it), or
    # an emitted job's own checkpoint.pt from an earlier launch.
    resume = None
    if job.get("resume"):
        resume = dict(job["resume"], stage=job["stages"][0]["index"], optimizer=None, best=None)
        optimizer_file = os.path.join(out_dir, RESUME_OPTIMIZER)
        if os.path.exists(optimizer_file):
            resume["optimizer"] = torch.load(optimizer_file, map_location="cpu")
        best_file = os.path.join(out_dir, RESUME_BEST)
        if os.path.exists(best_file):
            resume["best"] = safetensors.load(best_file)
    elif not hand_back and os.path.exists(checkpoint_path):
        resume = torch.load(checkpoint_path, map_location="cpu")
        model.load_state_dict(resume["model"])
        if ctx.rank == 0:
            trim_epochs(os.path.join(out_dir, METRICS), {s["name"]: s["index"] for s in job["stages"]}, resume["stage"], resume["completedEpochs"])

    for stage in job["stages"]:
        index = stage["index"]
        if resume and index < resume["stage"]:
            continue
        state = resume if resume and index == resume["stage"] else None
        epochs = stage["epochs"]
        if state and (state["stopped"] or state["completedEpochs"] >= epochs):
            # Killed between the stage's last epoch and its end: the end's best weights, as it would have.
            if state.get("best") is not None:
                model.load_state_dict(state["best"])
            continue
        eval_bn = configure_stage(model, stage, backbone)
        params = [p for p in model.parameters() if p.requires_grad]
        optimizer = make_optimizer(stage["optimizer"], params, rate_groups(model, stage))
        if state and state.get("optimizer"):
            optimizer.load_state_dict(state["optimizer"])
        trained = model
        if ctx.distributed:
            trained = torch.nn.parallel.DistributedDataParallel(model, device_ids=[ctx.device.index] if ctx.device.type == "cuda" else None)
        batch = stage["batchSize"]
        shuffle = job.get("shuffle", True)
        augment_plan = job.get("augment")
        weights = torch.tensor(stage["classWeights"], dtype=torch.float32) if stage.get("classWeights") else None
        checkpoint = Tracker(stage["checkpoint"]["monitor"], stage["checkpoint"]["mode"], 0.0, state and state.get("checkpoint"))
        early_plan = stage.get("earlyStopping")
        early = None
        if early_plan:
            mode = "min" if early_plan["monitor"].endswith("loss") else "max"
            early = Tracker(early_plan["monitor"], mode, early_plan.get("minDelta") or 0.0, state and state.get("early"))
        best = state["best"] if state else None
        stopped = False
        batches = math.ceil(len(train_set) / batch)
        precision = stage.get("precision", "float32")
        # The plan's schedule sets the rate before every step, as the tfjs runtime's; plateau's
        # state comes back on resume.
        schedule = stage.get("schedule") or {"kind": "constant"}
        base_lr = stage["optimizer"]["learningRate"]
        plateau = Plateau(schedule, base_lr, state and state.get("plateau")) if schedule["kind"] == "plateau" else None
        for epoch in range((state["completedEpochs"] if state else 0) + 1, epochs + 1):
            started = time.perf_counter()
            torch.manual_seed(seed * 1000003 + index * 1009 + epoch * 101 + ctx.rank)  # dropout masks
            set_train_mode(model, eval_bn)
            loss_sum = correct = seen = 0.0
            for step, (pixels, labels, mix, size) in enumerate(epoch_batches(train_set, epoch, shuffle, seed, batch, ctx, augment_plan), 1):
                if pixels is None:
                    # No image for this rank in a last, small batch: a zero-weight pass keeps DDP's
                    # gradient exchange in step.
                    pixels, labels, share = train_set.sampled(0).unsqueeze(0), train_set.batch_targets([0]), 0.0
                else:
                    share = labels.shape[0] * ctx.world / size
                BatchNormSync.weight = 1.0 if share > 0 else 0.0
                optimizer.set_lr(scheduled_rate(schedule, plateau.lr if plateau else base_lr, epochs, batches, epoch, step))
                x = preprocess(pixels.to(ctx.device))
                labels = labels.to(ctx.device)
                with autocast(ctx, precision):
                    out = trained(x).float()
                if mix is not None:
                    mix = {"lambda": mix["lambda"], "labels": mix["labels"].to(ctx.device)}
                local_loss = stage_loss(out, labels, head, stage["loss"], weights, stage.get("labelSmoothing", 0.0), mix)
                # DDP averages the ranks' gradients: weighted by its share, each rank's mean makes
                # the global batch's mean, also when the batch does not split evenly.
                loss = local_loss * share
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                value = float(local_loss)
                if not math.isfinite(value):
                    raise SystemExit(f"training diverged in stage {stage['name']}, epoch {epoch}, batch {step}: the loss is {value}; lower the learning rate")
                if share > 0:
                    loss_sum += value * labels.shape[0]
                    correct += float(hits(out.detach(), labels, head, mix))
                    seen += labels.shape[0]
                if ctx.rank == 0:
                    emit("batch", stage=stage["name"], epoch=epoch, epochs=epochs, batch=step, batches=batches,
                         loss=loss_sum / max(seen, 1), accuracy=correct / max(seen, 1), images=min(step * batch, len(train_set)), seconds=time.perf_counter() - started)
            loss_sum, correct, seen = ctx.all_sum([loss_sum, correct, seen])
            precise_batchnorm(model, ctx, epoch_batches(train_set, 0, shuffle, seed, batch, ctx, augment_plan), eval_bn, preprocess, PRECISE_BN_IMAGES,
                              train_set.sampled(0).unsqueeze(0))
            val = None
            if val_set is not None and len(val_set) > 0:
                val = evaluate(model, ctx, val_set, batch, preprocess, head, stage["loss"], eval_bn, stage.get("labelSmoothing", 0.0), precision) if ctx.rank == 0 else None
                val = ctx.broadcast(val)
            seconds = time.perf_counter() - started
            record = {
                "stage": stage["name"], "epoch": epoch,
                "loss": loss_sum / max(seen, 1), "accuracy": correct / max(seen, 1),
                "val_loss": val["loss"] if val else None, "val_accuracy": val["accuracy"] if val else None,
                "lr": optimizer.lr, "seconds": seconds, "imagesPerSecond": seen / seconds,
            }
            is_best = checkpoint.update(epoch, monitored(record, checkpoint.monitor))
            if is_best:
                best = copy.deepcopy(model.state_dict())
            if early:
                early.update(epoch, monitored(record, early.monitor))
                stopped = early.waited >= early_plan["patience"] and epoch < epochs
            if plateau:
                plateau.update(monitored(record, schedule["monitor"]))
            if ctx.rank == 0:
                stage_state = {"completedEpochs": epoch, "checkpoint": checkpoint.state(), "early": early.state() if early else None,
                               "plateau": plateau.saved() if plateau else None, "stopped": stopped}
                # The epoch's row goes first: a rerun after a kill before the checkpoint below
                # drops it again (trim_epochs), so epochs.jsonl ends at the checkpoint's epoch.
                with open(os.path.join(out_dir, METRICS), "a") as f:
                    f.write(json.dumps({"record": record, "best": is_best}) + "\n")
                files = {}
                if hand_back:
                    # This epoch's weights and optimizer state, for the run's own checkpoints.
                    files = {"weights": f"epoch-{index + 1}-{epoch}.safetensors", "optimizer": f"optimizer-{index + 1}-{epoch}.pt"}
                    safetensors.save(model.state_dict(), os.path.join(out_dir, files["weights"]))
                    atomic_save(optimizer.state_dict(), os.path.join(out_dir, files["optimizer"]))
                else:
                    atomic_save(dict(stage_state, stage=index, model=model.state_dict(), optimizer=optimizer.state_dict(), best=best), checkpoint_path)
                emit("epoch", record=record, best=is_best, state=stage_state, **files)
            if stopped:
                break
        if best is not None:
            model.load_state_dict(best)
        if ctx.rank == 0:
            if not hand_back:
                atomic_save({
                    "stage": index + 1, "completedEpochs": 0, "stopped": False, "checkpoint": None, "early": None,
                    "model": model.state_dict(), "optimizer": None, "best": None,
                }, checkpoint_path)
            emit("stage", stage=stage["name"], stoppedEarly=stopped, bestEpoch=checkpoint.best_epoch)
        resume = None
    if ctx.rank == 0:
        safetensors.save(model.state_dict(), os.path.join(out_dir, TRAINED), {"producer": "tlc_torch.trainer"})
        emit("done")
    if ctx.distributed:
        dist.barrier()
        dist.destroy_process_group()


def main(argv):
    watch_parent()
    job_dir = argv[0]
    out_dir = argv[1] if len(argv) > 1 else job_dir
    run(job_dir, out_dir)


if __name__ == "__main__":
    main(sys.argv[1:])
