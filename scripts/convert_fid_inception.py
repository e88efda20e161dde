#!/usr/bin/env python3
"""Converts pytorch-fid's FID Inception weights to safetensors for coverlab's standard `fid`/`kid`.

Usage: python scripts/convert_fid_inception.py pt_inception-2015-12-05-6726825d.pth \
           [--out models/pt_inception-2015-12-05-6726825d.safetensors]

The .pth is the file pytorch-fid downloads on first use (FID_WEIGHTS_URL in pytorch_fid/inception.py; it lands in
~/.cache/torch/hub/checkpoints/). coverlab looks for the converted file in $COVERLAB_MODELS_DIR (else <repo>/models/),
or takes it from eval.inception_weights / --inception.

Strict: every key the FID InceptionV3 needs up to pool3 must be present with its shape, else the script names the
missing keys and writes nothing. The 1008-class fc head and BatchNorm num_batches_tracked counters are dropped (FID
stops at pool3). Values are written as float32, unchanged.

Venv: python3 -m venv .venv-fid && .venv-fid/bin/pip install torch torchvision --index-url \
      https://download.pytorch.org/whl/cpu && .venv-fid/bin/pip install pytorch-fid==0.3.0 safetensors
"""
import argparse
import hashlib
import os
import pathlib
import sys

import torch
from safetensors.torch import save_file

import pytorch_fid.inception as pfi


def expected_layout():
    """Keys and shapes of pytorch-fid's fid_inception_v3 without downloading anything."""
    model = pfi._inception_v3(num_classes=1008, aux_logits=False, weights=None)
    model.Mixed_5b = pfi.FIDInceptionA(192, pool_features=32)
    model.Mixed_5c = pfi.FIDInceptionA(256, pool_features=64)
    model.Mixed_5d = pfi.FIDInceptionA(288, pool_features=64)
    model.Mixed_6b = pfi.FIDInceptionC(768, channels_7x7=128)
    model.Mixed_6c = pfi.FIDInceptionC(768, channels_7x7=160)
    model.Mixed_6d = pfi.FIDInceptionC(768, channels_7x7=160)
    model.Mixed_6e = pfi.FIDInceptionC(768, channels_7x7=192)
    model.Mixed_7b = pfi.FIDInceptionE_1(1280)
    model.Mixed_7c = pfi.FIDInceptionE_2(2048)
    return {k: tuple(v.shape) for k, v in model.state_dict().items()
            if not k.startswith("fc.") and not k.endswith("num_batches_tracked")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pth")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    src = pathlib.Path(args.pth)
    out = pathlib.Path(args.out) if args.out else src.with_suffix(".safetensors")
    state = torch.load(src, map_location="cpu", weights_only=True)
    if "state_dict" in state:
        state = state["state_dict"]
    layout = expected_layout()
    missing = [k for k in layout if k not in state]
    bad = [f"{k}: file {tuple(state[k].shape)}, expected {s}" for k, s in layout.items()
           if k in state and tuple(state[k].shape) != s]
    if missing or bad:
        print(f"{src}: not the FID Inception weights; nothing written", file=sys.stderr)
        for k in missing:
            print(f"  missing key: {k}", file=sys.stderr)
        for k in bad:
            print(f"  shape mismatch: {k}", file=sys.stderr)
        return 2
    tensors = {k: state[k].detach().to(torch.float32).contiguous() for k in layout}
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name("." + out.name + ".tmp")
    save_file(tensors, str(tmp), metadata={"format": "pt", "source": src.name, "source_sha256": sha})
    os.replace(tmp, out)
    print(f"wrote {out} ({len(tensors)} tensors, from {src.name} sha256 {sha[:12]}...)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
