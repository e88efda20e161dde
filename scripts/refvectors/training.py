"""Reference vectors for the training library (reference tooling; CI does not run it).

build(out) writes out/training/training.json and out/training/training.safetensors:
  adamw_*     torch.optim.AdamW on two seeded tensors for a few steps (default and non-default settings): the
              initial values, the gradient of each step, and the parameters and both moments after the last step;
  lr_*        diffusers.optimization.get_scheduler learning rates per update (constant_with_warmup, linear, cosine);
  ema_*       diffusers.training_utils.EMAModel shadow values after a few steps of changing weights;
and out/training/backward.safetensors (see backward()).
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
    backward(out.parent, out.parent / "models" / "pipeline")
    print(f"wrote {out}")


def backward(out, model_dir):
    """Gradients of the denoising loss through the whole model, from diffusers and transformers.

    The committed tiny pipeline folder (conformance/models/pipeline): token ids -> CLIPTextModel -> last hidden state
    -> UNet2DConditionModel(noisy latents, timesteps, states) -> MSE to the noise; then loss.backward(). Writes the
    inputs, the loss and the full gradients of a few UNet and text-encoder tensors (cross-attention keys and values,
    the input convolution, a transformer's output projection, the token embedding, a self-attention projection, the
    final layer norm) to out/training/backward.safetensors. A Java test replays the same forward and compares its
    autograd gradients: text-encoder training relies on them passing through the frozen UNet.
    """
    from diffusers import UNet2DConditionModel
    from transformers import CLIPTextModel

    out = pathlib.Path(out) / "training"
    unet = UNet2DConditionModel.from_pretrained(model_dir / "unet").float()
    te = CLIPTextModel.from_pretrained(model_dir / "text_encoder").float()
    g = torch.Generator().manual_seed(7)
    vocab = te.config.vocab_size
    ids = torch.randint(0, vocab - 2, (2, 77), generator=g)
    ids[:, 0] = te.config.bos_token_id
    ids[:, 9:] = te.config.eos_token_id
    size = unet.config.sample_size
    lat = torch.randn(2, unet.config.in_channels, size, size, generator=g)
    noise = torch.randn(2, unet.config.in_channels, size, size, generator=g)
    t = torch.tensor([911, 87])
    states = te(ids)[0]
    eps = unet(lat, t, states).sample
    loss = ((eps - noise) ** 2).mean()
    loss.backward()
    tensors = {"ids": ids.float(), "latents": lat, "noise": noise, "timesteps": t.float(),
               "loss": loss.detach().reshape(1)}
    unet_params = dict(unet.named_parameters())
    for n in ["conv_in.weight", "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight",
              "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_v.weight",
              "down_blocks.0.attentions.0.proj_out.weight", "conv_out.bias"]:
        if n in unet_params:
            tensors["unet." + n] = unet_params[n].grad.detach().contiguous()
    te_params = {n.replace("text_model.", ""): p for n, p in te.named_parameters()}
    for n in ["embeddings.token_embedding.weight", "encoder.layers.0.self_attn.q_proj.weight",
              "encoder.layers.1.mlp.fc2.weight", "final_layer_norm.weight"]:
        tensors["text_encoder." + n] = te_params[n].grad.detach().contiguous()
    save_file(tensors, str(out / "backward.safetensors"))
