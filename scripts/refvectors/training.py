"""Reference vectors for the training library (reference tooling; CI does not run it).

build(out) writes out/training/training.json and out/training/training.safetensors:
  adamw_*     torch.optim.AdamW on two seeded tensors for a few steps (default and non-default settings): the
              initial values, the gradient of each step, and the parameters and both moments after the last step;
  lr_*        diffusers.optimization.get_scheduler learning rates per update (constant_with_warmup, linear, cosine);
  ema_*       diffusers.training_utils.EMAModel shadow values after a few steps of changing weights.
Everything is seeded; reruns give identical files.
"""
import json
import pathlib

import torch
from safetensors.torch import save_file
from diffusers.optimization import get_scheduler
from diffusers.training_utils import EMAModel


def adamw_case(name, tensors, cfg, steps, seed, lr_per_step=None):
    g = torch.Generator().manual_seed(seed)
    params = [torch.nn.Parameter(torch.randn(n, generator=g)) for n in (37, 130)]
    out = {}
    for i, p in enumerate(params):
        out[f"{name}.p{i}.init"] = p.detach().clone()
    opt = torch.optim.AdamW(params, lr=cfg["lr"], betas=(cfg["beta1"], cfg["beta2"]), eps=cfg["eps"],
                            weight_decay=cfg["weight_decay"], foreach=False)
    for s in range(steps):
        if lr_per_step:
            for group in opt.param_groups:
                group["lr"] = lr_per_step[s]
        for i, p in enumerate(params):
            grad = torch.randn(p.shape, generator=g) * (10.0 ** (i - 1))
            p.grad = grad.clone()
            out[f"{name}.p{i}.grad{s}"] = grad
        opt.step()
    for i, p in enumerate(params):
        st = opt.state[p]
        out[f"{name}.p{i}.final"] = p.detach().clone()
        out[f"{name}.p{i}.exp_avg"] = st["exp_avg"].clone()
        out[f"{name}.p{i}.exp_avg_sq"] = st["exp_avg_sq"].clone()
    tensors.update(out)
    return dict(cfg, steps=steps, lr_per_step=lr_per_step)


def build(out):
    out = pathlib.Path(out) / "training"
    out.mkdir(parents=True, exist_ok=True)
    tensors = {}
    cases = {"adamw": {}, "lr": {}, "ema": {}}
    cases["adamw"]["default"] = adamw_case(
        "adamw_default", tensors, dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2), 5, 1)
    cases["adamw"]["custom"] = adamw_case(
        "adamw_custom", tensors, dict(lr=3e-2, beta1=0.8, beta2=0.95, eps=1e-6, weight_decay=0.1), 7, 2,
        lr_per_step=[0.0, 0.01, 0.02, 0.03, 0.025, 0.01, 0.005])

    for kind, name in [("constant_with_warmup", "constant"), ("linear", "linear"), ("cosine", "cosine")]:
        for warmup in (0, 4):
            p = torch.nn.Parameter(torch.zeros(1))
            opt = torch.optim.AdamW([p], lr=2e-4)
            sched = get_scheduler(kind, optimizer=opt, num_warmup_steps=warmup, num_training_steps=17)
            lrs = []
            for _ in range(17):
                lrs.append(opt.param_groups[0]["lr"])
                opt.step()
                sched.step()
            cases["lr"][f"{name}_w{warmup}"] = dict(kind=name, peak=2e-4, warmup=warmup, total=17, lrs=lrs)

    g = torch.Generator().manual_seed(3)
    p = torch.nn.Parameter(torch.randn(50, generator=g))
    ema = EMAModel([p], decay=0.95)
    tensors["ema.init"] = p.detach().clone()
    for s in range(12):
        with torch.no_grad():
            p.add_(torch.randn(50, generator=g) * 0.1)
        tensors[f"ema.weights{s}"] = p.detach().clone()
        ema.step([p])
    tensors["ema.shadow"] = ema.shadow_params[0].clone()
    cases["ema"] = dict(decay=0.95, steps=12)

    save_file({k: v.contiguous() for k, v in tensors.items()}, str(out / "training.safetensors"))
    (out / "training.json").write_text(json.dumps(cases, indent=1) + "\n")
    print(f"wrote {out}")
