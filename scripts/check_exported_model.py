#!/usr/bin/env python3
"""Loads a folder written by `coverlab model export` with diffusers' StableDiffusionPipeline and generates an image.

Reference tooling; CI does not run it. Make its venv with:
    python3 -m venv .venv && .venv/bin/pip install torch diffusers transformers safetensors pillow
Usage:
    .venv/bin/python scripts/check_exported_model.py EXPORTED_FOLDER [--out image.png] [--size 64x96] [--steps 4]
Exit status 0 when the pipeline loads (every weight present, no unexpected keys) and produces a finite image.
"""
import argparse
import sys

import numpy as np
import torch
from diffusers import StableDiffusionPipeline


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--out", default="exported-check.png")
    parser.add_argument("--size", default="64x96", help="WIDTHxHEIGHT, multiples of the VAE factor times 4")
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--prompt", default="A book cover with author Jane Austen, book title Pride and Prejudice")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    # low_cpu_mem_usage=False: load every tensor eagerly, so a missing or mismatched key fails here
    pipe = StableDiffusionPipeline.from_pretrained(args.folder, safety_checker=None, requires_safety_checker=False,
                                                   low_cpu_mem_usage=False)
    generator = torch.Generator().manual_seed(42)
    image = pipe(args.prompt, num_inference_steps=args.steps, height=height, width=width, generator=generator,
                 output_type="np").images[0]
    if not np.isfinite(image).all():
        print("the generated image has non-finite values", file=sys.stderr)
        return 1
    from PIL import Image
    Image.fromarray((image * 255).round().astype("uint8")).save(args.out)
    print(f"loaded {args.folder}: unet {sum(p.numel() for p in pipe.unet.parameters())} parameters, text encoder "
          f"{sum(p.numel() for p in pipe.text_encoder.parameters())}; generated {image.shape[1]}x{image.shape[0]} "
          f"image in {args.steps} steps -> {args.out} (mean {image.mean():.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
