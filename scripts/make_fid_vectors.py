#!/usr/bin/env python3
"""Conformance vectors for coverlab's FID/KID (reference tooling; CI never runs it, the outputs are committed).

What it records, into harness/src/test/resources/conformance/fid/:
  images/*.png        four small RGB images of odd sizes (seeded)
  vectors.json        pool3 features of those images from pytorch-fid's FID InceptionV3 (resize to 299x299 bilinear,
                      align_corners=False, then 2x-1) with deterministic weights (see det_uniform: no weights file is
                      committed, Java regenerates the same float32 values from the same formula); Fréchet distances of
                      generated feature sets computed by pytorch-fid's calculate_frechet_distance (scipy sqrtm);
                      unbiased polynomial-kernel MMD^2 as torchmetrics computes it (one subset = all vectors)
  numpy-stats.npz     statistics written by np.savez_compressed, as pytorch-fid's --save-stats does
  interop.json        the distance pytorch-fid computes between java-stats.npz (written by coverlab's Java writer, see
                      NpzInteropTest) and numpy-stats.npz, loading both through pytorch-fid's compute_statistics_of_path

Set up its own venv:  python3 -m venv .venv-fid && .venv-fid/bin/pip install torch torchvision --index-url \
    https://download.pytorch.org/whl/cpu && .venv-fid/bin/pip install pytorch-fid==0.3.0 scipy numpy pillow safetensors
Run:                  .venv-fid/bin/python scripts/make_fid_vectors.py
Checked with torch 2.15 (CPU), torchvision 0.29.2, pytorch-fid 0.3.0, scipy 1.17.1, numpy 2.4.6.
"""
import json
import pathlib
import sys
import zlib

import numpy as np
import torch
from PIL import Image

import pytorch_fid.inception as pfi
from pytorch_fid import fid_score

OUT = pathlib.Path(__file__).resolve().parent.parent / "harness/src/test/resources/conformance/fid"
SEED = 20151205
GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def splitmix(z):
    z = np.asarray(z, dtype=np.uint64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def det_uniform(name, n, seed=SEED):
    """n values in [-0.5, 0.5) from (seed, name): u_i = top 53 bits of splitmix(base + (i + 1) * golden) / 2^53 - 0.5.
    Only integer arithmetic and exact conversions, so Java reproduces every bit."""
    with np.errstate(over="ignore"):
        base = splitmix(np.uint64(seed) ^ np.uint64(zlib.crc32(name.encode("utf-8"))))
        i = np.arange(1, n + 1, dtype=np.uint64)
        z = splitmix(base + i * GOLDEN)
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53 - 0.5


def det_value(key, shape):
    """The deterministic value of one FID Inception state-dict entry (float64, cast to float32 by the caller)."""
    n = int(np.prod(shape))
    u = det_uniform(key, n)
    if key.endswith(".conv.weight"):
        fan_in = int(np.prod(shape[1:]))
        return u * (2.0 * np.sqrt(6.0 / fan_in))        # He-uniform: var 2 / fan_in keeps ReLU activations O(1)
    if key.endswith(".bn.weight"):
        return 1.0 + 0.2 * u
    if key.endswith(".bn.bias") or key.endswith(".bn.running_mean"):
        return 0.2 * u
    if key.endswith(".bn.running_var"):
        return 1.0 + 0.5 * u
    if key.startswith("fc."):
        return 0.01 * u
    raise ValueError("no rule for " + key)


def deterministic_state_dict(model):
    sd = {}
    for key, t in model.state_dict().items():
        if key.endswith("num_batches_tracked"):
            sd[key] = torch.zeros_like(t)
        else:
            v = det_value(key, tuple(t.shape)).astype(np.float32)
            sd[key] = torch.from_numpy(v.reshape(t.shape))
    return sd


def fid_inception():
    """pytorch-fid's InceptionV3 (FID variant, pool3) with the deterministic weights instead of the downloaded ones."""
    original = pfi.load_state_dict_from_url
    try:
        probe = pfi._inception_v3(num_classes=1008, aux_logits=False, weights=None)
        pfi.load_state_dict_from_url = lambda *a, **k: deterministic_state_dict(probe)
        model = pfi.InceptionV3([pfi.InceptionV3.BLOCK_INDEX_BY_DIM[2048]], resize_input=True,
                                normalize_input=True, use_fid_inception=True)
    finally:
        pfi.load_state_dict_from_url = original
    return model.eval()


def write_images():
    sizes = [(40, 56), (64, 64), (31, 47), (120, 90)]
    rng = np.random.RandomState(7)
    paths = []
    (OUT / "images").mkdir(parents=True, exist_ok=True)
    for k, (w, h) in enumerate(sizes):
        yy, xx = np.mgrid[0:h, 0:w]
        base = np.stack([xx * 255.0 / w, yy * 255.0 / h, (xx + yy) * 127.0 / (w + h)], axis=-1)
        img = np.clip(base + rng.randint(-40, 41, size=(h, w, 3)), 0, 255).astype(np.uint8)
        p = OUT / "images" / f"img{k}.png"
        Image.fromarray(img, mode="RGB").save(p)
        paths.append(p)
    return paths


def features_of(model, paths):
    # one image per batch: pytorch-fid's loader collates, and these images differ in size
    acts = fid_score.get_activations([str(p) for p in paths], model, batch_size=1, dims=2048, device="cpu",
                                     num_workers=0)
    return acts


def feature_set(name, n, d, mix):
    """n x d float64 features from det_uniform with per-column scales and shifts and a neighbour mix (exact in Java)."""
    u = det_uniform(name, n * d).reshape(n, d)
    j = np.arange(d)
    x = u * (1.0 + (j % 5) * 0.25) + (j % 3) * 0.1
    return x + mix * np.roll(x, -1, axis=1)


def stats(x):
    return np.mean(x, axis=0), np.cov(x, rowvar=False)


def kid_all(real, fake, degree=3, coef=1.0):
    """torchmetrics' poly_mmd on one subset holding every vector (order-free, so exact to compare)."""
    gamma = 1.0 / real.shape[1]
    k = lambda a, b: (a @ b.T * gamma + coef) ** degree
    kxx, kyy, kxy = k(real, real), k(fake, fake), k(real, fake)
    m = kxx.shape[0]
    value = ((kxx.sum() - np.trace(kxx)) + (kyy.sum() - np.trace(kyy))) / (m * (m - 1))
    return value - 2 * kxy.sum() / m ** 2


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    model = fid_inception()
    paths = write_images()
    acts = features_of(model, paths)
    print("features", acts.shape, "abs max", np.abs(acts).max(), "mean", acts.mean())

    cases = []
    for name, d, n1, n2, mix in [("full64", 64, 500, 400, 0.5), ("rankdef64", 64, 30, 40, 0.3),
                                 ("full256", 256, 600, 700, 0.4)]:
        x = feature_set(name + "/a", n1, d, mix)
        y = feature_set(name + "/b", n2, d, mix) * 1.1 + 0.05
        m1, s1 = stats(x)
        m2, s2 = stats(y)
        fid = float(fid_score.calculate_frechet_distance(m1, s1, m2, s2))
        case = {"name": name, "d": d, "n1": n1, "n2": n2, "mix": mix, "fid": fid}
        if n1 == n2 or min(n1, n2) <= 1000:
            m = min(n1, n2)
            case["kid_all"] = float(kid_all(x[:m], y[:m]))
        cases.append(case)
        print(name, fid, case.get("kid_all"))
        if name == "full64":
            np.savez_compressed(OUT / "numpy-stats.npz", mu=m1, sigma=s1)
            numpy_other = (m2, s2)

    vectors = {"seed": SEED, "images": [p.name for p in paths], "features": acts.astype(float).tolist(),
               "frechet": cases}
    (OUT / "vectors.json").write_text(json.dumps(vectors, indent=1) + "\n")

    java = OUT / "java-stats.npz"
    if java.exists():
        mj, sj = fid_score.compute_statistics_of_path(str(java), None, 1, 64, "cpu", 0)
        mn, sn = fid_score.compute_statistics_of_path(str(OUT / "numpy-stats.npz"), None, 1, 64, "cpu", 0)
        interop = {"java_vs_numpy_fid": float(fid_score.calculate_frechet_distance(mj, sj, mn, sn)),
                   "java_mu_shape": list(mj.shape), "java_sigma_shape": list(sj.shape),
                   "java_dtype": str(sj.dtype)}
        (OUT / "interop.json").write_text(json.dumps(interop, indent=1) + "\n")
        print("interop", interop)
    else:
        print("no java-stats.npz yet: run NpzInteropTest with -Dcoverlab.writeVectors=true, then this again")
    return 0


if __name__ == "__main__":
    sys.exit(main())
