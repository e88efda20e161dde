"""Reference vectors for the Java CLIP text encoder, UNet and VAE (diffusers / transformers are the reference).

Builds tiny random-initialised models with fixed seeds, saves each as a diffusers folder under
<out>/models/<name>/ and records inputs and outputs in <out>/models/io/<name>.safetensors.
Everything is fp32 and small so the committed files stay a few hundred KB.
"""
import json
import pathlib
import shutil

import torch
from safetensors.torch import save_file


def _seeded(seed):
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def _perturb(model, seed):
    """Default inits leave many tensors at exactly 0 or 1 (norm weights, biases, zero-init out projections),
    which would hide wrong indexing; spread every parameter a little so each one influences the output."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            p.add_(0.05 * torch.randn(p.shape, generator=g))
    return model


def _save_io(out, name, tensors):
    io = out / "models" / "io"
    io.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().contiguous().float() for k, v in tensors.items()}, str(io / f"{name}.safetensors"))


def clip(out, name, hidden_act, seed):
    from transformers import CLIPTextConfig, CLIPTextModel

    _seeded(seed)
    config = CLIPTextConfig(vocab_size=300, hidden_size=32, intermediate_size=64, num_hidden_layers=3,
                            num_attention_heads=4, max_position_embeddings=16, hidden_act=hidden_act,
                            layer_norm_eps=1e-5, bos_token_id=0, eos_token_id=1, pad_token_id=1,
                            projection_dim=32)
    model = _perturb(CLIPTextModel(config).eval(), seed + 1)
    model.save_pretrained(out / "models" / name, safe_serialization=True)
    ids = torch.randint(0, 300, (2, 16), generator=torch.Generator().manual_seed(seed + 2))
    with torch.no_grad():
        res = model(input_ids=ids, output_hidden_states=True)
    assert len(res.hidden_states) == 4
    skip1 = model.final_layer_norm(res.hidden_states[-2])
    _save_io(out, name, {"input_ids": ids.float(), "last_hidden_state": res.last_hidden_state,
                         "clip_skip_1": skip1})


UNET_CONFIGS = {
    # attention at two resolutions, conv projections, one head size for all blocks, two resnets per block
    "unet_a": dict(sample_size=8, in_channels=4, out_channels=4, block_out_channels=(8, 16, 16),
                   down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
                   up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
                   layers_per_block=2, cross_attention_dim=24, attention_head_dim=2, norm_num_groups=4),
    # linear projections, per-block head counts, two transformer layers, other timestep embedding flavour,
    # and an odd latent size so the up path must follow the skip connection's size
    "unet_b": dict(sample_size=8, in_channels=4, out_channels=4, block_out_channels=(8, 12),
                   down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
                   up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
                   layers_per_block=1, cross_attention_dim=20, attention_head_dim=(2, 3), norm_num_groups=4,
                   use_linear_projection=True, transformer_layers_per_block=2, flip_sin_to_cos=False,
                   freq_shift=1),
}
UNET_LATENT = {"unet_a": (2, 4, 8, 12), "unet_b": (2, 4, 7, 10)}


def unet(out, name, seed):
    from diffusers import UNet2DConditionModel

    _seeded(seed)
    cfg = UNET_CONFIGS[name]
    model = _perturb(UNet2DConditionModel(**cfg).eval(), seed + 1)
    model.save_pretrained(out / "models" / name, safe_serialization=True)
    g = torch.Generator().manual_seed(seed + 2)
    latents = torch.randn(UNET_LATENT[name], generator=g)
    text = torch.randn((2, 5, cfg["cross_attention_dim"]), generator=g)
    timesteps = torch.tensor([999.0, 37.0])
    with torch.no_grad():
        noise = model(latents, timesteps, encoder_hidden_states=text).sample
    _save_io(out, name, {"latents": latents, "timesteps": timesteps, "encoder_hidden_states": text,
                         "noise_pred": noise})


def vae(out, name, seed):
    from diffusers import AutoencoderKL

    _seeded(seed)
    model = AutoencoderKL(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 2,
                          up_block_types=("UpDecoderBlock2D",) * 2, block_out_channels=(8, 16),
                          layers_per_block=1, latent_channels=4, norm_num_groups=4, sample_size=16,
                          scaling_factor=0.18215)
    model = _perturb(model.eval(), seed + 1)
    model.save_pretrained(out / "models" / name, safe_serialization=True)
    g = torch.Generator().manual_seed(seed + 2)
    image = torch.rand((1, 3, 16, 24), generator=g) * 2 - 1
    latents = torch.randn((1, 4, 8, 12), generator=g)
    with torch.no_grad():
        posterior = model.encode(image).latent_dist
        sample = posterior.sample(generator=torch.Generator().manual_seed(1234))
        decoded = model.decode(latents).sample
    _save_io(out, name, {"image": image, "mean": posterior.mean, "logvar": posterior.logvar,
                         "sample_seed_1234": sample, "latents": latents, "decoded": decoded})


PIPELINE_PROMPTS = ["A book cover with author Jane Austen, book title Pride and Prejudice",
                    "photo of a cat sitting on a stack of old books"]
PIPELINE_SEEDS = [42, 7]
# SD1.5's scheduler_config.json
SD15_DDIM = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                 clip_sample=False, set_alpha_to_one=False, steps_offset=1, prediction_type="epsilon",
                 timestep_spacing="leading")


def pipeline(out, name, seed):
    """A whole StableDiffusionPipeline run (tokenizer, CLIP, CFG, DDIM, UNet, VAE) on the tokenizer helper's vocab."""
    from diffusers import (AutoencoderKL, DDIMScheduler, EulerDiscreteScheduler, PNDMScheduler,
                           StableDiffusionPipeline, UNet2DConditionModel)
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    tokenizer_dir = out / "tokenizer" / "clip-small"
    if not (tokenizer_dir / "vocab.json").exists():
        raise SystemExit(f"{tokenizer_dir} missing: run refvectors.tokenizer_schedulers first")
    tokenizer = CLIPTokenizer.from_pretrained(str(tokenizer_dir))
    _seeded(seed)
    text = CLIPTextModel(CLIPTextConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                                        num_hidden_layers=2, num_attention_heads=4, max_position_embeddings=77,
                                        hidden_act="quick_gelu", bos_token_id=tokenizer.bos_token_id,
                                        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
                                        projection_dim=32))
    unet = UNet2DConditionModel(sample_size=8, in_channels=4, out_channels=4, block_out_channels=(8, 16),
                                down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                                up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), layers_per_block=1,
                                cross_attention_dim=32, attention_head_dim=2, norm_num_groups=4)
    vae = AutoencoderKL(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 2,
                        up_block_types=("UpDecoderBlock2D",) * 2, block_out_channels=(8, 16), layers_per_block=1,
                        latent_channels=4, norm_num_groups=4, sample_size=16, scaling_factor=0.18215)
    for i, m in enumerate((text, unet, vae)):
        _perturb(m.eval(), seed + 1 + i)
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text, tokenizer=tokenizer, unet=unet,
                                   scheduler=DDIMScheduler(**SD15_DDIM), safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    pipe.save_pretrained(out / "models" / name, safe_serialization=True)
    # transformers 5 writes only tokenizer.json; keep the SD1.5 layout (vocab.json + merges.txt) the Java side reads
    saved = out / "models" / name / "tokenizer"
    shutil.rmtree(saved)
    shutil.copytree(tokenizer_dir, saved)
    prompts = [p for p in PIPELINE_PROMPTS for _ in PIPELINE_SEEDS]
    results = {}
    for kind, cls in [("ddim", DDIMScheduler), ("euler", EulerDiscreteScheduler), ("pndm", PNDMScheduler)]:
        # other schedulers are made from the folder's DDIM config, as from_config does when a user swaps them
        pipe.scheduler = cls.from_config(pipe.scheduler.config) if kind != "ddim" else DDIMScheduler(**SD15_DDIM)
        generators = [torch.Generator().manual_seed(s) for _ in PIPELINE_PROMPTS for s in PIPELINE_SEEDS]
        with torch.no_grad():
            images = pipe(prompt=prompts, height=16, width=24, num_inference_steps=4, guidance_scale=3.0,
                          generator=generators, output_type="np").images
        results["images" if kind == "ddim" else f"images_{kind}"] = torch.from_numpy(images)
    _save_io(out, name, dict(results, seeds=torch.tensor(PIPELINE_SEEDS).float()))
    (out / "models" / "io" / f"{name}.json").write_text(json.dumps(
        {"prompts": PIPELINE_PROMPTS, "seeds": PIPELINE_SEEDS, "height": 16, "width": 24, "steps": 4,
         "guidance_scale": 3.0, "schedulers": {"images": "ddim", "images_euler": "euler", "images_pndm": "pndm"},
         "output": "images*: (prompts x seeds, H, W, 3) in [0, 1]"},
        indent=2) + "\n")


SD15_UNET = dict(act_fn="silu", attention_head_dim=8, block_out_channels=[320, 640, 1280, 1280],
                 cross_attention_dim=768, down_block_types=["CrossAttnDownBlock2D"] * 3 + ["DownBlock2D"],
                 in_channels=4, layers_per_block=2, norm_num_groups=32, out_channels=4, sample_size=64,
                 up_block_types=["UpBlock2D"] + ["CrossAttnUpBlock2D"] * 3)
SD21_UNET = dict(SD15_UNET, attention_head_dim=[5, 10, 20, 20], cross_attention_dim=1024, use_linear_projection=True,
                 upcast_attention=True, sample_size=96)
SD_VAE = dict(block_out_channels=[128, 256, 512, 512], down_block_types=["DownEncoderBlock2D"] * 4, in_channels=3,
              latent_channels=4, layers_per_block=2, norm_num_groups=32, out_channels=3, sample_size=512,
              up_block_types=["UpDecoderBlock2D"] * 4)
SD15_TEXT = dict(vocab_size=49408, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                 num_attention_heads=12, max_position_embeddings=77, hidden_act="quick_gelu", projection_dim=768)
SD21_TEXT = dict(vocab_size=49408, hidden_size=1024, intermediate_size=4096, num_hidden_layers=23,
                 num_attention_heads=16, max_position_embeddings=77, hidden_act="gelu", projection_dim=512)


def full_size_layouts(out):
    """State-dict keys and shapes of the real SD1.5 / SD2.1 networks (built on the meta device: no memory, no
    download), so the Java models are proven to declare exactly the checkpoint layout a user's folder has."""
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    layouts = {}
    with torch.device("meta"):
        for name, cls, cfg in [("sd15_unet", UNet2DConditionModel, SD15_UNET),
                               ("sd21_unet", UNet2DConditionModel, SD21_UNET),
                               ("sd_vae", AutoencoderKL, SD_VAE)]:
            model = cls(**cfg)
            layouts[name] = {"config": dict(model.config), "keys": {k: list(v.shape) for k, v in
                                                                   model.state_dict().items()}}
        for name, cfg in [("sd15_text_encoder", SD15_TEXT), ("sd21_text_encoder", SD21_TEXT)]:
            model = CLIPTextModel(CLIPTextConfig(**cfg))
            layouts[name] = {"config": cfg, "keys": {k: list(v.shape) for k, v in model.state_dict().items()}}
    for v in layouts.values():
        v["config"] = {k: (list(x) if isinstance(x, tuple) else x) for k, x in v["config"].items()
                       if not k.startswith("_")}
    (out / "models" / "full_size_layouts.json").write_text(json.dumps(layouts, indent=1, sort_keys=True) + "\n")


def build(out: pathlib.Path):
    torch.set_num_threads(1)
    clip(out, "clip_quick_gelu", "quick_gelu", 10)
    clip(out, "clip_gelu", "gelu", 20)
    unet(out, "unet_a", 30)
    unet(out, "unet_b", 40)
    vae(out, "vae", 50)
    pipeline(out, "pipeline", 60)
    full_size_layouts(out)
    total = sum(p.stat().st_size for p in (out / "models").rglob("*") if p.is_file())
    print(f"models: {total / 1024:.0f} KiB under {out / 'models'}")
