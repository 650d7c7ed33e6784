"""Stage 3: train the denoiser on packed windows of the token stream.

AdamW, linear warm-up then cosine decay (or warm-up, stable, decay: see `schedule`), gradient
clipping, a checkpoint every few minutes (written atomically), resume after a stop, and a JSON-lines log of
training and validation loss and tokens/s.
The schedule's progress is max(step / max_steps, elapsed / max_minutes), so a run bounded by time still
ends its decay at the floor; `elapsed` counts training steps only (the clock stops while the run evaluates
and checkpoints), and the loop reads as nanoGPT's does: set up, resume, then per step the rate, the step,
and the log, evaluation and checkpoint on their own schedules, with no host synchronisation but the log
line's. Runs unchanged under `torchrun` (DistributedDataParallel).
"""

from __future__ import annotations

import copy
import json
import math
import os
import signal
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist

from .cpushare import ThreadGovernor
from .diffusion import T_DISTS, WEIGHTINGS, diffusion_loss, loss_weight, mask_tokens, sample_t
from .errors import PipelineError
from .fakequant import BLOCK, q8_state, rounded_forward
from .hardware import describe_cpu
from .model import Denoiser, ModelConfig
from .runfolder import run_file, run_json
from .specials import MASK_ID
from .warmstart import save_weights


@dataclass
class TrainConfig:
    model: ModelConfig = field(default_factory=ModelConfig)
    batch_size: int = 32
    lr: float = 2e-3
    min_lr_frac: float = 0.05
    # "cosine": decay over the whole run. "wsd" (warm-up, stable, decay): hold the peak rate, then decay
    # over the last `decay_frac` of the run; the weights at the start of the decay are saved as
    # stable.pt, the point the next run continues from without undoing a decay (see README).
    schedule: str = "cosine"
    decay_frac: float = 0.2
    warmup_steps: int = 300
    weight_decay: float = 0.1
    betas: tuple = (0.9, 0.95)
    grad_clip: float = 1.0
    weight_cap: float | None = 10.0
    max_steps: int = 1_000_000
    max_minutes: float = 100.0
    ckpt_minutes: float = 5.0
    eval_every: int = 500
    eval_batches: int = 8
    log_every: int = 50
    seed: int = 0
    threads: int = 2
    # On the CPU, drop to one thread while other processes keep a core busy (pipeline/cpushare.py).
    adaptive_threads: bool = True
    compile: bool = False
    bf16: bool = False
    # On the CPU, time a few steps in bf16 and fp32 at 1 and `threads` threads and train with the fastest,
    # overriding `bf16` and `threads` (pipeline/precision.py): emulated bf16 can be 30x slower than fp32.
    pick_precision: bool = False
    # EMA of the weights (0 = off). Evaluated, exported and shipped instead of the raw weights when on:
    # at the end of a short run it averages out the last steps' noise (horizon ~ 1 / (1 - decay) steps).
    ema_decay: float = 0.0
    # Recipes measured in the card (issue 21 §2); the defaults are today's recipe.
    subs: bool = False  # loss over the tokens the sampler can emit ([MASK], [PAD] at -inf): diffusion.subs_logits
    t_dist: str = "uniform"  # or "logitnormal": a bell on t = 1/2 (diffusion.sample_t), still weighted 1/t
    weighting: str = "inv_t"  # or "one": plain cross-entropy
    optimizer: str = "adamw"  # or "muon": Muon for the blocks' matrices, AdamW for embedding, head, norms
    # Learning-rate multipliers for some blocks, {"8": 15.0}: after `pipeline grow`, the new block learns at
    # a high rate while the trained ones move only a little (re-warming a converged model costs more than
    # its decay wins back; LLaMA Pro trains the inserted blocks alone). Decoupled weight decay is lr × wd,
    # so it scales with the multiplier too.
    block_lr_mult: dict = field(default_factory=dict)
    # A budget in the process's CPU seconds (all threads), 0 = none: equal CPU minutes for the recipe table
    # when other work shares the machine and wall minutes buy unequal compute.
    max_cpu_minutes: float = 0.0
    # Quantization-aware training: the forward sees the weights rounded as the q8 file ships them and the
    # gradient passes straight through (pipeline/fakequant.py); evaluation scores the rounded weights.
    # One process, uncompiled: the rounded view bypasses DistributedDataParallel and torch.compile.
    qat: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    def __post_init__(self):
        # Settings arrive from JSON and --set: a wrong type (bf16="False", lr="1e-3") must stop here,
        # not run with a truthy string.
        kinds = {"bool": (bool,), "int": (int,), "float": (int, float), "str": (str,), "dict": (dict,)}
        for f in fields(self):
            want = kinds.get(str(f.type))
            v = getattr(self, f.name)
            if want and (not isinstance(v, want) or (isinstance(v, bool) and bool not in want)):
                raise PipelineError(f"setting {f.name} must be {str(f.type)}, not {v!r}")
        if self.schedule not in ("cosine", "wsd"):
            raise PipelineError(f"schedule must be 'cosine' or 'wsd', not {self.schedule!r}")
        for name, allowed in (
            ("t_dist", T_DISTS),
            ("weighting", WEIGHTINGS),
            ("optimizer", ("adamw", "muon")),
        ):
            if getattr(self, name) not in allowed:
                raise PipelineError(f"{name} must be one of {allowed}, not {getattr(self, name)!r}")
        if not 0 < self.decay_frac <= 1:
            raise PipelineError(f"decay_frac must be in (0, 1], not {self.decay_frac}")
        for b, mult in self.block_lr_mult.items():
            ok_block = isinstance(b, str) and b.isascii() and b.isdigit() and str(int(b)) == b
            ok_block = ok_block and int(b) < self.model.n_layers
            if not ok_block or isinstance(mult, bool) or not isinstance(mult, (int, float)) or mult <= 0:
                raise PipelineError(
                    f"block_lr_mult maps a block index below n_layers ({self.model.n_layers}), written as in "
                    f'{{"8": 15}}, to a positive number, not {b!r}: {mult!r}'
                )

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        d = dict(d)
        m = ModelConfig(**d.pop("model", {}))
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise PipelineError(f"unknown training settings: {sorted(unknown)}")
        if "betas" in d:
            d["betas"] = tuple(d["betas"])
        return cls(model=m, **d)


# Ready-made configurations. "tiny" is the smoke test; "cpu" fits two hours on two cores;
# "gpu" is the single-H100/H200 run inside a 9-minute call (35.7 M parameters).
PRESETS: dict[str, dict] = {
    "tiny": {
        "model": {"d_model": 64, "n_layers": 2, "n_heads": 2, "context": 64},
        "batch_size": 8,
        "lr": 3e-3,
        "warmup_steps": 5,
        "max_steps": 30,
        "max_minutes": 2.0,
        "eval_every": 15,
        "eval_batches": 2,
        "log_every": 5,
    },
    "cpu": {
        "model": {"d_model": 256, "n_layers": 6, "n_heads": 4, "context": 128},
        "batch_size": 32,
        "lr": 1.5e-3,
        "warmup_steps": 300,
        "max_minutes": 100.0,
        "eval_every": 1000,
        "bf16": True,
        "pick_precision": True,
        "schedule": "wsd",
    },
    # 4.5 minutes at most: models/train_gpu.sh cuts it further to what its deadline leaves after start-up
    # and pre-flight (compile), keeping a reserve for export, quantize and the bound.
    # Its recipe takes the CPU table's findings (models/README.md, issue 21 §2): plain cross-entropy
    # weighting, and, since it starts from scratch, ReLU², QK-norm and zero-initialised projections.
    "gpu": {
        "model": {
            "d_model": 512,
            "n_layers": 10,
            "n_heads": 8,
            "context": 128,
            "activation": "relu2",
            "qk_norm": True,
            "zero_init": True,
        },
        "weighting": "one",
        "batch_size": 256,
        "lr": 1.5e-3,
        "warmup_steps": 300,
        "max_minutes": 4.5,
        "ckpt_minutes": 1.5,
        "eval_every": 500,
        "eval_batches": 16,
        "log_every": 50,
        "threads": 8,
        "compile": True,
        "bf16": True,
        "ema_decay": 0.999,
    },
}


def lr_at(cfg: TrainConfig, step: int, progress: float) -> float:
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    p = min(1.0, max(0.0, progress))
    if cfg.schedule == "wsd":
        # 1 - sqrt cooldown (Hägele et al. 2024, "Scaling Laws and Compute-Optimal Training Beyond
        # Fixed Training Durations": matches cosine at a 20 % cooldown, slightly ahead of linear).
        q = max(0.0, p - (1 - cfg.decay_frac)) / cfg.decay_frac
        return cfg.lr * (cfg.min_lr_frac + (1 - cfg.min_lr_frac) * (1 - math.sqrt(q)))
    return cfg.lr * (cfg.min_lr_frac + (1 - cfg.min_lr_frac) * 0.5 * (1 + math.cos(math.pi * p)))


def in_decay(cfg: TrainConfig, step: int, progress: float) -> bool:
    return cfg.schedule == "wsd" and step >= cfg.warmup_steps and progress >= 1 - cfg.decay_frac


class Windows:
    """Random packed windows of `context` tokens from a uint16 token stream."""

    def __init__(self, tokens: np.ndarray, context: int, seed: int):
        if tokens.size <= context + 1:
            raise PipelineError(f"token stream has {tokens.size} tokens, fewer than one window of {context}")
        self.tokens, self.context = tokens, context
        self.rng = np.random.default_rng(seed)

    def batch(self, n: int) -> torch.Tensor:
        starts = self.rng.integers(0, self.tokens.size - self.context, size=n)
        idx = starts[:, None] + np.arange(self.context)[None, :]
        return torch.from_numpy(self.tokens[idx].astype(np.int64))


def fixed_val_batches(tokens: np.ndarray, context: int, batch: int, n: int, seed: int = 1234):
    """The same validation windows and t values at every evaluation, so the curve is comparable."""
    w = Windows(tokens, context, seed)
    g = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(n):
        x = w.batch(batch)
        t = sample_t(batch, g)
        noisy, masked = mask_tokens(x, t, MASK_ID, g)
        out.append((x, t, noisy, masked))
    return out


@torch.no_grad()
def validation_bounds(model: torch.nn.Module, batches, device) -> tuple[float, float]:
    """The uncapped bound on the fixed batches in nats/token: (over the whole vocabulary, as every figure
    before the SUBS recipe; over the tokens the sampler can emit, [MASK] and [PAD] excluded)."""
    model.eval()
    tot, tot_subs, n = 0.0, 0.0, 0
    for x, t, noisy, masked in batches:
        masked = masked.to(device)
        logits = model(noisy.to(device), masked)
        x, t = x.to(device), t.to(device)
        tot += diffusion_loss(logits, x, masked, t).sum().item()
        tot_subs += diffusion_loss(logits, x, masked, t, subs=True).sum().item()
        n += x.shape[0]
    model.train()
    return tot / n, tot_subs / n


def validation_bound(model: torch.nn.Module, batches, device) -> float:
    return validation_bounds(model, batches, device)[0]


def load_checkpoint(path: Path) -> dict:
    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except Exception as e:  # truncated or overwritten file
        raise PipelineError(
            f"checkpoint {path} is corrupt or unreadable ({type(e).__name__}: {e}); "
            f"delete it to start over, or restore a good copy"
        ) from e


def save_checkpoint(path: Path, state: dict) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)  # atomic: a stop mid-write never leaves a half checkpoint as ckpt.pt


@dataclass
class Session:
    """Everything a training loop needs, built once by `setup` (and advanced by `resume`)."""

    run: Path
    cfg: TrainConfig
    model: torch.nn.Module
    fwd: torch.nn.Module  # what the loop calls: the model, DDP-wrapped and/or compiled
    opt: torch.optim.Optimizer
    ema: torch.optim.swa_utils.AveragedModel | None
    device: torch.device
    rank: int
    world: int
    distributed: bool
    train_tokens: np.ndarray
    val_batches: list
    step: int = 0
    elapsed: float = 0.0
    cpu_elapsed: float = 0.0  # process CPU seconds of training steps (all threads)
    tokens_seen: int = 0
    best_val: float = float("inf")
    precision: dict = field(default_factory=dict)  # what pick_precision measured and chose

    def progress(self) -> float:
        """How far through its budget the run is: steps, wall time or CPU time, whichever is furthest."""
        cpu = self.cpu_elapsed / (self.cfg.max_cpu_minutes * 60) if self.cfg.max_cpu_minutes > 0 else 0.0
        return max(self.step / self.cfg.max_steps, self.elapsed / (self.cfg.max_minutes * 60), cpu)

    def eval_model(self) -> torch.nn.Module:
        m = self.ema.module if self.ema is not None else self.model
        if not self.cfg.qat:
            return m
        rounded = copy.deepcopy(m)  # a quantization-aware run is judged by the file it will ship
        rounded.load_state_dict(q8_state(m))
        return rounded

    def checkpoint(self) -> None:
        if self.rank == 0:
            state = {
                "model": self.model.state_dict(),
                "opt": self.opt.state_dict(),
                "step": self.step,
                "elapsed": self.elapsed,
                "cpu_elapsed": self.cpu_elapsed,
                "tokens_seen": self.tokens_seen,
                "best_val": self.best_val,
                "config": self.cfg.to_dict(),
            }
            if self.ema is not None:
                state["ema"] = self.ema.module.state_dict()
            save_checkpoint(self.run / "ckpt.pt", state)


STABLE_FILES = ("stable.pt", "stable.json")


def save_stable(s: Session) -> None:
    """The raw weights where the decay begins (saved as weights.pt is): what the next run continues from.
    Raw, not the EMA: the next run trains on from them (the CPU preset keeps no EMA anyway).
    stable.json is the commit mark: removed first, written last, so a stop in between leaves no
    pair that `ship` would trust (it then ships the final weights)."""
    (s.run / "stable.json").unlink(missing_ok=True)
    tmp = s.run / "stable.pt.tmp"
    save_weights(s.model, tmp)
    os.replace(tmp, s.run / "stable.pt")
    tmp = s.run / "stable.json.tmp"
    tmp.write_text(json.dumps({"step": s.step, "tokens_seen": s.tokens_seen, "elapsed_s": round(s.elapsed, 1)}))
    os.replace(tmp, s.run / "stable.json")


def forget_stable(run: Path) -> None:
    for name in STABLE_FILES:
        (run / name).unlink(missing_ok=True)


def _device(cfg: TrainConfig, distributed: bool) -> tuple[torch.device, int, int]:
    rank, world = 0, 1
    if distributed:
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if torch.cuda.is_available() else "cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    else:
        # Flush denormals before the thread pool exists: worker threads inherit the FP mode of the
        # thread that creates them. Without it throughput collapsed within minutes as denormals appeared.
        torch.set_flush_denormal(True)
        torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed + rank)
    return device, rank, world


class Optimizers:
    """Several optimizers stepped as one (Muon for the hidden matrices, AdamW for the rest), with the
    param_groups, step, zero_grad and state_dict that the loop and the checkpoint use."""

    def __init__(self, *opts: torch.optim.Optimizer):
        self.opts = opts

    @property
    def param_groups(self) -> list[dict]:
        # Read afresh each time: torch's load_state_dict replaces an optimizer's group dicts, and a list
        # taken before it would take set_lr's rates while the optimizers ran on the checkpoint's.
        return [g for o in self.opts for g in o.param_groups]

    def step(self) -> None:
        for o in self.opts:
            o.step()

    def zero_grad(self, set_to_none: bool = True) -> None:
        for o in self.opts:
            o.zero_grad(set_to_none=set_to_none)

    def state_dict(self) -> dict:
        return {"optimizers": [o.state_dict() for o in self.opts]}

    def load_state_dict(self, state: dict) -> None:
        states = state.get("optimizers", [state])
        if len(states) != len(self.opts):
            raise PipelineError(f"the checkpoint holds {len(states)} optimizers, this run uses {len(self.opts)}")
        for o, st in zip(self.opts, states):
            o.load_state_dict(st)


def make_optimizer(model: Denoiser, cfg: TrainConfig, device: torch.device) -> Optimizers:
    """AdamW with weight decay on matrices only; with optimizer="muon", the blocks' matrices go to
    torch.optim.Muon instead. Its "match_rms_adamw" scaling (Moonshot, "Muon is Scalable for LLM
    Training") gives updates AdamW's size, so both share one learning rate and one schedule. Blocks named in
    `block_lr_mult` get groups of their own, whose "lr_mult" set_lr applies to the schedule's rate."""
    named = list(model.named_parameters())

    def mult(name: str) -> float:
        parts = name.split(".")
        return float(cfg.block_lr_mult.get(parts[1], 1.0)) if parts[0] == "blocks" else 1.0

    def groups(params: list, **extra) -> list[dict]:
        by_mult: dict[float, list] = {}
        for n, p in params:
            by_mult.setdefault(mult(n), []).append(p)
        return [{"params": ps, "lr_mult": m, **extra} for m, ps in sorted(by_mult.items())]

    hidden = [(n, p) for n, p in named if cfg.optimizer == "muon" and n.startswith("blocks.") and p.dim() == 2]
    ids = {id(p) for _, p in hidden}
    decay = [(n, p) for n, p in named if p.dim() >= 2 and id(p) not in ids]
    no_decay = [(n, p) for n, p in named if p.dim() < 2]
    adamw = torch.optim.AdamW(
        groups(decay, weight_decay=cfg.weight_decay) + groups(no_decay, weight_decay=0.0),
        lr=cfg.lr,
        betas=cfg.betas,
        fused=device.type == "cuda",
    )
    if not hidden:
        return Optimizers(adamw)
    muon = torch.optim.Muon(groups(hidden), lr=cfg.lr, weight_decay=cfg.weight_decay, adjust_lr_fn="match_rms_adamw")
    return Optimizers(muon, adamw)


def setup(run: Path, cfg: TrainConfig, log=print) -> Session:
    """Device, data, model, optimizer and EMA for a run that starts at step 0."""
    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    if cfg.qat and (distributed or cfg.compile):
        raise PipelineError(
            "qat runs in one process and uncompiled (its rounded forward bypasses DistributedDataParallel "
            "and torch.compile): --set compile=false, one process"
        )
    if cfg.qat and (cfg.model.d_model % BLOCK or int(cfg.model.d_model * cfg.model.ffn_mult) % BLOCK):
        raise PipelineError(f"qat rounds blocks of {BLOCK} inputs: d_model and its FFN width must be multiples")
    device, rank, world = _device(cfg, distributed)
    train_tokens = np.load(run_file(run, "tokens_train.npy"), mmap_mode="r")
    val_path = run / "tokens_val.npy"
    val_tokens = np.load(val_path) if val_path.exists() else np.zeros(0, np.uint16)
    if val_tokens.size <= cfg.model.context + 1:
        val_tokens = np.asarray(train_tokens[-(cfg.model.context * 4 + 2) :])  # tiny corpora only
    vocab_size = len(run_json(run, "tokenizer.json")["model"]["vocab"])
    if cfg.model.vocab_size != vocab_size:  # the output layer follows the vocabulary actually trained
        log(f"model vocab_size {cfg.model.vocab_size} -> {vocab_size} (from tokenizer.json)")
        cfg.model.vocab_size = vocab_size
    model = Denoiser(cfg.model).to(device)
    precision = {"bf16": cfg.bf16, "threads": cfg.threads, "measured": False}
    if cfg.pick_precision and device.type == "cpu":
        from .precision import pick, thread_ceiling

        best, rates = pick(model, cfg.model.vocab_size, cfg.model.context, cfg.threads, qat=cfg.qat)
        cfg.bf16, cfg.threads = best.bf16, thread_ceiling(best, cfg.threads, cfg.adaptive_threads)
        torch.set_num_threads(cfg.threads)
        precision = {"bf16": cfg.bf16, "threads": cfg.threads, "measured": True, "probe_tokens_per_s": rates}
        log(f"precision: {best.label} (probe, tokens/s: {rates}); at most {cfg.threads} threads")
    opt = make_optimizer(model, cfg, device)
    ema = None
    if cfg.ema_decay > 0:
        ema = torch.optim.swa_utils.AveragedModel(
            model, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(cfg.ema_decay)
        )
    val_batches = fixed_val_batches(val_tokens, cfg.model.context, min(cfg.batch_size, 64), cfg.eval_batches)
    return Session(
        run,
        cfg,
        model,
        model,
        opt,
        ema,
        device,
        rank,
        world,
        distributed,
        train_tokens,
        val_batches,
        precision=precision,
    )


def resume(s: Session, fresh: bool, init: Path | None, log=print) -> None:
    """Continue from the run's checkpoint; else warm-start the weights from `init`; else start fresh."""
    ckpt_path = s.run / "ckpt.pt"
    if ckpt_path.exists() and not fresh:
        state = load_checkpoint(ckpt_path)
        if state["config"]["model"] != s.cfg.model.to_dict():
            raise PipelineError(
                f"{ckpt_path} was trained with model {state['config']['model']}, not "
                f"{s.cfg.model.to_dict()}; pass --fresh to start over"
            )
        # The optimizer's groups follow block_lr_mult: another map would pair Adam's moments with other
        # parameters, or keep the checkpoint's multipliers.
        if state["config"].get("block_lr_mult", {}) != s.cfg.block_lr_mult:
            raise PipelineError(
                f"{ckpt_path} was trained with block_lr_mult {state['config'].get('block_lr_mult', {})}, not "
                f"{s.cfg.block_lr_mult}; pass --fresh to start over"
            )
        # A checkpoint from before these settings existed ran on their defaults.
        was = {k: state["config"].get(k, getattr(TrainConfig, k)) for k in ("schedule", "decay_frac")}
        if was != {"schedule": s.cfg.schedule, "decay_frac": s.cfg.decay_frac}:
            log(f"note: the schedule changes from {was} at step {state['step']} (the log keeps each step's rate)")
        if state["config"].get("qat", False) != s.cfg.qat:
            log(f"note: quantization-aware training {'on' if s.cfg.qat else 'off'} from step {state['step']}")
        stable = s.run / "stable.json"
        if stable.exists() and json.loads(stable.read_text())["step"] > state["step"] and s.rank == 0:
            forget_stable(s.run)  # saved by a stretch of the run that this checkpoint does not contain
        s.model.load_state_dict(state["model"])
        s.opt.load_state_dict(state["opt"])
        if s.ema is not None:
            s.ema.module.load_state_dict(state.get("ema", state["model"]))
        s.step, s.elapsed, s.tokens_seen = state["step"], state["elapsed"], state["tokens_seen"]
        s.cpu_elapsed = state.get("cpu_elapsed", 0.0)
        s.best_val = state.get("best_val", s.best_val)
        log(f"resumed from step {s.step} ({s.elapsed / 60:.1f} min, {s.tokens_seen / 1e6:.1f} M tokens)")
    else:
        if s.rank == 0:
            forget_stable(s.run)  # a new run: an earlier run's stable point is not this one's
            (s.run / "train_log.jsonl").unlink(missing_ok=True)  # nor is its log (it would read as this run's)
        if init is not None:
            from .warmstart import load_warm_start

            s.model.load_state_dict(load_warm_start(init, s.cfg.model))
            if s.ema is not None:
                s.ema.module.load_state_dict(s.model.state_dict())
            log(f"warm start from {init}")
    if s.distributed:
        s.fwd = torch.nn.parallel.DistributedDataParallel(
            s.model, device_ids=[s.device.index] if s.device.type == "cuda" else None
        )
    if s.cfg.compile:
        s.fwd = torch.compile(s.fwd)


class StopFlag:
    """SIGTERM / Ctrl-C finish the current step, then checkpoint and exit normally: a stop loses nothing."""

    def __init__(self):
        self.signal = None

    def __enter__(self):
        self.previous = {sig: signal.signal(sig, self._request) for sig in (signal.SIGTERM, signal.SIGINT)}
        return self

    def _request(self, signum, _frame):
        self.signal = signum

    def __exit__(self, *exc):
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


class Meter:
    """What the log line reports, summed as tensors on the device: read, with one host synchronisation, only
    when a line is written. Times count training steps only (the clock stops for evaluation and checkpoints)."""

    def __init__(self, device: torch.device):
        self.device = device
        self.reset()

    def reset(self) -> None:
        z = lambda *shape: torch.zeros(shape, device=self.device)  # noqa: E731
        self.loss, self.gnorm, self.ce_sum, self.ce_n = z(), z(), z(5), z(5)
        self.steps, self.tokens, self.seconds = 0, 0, 0.0

    def add(self, out: "StepOut", tokens: int, seconds: float) -> None:
        self.loss += out.loss.detach()
        self.gnorm += out.gnorm.detach()
        # Mean CE per masked token in five t-buckets: shows whether the model uses context (low t).
        bucket = (out.t * 5).long().clamp(max=4)
        self.ce_sum.index_add_(0, bucket, out.ce_per_token)
        self.ce_n.index_add_(0, bucket, torch.ones_like(out.ce_per_token))
        self.steps, self.tokens, self.seconds = self.steps + 1, self.tokens + tokens, self.seconds + seconds

    def read(self) -> dict:
        ce_sum, ce_n = self.ce_sum.tolist(), self.ce_n.tolist()
        out = {
            "loss": round(self.loss.item() / max(1, self.steps), 4),
            "grad_norm": round(self.gnorm.item() / max(1, self.steps), 3),
            "tokens_per_s": round(self.tokens / max(1e-9, self.seconds)),
            "ce_by_t_bucket": [round(a / n, 3) if n else None for a, n in zip(ce_sum, ce_n)],
        }
        self.reset()
        return out


@dataclass
class StepOut:
    loss: torch.Tensor
    gnorm: torch.Tensor
    t: torch.Tensor
    ce_per_token: torch.Tensor  # per sequence: mean CE over its masked tokens (unweighted)


def set_lr(s: Session, marks: dict, log=print) -> float:
    """The step's learning rate. Where this run's decay begins the weights are saved as the stable point: at
    the first step into it, again if a resume with a larger budget moved the decay later, and on resuming
    inside the decay if no point was kept."""
    cfg, progress = s.cfg, s.progress()
    lr = lr_at(cfg, s.step, progress)
    decaying = in_decay(cfg, s.step, progress)
    if decaying and s.rank == 0 and (not marks["decaying"] or not marks["stable_kept"]):
        save_stable(s)
        marks["stable_kept"] = True
        log(f"step {s.step}: learning-rate decay begins; weights saved as stable.pt")
    marks["decaying"] = decaying
    for g in s.opt.param_groups:
        g["lr"] = lr * g.get("lr_mult", 1.0)
    return lr


def train_step(s: Session, windows: Windows, gen: torch.Generator) -> StepOut:
    """One optimizer step on a fresh batch: mask at a stratified t, the weighted masked CE, clip, AdamW, EMA."""
    cfg, device = s.cfg, s.device
    x = windows.batch(cfg.batch_size).to(device, non_blocking=True)
    t = sample_t(x.shape[0], gen, device=device, dist=cfg.t_dist)
    noisy, masked = mask_tokens(x, t, MASK_ID, gen)
    with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cfg.bf16):
        logits = rounded_forward(s.model, noisy, masked) if cfg.qat else s.fwd(noisy, masked)
    per_seq = diffusion_loss(logits, x, masked, t, cfg.weight_cap, cfg.weighting, cfg.subs)
    loss = per_seq.mean()
    s.opt.zero_grad(set_to_none=True)
    loss.backward()
    gnorm = torch.nn.utils.clip_grad_norm_(s.model.parameters(), cfg.grad_clip)
    s.opt.step()
    if s.ema is not None:
        s.ema.update_parameters(s.model)
    with torch.no_grad():
        w = loss_weight(t, cfg.weight_cap, cfg.weighting)
        ce_per_token = per_seq.detach() * x.shape[1] / w / masked.sum(1).clamp(min=1)
    s.step += 1
    s.tokens_seen += x.numel() * s.world
    return StepOut(loss, gnorm, t, ce_per_token)


def log_progress(s: Session, meter: Meter, lr: float, governor: ThreadGovernor, record, log=print) -> None:
    rec = {"step": s.step, "lr": lr, **meter.read(), "tokens_seen": s.tokens_seen, "elapsed_s": round(s.elapsed, 1)}
    rec["cpu_s"] = round(s.cpu_elapsed, 1)
    rec |= {"threads": torch.get_num_threads(), "other_cores": round(governor.others, 2)}
    record(rec)
    log(
        f"step {s.step} loss {rec['loss']:.3f} lr {lr:.2e} {rec['tokens_per_s']:,} tok/s ({rec['threads']} threads)  "
        f"CE per t-bucket {rec['ce_by_t_bucket']}"
    )


def evaluate_now(s: Session, record, log=print) -> None:
    vb, vb_subs = validation_bounds(s.eval_model(), s.val_batches, s.device)
    s.best_val = min(s.best_val, vb)
    record(
        {
            "step": s.step,
            "val_bound": round(vb, 4),
            "val_bound_subs": round(vb_subs, 4),
            "elapsed_s": round(s.elapsed, 1),
            "cpu_s": round(s.cpu_elapsed, 1),
        }
    )
    log(f"step {s.step} validation bound {vb:.3f} nats/token ({vb_subs:.3f} over the tokens the sampler can emit)")


def loop(s: Session, stop: StopFlag, log=print) -> None:
    """Step until the budget (steps, or minutes of training: evaluation and checkpoints do not count) or a
    signal; then log, evaluate and checkpoint on their own schedules."""
    cfg, device = s.cfg, s.device
    windows = Windows(s.train_tokens, cfg.model.context, cfg.seed * 1000 + s.rank + s.step)
    gen = torch.Generator(device=device).manual_seed(cfg.seed * 7919 + s.rank + s.step)
    log_f = open(s.run / "train_log.jsonl", "a") if s.rank == 0 else None

    def record(rec: dict) -> None:
        if log_f:
            log_f.write(json.dumps(rec) + "\n")
            log_f.flush()

    def keep_going() -> bool:
        go = s.step < cfg.max_steps and s.elapsed < cfg.max_minutes * 60 and stop.signal is None
        go = go and not (cfg.max_cpu_minutes > 0 and s.cpu_elapsed >= cfg.max_cpu_minutes * 60)
        if s.distributed:  # every rank stops at the same step, or the others hang in all-reduce
            flag = torch.tensor([0 if go else 1], device=device)
            dist.all_reduce(flag, op=dist.ReduceOp.MAX)
            go = flag.item() == 0
        return go

    meter = Meter(device)
    governor = ThreadGovernor(
        cfg.threads if cfg.adaptive_threads and device.type == "cpu" else 1, torch.set_num_threads
    )
    if s.precision.get("measured"):
        record({"step": s.step, "precision": s.precision})
    marks = {"decaying": in_decay(cfg, s.step, s.progress()), "stable_kept": (s.run / "stable.json").exists()}
    last_ckpt = time.monotonic()
    s.model.train()
    while keep_going():
        lr = set_lr(s, marks, log)
        t0, c0 = time.perf_counter(), time.process_time()
        out = train_step(s, windows, gen)
        seconds = time.perf_counter() - t0
        s.elapsed += seconds
        s.cpu_elapsed += time.process_time() - c0
        meter.add(out, cfg.batch_size * cfg.model.context * s.world, seconds)
        governor.update()
        if s.step % cfg.log_every == 0 and s.rank == 0:
            log_progress(s, meter, lr, governor, record, log)
        if s.step % cfg.eval_every == 0 and s.rank == 0:
            evaluate_now(s, record, log)
        if time.monotonic() - last_ckpt > cfg.ckpt_minutes * 60:
            s.checkpoint()
            last_ckpt = time.monotonic()
    if log_f:
        log_f.close()


def summarize(s: Session) -> dict:
    """The run's final facts (train_summary.json and the last log line), after a last evaluation."""
    vb, vb_subs = validation_bounds(s.eval_model(), s.val_batches, s.device) if s.rank == 0 else (math.nan,) * 2
    on_cpu = s.device.type == "cpu"
    return {
        "steps": s.step,
        "tokens_seen": s.tokens_seen,
        "elapsed_s": round(s.elapsed, 1),
        "val_bound": vb,
        "val_bound_subs": vb_subs,
        "cpu_s": round(s.cpu_elapsed, 1),
        "params": s.model.num_params(),
        "ema_decay": s.cfg.ema_decay,
        "precision": s.precision,
        "cpu": describe_cpu() if on_cpu else None,
        "device": f"CPU ({s.cfg.threads} threads, torch {torch.__version__}, {describe_cpu()})"
        if on_cpu
        else torch.cuda.get_device_name(s.device),
    }


def train(run: Path, cfg: TrainConfig, fresh: bool = False, init: Path | None = None, log=print) -> dict:
    """Set up, resume (or warm-start from `init`), loop until the step/time budget or a signal, save."""
    s = setup(run, cfg, log)
    resume(s, fresh, init, log)
    (run / "train_config.json").write_text(json.dumps(cfg.to_dict(), indent=1))
    with StopFlag() as stop:
        loop(s, stop, log)
    if stop.signal is not None:
        log(f"stopped by signal {stop.signal} at step {s.step}; checkpoint saved, run again to resume")
    summary = summarize(s)
    s.checkpoint()
    if s.rank == 0:
        with open(run / "train_log.jsonl", "a") as f:
            f.write(json.dumps({"final": summary}) + "\n")
        (run / "train_summary.json").write_text(json.dumps(summary, indent=1))
    if s.distributed:
        dist.destroy_process_group()
    return summary
