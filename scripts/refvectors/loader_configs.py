"""Reference vectors for model-loading details the first model vectors do not reach (reference tooling).

Each configuration below is one where a loader could plausibly differ from diffusers 0.42 / transformers 5:
  models/unet_scales/     resnet_out_scale_factor=0.5 and mid_block_scale_factor=1.5 on the standard blocks:
                          diffusers hands resnet_out_scale_factor only to ResnetDownsampleBlock2D and the
                          SimpleCrossAttn blocks, so here it must change nothing; mid_block_scale_factor scales the
                          mid block's resnets;
  models/unet_nomid/      "mid_block_type": null, a valid UNet without a mid block (its config.json says null);
  models/pipeline_current/  a StableDiffusionPipeline written by pipe.save_pretrained() of the installed diffusers and
                          transformers as it is (tokenizer/ holds only tokenizer.json and tokenizer_config.json), with
                          a VAE shift_factor of 0.1, which StableDiffusionPipeline does not apply when decoding;
  models/io/pipeline_current.safetensors  its images with and without clip_skip=1 (applied to the prompt only,
                          never to the unconditional prompt, as StableDiffusionPipeline.encode_prompt does) and the
                          token ids its tokenizer gives the prompts.
Networks are a few thousand parameters each, so everything this part writes stays under 200 KB.
"""
import json
import pathlib

import torch

from refvectors.models import PIPELINE_PROMPTS, PIPELINE_SEEDS, SD15_DDIM, _perturb, _save_io, _seeded

SMALL_UNET = dict(sample_size=8, in_channels=4, out_channels=4, block_out_channels=(4, 8),
                  down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                  up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), layers_per_block=1, cross_attention_dim=8,
                  attention_head_dim=2, norm_num_groups=2)
UNET_CONFIGS = {
    "unet_scales": dict(SMALL_UNET, resnet_out_scale_factor=0.5, mid_block_scale_factor=1.5),
    "unet_nomid": dict(SMALL_UNET, mid_block_type=None),
}


def unet(out, name, seed):
    from diffusers import UNet2DConditionModel

    _seeded(seed)
    cfg = UNET_CONFIGS[name]
    model = _perturb(UNet2DConditionModel(**cfg).eval(), seed + 1)
    if name == "unet_nomid":
        assert model.mid_block is None
    model.save_pretrained(out / "models" / name, safe_serialization=True)
    g = torch.Generator().manual_seed(seed + 2)
    latents = torch.randn((2, 4, 6, 8), generator=g)
    text = torch.randn((2, 5, cfg["cross_attention_dim"]), generator=g)
    timesteps = torch.tensor([999.0, 37.0])
    with torch.no_grad():
        noise = model(latents, timesteps, encoder_hidden_states=text).sample
    _save_io(out, name, {"latents": latents, "timesteps": timesteps, "encoder_hidden_states": text,
                         "noise_pred": noise})


def _prompt_embeds_with_clip_skip(pipe, prompts, clip_skip):
    """StableDiffusionPipeline.encode_prompt's clip_skip branch, written out: hidden_states[-(clip_skip + 1)], then
    the final LayerNorm. Used where the pipeline's own branch fails (see _diffusers_clip_skip)."""
    ids = pipe.tokenizer(prompts, padding="max_length", max_length=pipe.tokenizer.model_max_length, truncation=True,
                         return_tensors="pt").input_ids
    out = pipe.text_encoder(ids, output_hidden_states=True)
    # transformers 5's CLIPTextModel holds final_layer_norm itself; diffusers still looks for .text_model (4.x)
    model = getattr(pipe.text_encoder, "text_model", pipe.text_encoder)
    return model.final_layer_norm(out.hidden_states[-(clip_skip + 1)])


def _diffusers_clip_skip(pipe, prompts, generators, **kw):
    """The pipeline's own clip_skip path; returns (images, None) or (None, the error it raised)."""
    try:
        with torch.no_grad():
            return pipe(prompt=prompts, generator=generators, clip_skip=1, **kw).images, None
    except Exception as e:  # noqa: BLE001 - recorded in the vectors' json as what diffusers did
        return None, f"{type(e).__name__}: {e}"


def pipeline_current(out, name, seed):
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    tokenizer = CLIPTokenizer.from_pretrained(str(out / "tokenizer" / "clip-small"))
    _seeded(seed)
    text = CLIPTextModel(CLIPTextConfig(vocab_size=len(tokenizer), hidden_size=8, intermediate_size=16,
                                        num_hidden_layers=3, num_attention_heads=2, max_position_embeddings=77,
                                        hidden_act="quick_gelu", bos_token_id=tokenizer.bos_token_id,
                                        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
                                        projection_dim=8))
    unet = UNet2DConditionModel(**SMALL_UNET)
    vae = AutoencoderKL(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 2,
                        up_block_types=("UpDecoderBlock2D",) * 2, block_out_channels=(4, 8), layers_per_block=1,
                        latent_channels=4, norm_num_groups=2, sample_size=16, scaling_factor=0.3, shift_factor=0.1)
    for i, m in enumerate((text, unet, vae)):
        _perturb(m.eval(), seed + 1 + i)
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text, tokenizer=tokenizer, unet=unet,
                                   scheduler=DDIMScheduler(**SD15_DDIM), safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    folder = out / "models" / name
    pipe.save_pretrained(folder, safe_serialization=True)
    saved_tokenizer = sorted(p.name for p in (folder / "tokenizer").iterdir())
    assert saved_tokenizer == ["tokenizer.json", "tokenizer_config.json"], saved_tokenizer
    # from here on everything comes from the saved folder, as a user loading it would get it
    pipe = StableDiffusionPipeline.from_pretrained(str(folder), safety_checker=None, requires_safety_checker=False)
    assert pipe.vae.config.shift_factor == 0.1
    prompts = [p for p in PIPELINE_PROMPTS for _ in PIPELINE_SEEDS]
    kw = dict(height=16, width=24, num_inference_steps=3, guidance_scale=3.0, output_type="np")

    def generators():
        return [torch.Generator().manual_seed(s) for _ in PIPELINE_PROMPTS for s in PIPELINE_SEEDS]

    with torch.no_grad():
        images = pipe(prompt=prompts, generator=generators(), **kw).images
        skip_embeds = _prompt_embeds_with_clip_skip(pipe, prompts, 1)
        # negative_prompt_embeds left to the pipeline: it encodes "" without clip_skip, exactly as with clip_skip=1
        images_skip = pipe(prompt_embeds=skip_embeds, generator=generators(), **kw).images
    own, error = _diffusers_clip_skip(pipe, prompts, generators(), **kw)
    if own is not None:
        assert torch.allclose(torch.from_numpy(own), torch.from_numpy(images_skip), atol=1e-6)
    ids = pipe.tokenizer(PIPELINE_PROMPTS, padding="max_length", max_length=pipe.tokenizer.model_max_length,
                         truncation=True, return_tensors="pt").input_ids
    _save_io(out, name, {"images": torch.from_numpy(images), "images_clip_skip_1": torch.from_numpy(images_skip),
                         "input_ids": ids.float()})
    import diffusers
    import transformers
    (out / "models" / "io" / f"{name}.json").write_text(json.dumps(
        {"prompts": PIPELINE_PROMPTS, "seeds": PIPELINE_SEEDS, "height": 16, "width": 24, "steps": 3,
         "guidance_scale": 3.0, "scheduler": "ddim", "saved_by": {"diffusers": diffusers.__version__,
                                                                  "transformers": transformers.__version__},
         "tokenizer_files": saved_tokenizer, "vae_shift_factor": 0.1, "vae_scaling_factor": 0.3,
         "diffusers_own_clip_skip": "works" if own is not None else error,
         "output": "images, images_clip_skip_1: (prompts x seeds, H, W, 3) in [0, 1]; input_ids: (prompts, 77)"},
        indent=2) + "\n")


def build(out: pathlib.Path):
    torch.set_num_threads(1)
    unet(out, "unet_scales", 70)
    unet(out, "unet_nomid", 80)
    pipeline_current(out, "pipeline_current", 90)
    total = sum(p.stat().st_size for n in ("unet_scales", "unet_nomid", "pipeline_current")
                for p in (out / "models" / n).rglob("*") if p.is_file())
    total += sum((out / "models" / "io" / f).stat().st_size for f in
                 ("unet_scales.safetensors", "unet_nomid.safetensors", "pipeline_current.safetensors",
                  "pipeline_current.json"))
    print(f"loader configurations: {total / 1024:.0f} KiB")
