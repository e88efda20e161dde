"""W&B format vectors from the wandb SDK itself (reference tooling; CI does not run it).

Needs the `wandb` package (tested with 0.31.0) plus numpy in the running Python. Writes <out>/wandb/:
  artifact.json  a two-file checkpoint folder, the SDK's manifest for it and its manifest digest
  history.json   what the SDK logs for a PNG image and a NaN metric (decoded from an offline run's .wandb file)
Usage: python scripts/refvectors/wandb_formats.py [--out harness/src/test/resources/conformance]
"""
import argparse
import base64
import glob
import json
import os
import pathlib
import struct
import sys
import tempfile

FILES = {"unet/diffusion_pytorch_model.safetensors": "weights", "state.json": "{}"}


def _records(raw):
    """Record payloads of a .wandb file: 7-byte header, LevelDB log framing in 32 KiB blocks."""
    pos, buf = 7, b""
    while pos + 7 <= len(raw):
        left = 32768 - (pos % 32768)
        if left < 7:
            pos += left
            continue
        _crc, length, kind = struct.unpack("<IHB", raw[pos:pos + 7])
        if length == 0 and kind == 0:
            pos += left
            continue
        payload = raw[pos + 7:pos + 7 + length]
        pos += 7 + length
        if kind == 1:
            yield payload
        elif kind == 2:
            buf = payload
        elif kind == 3:
            buf += payload
        elif kind == 4:
            yield buf + payload


def artifact_vector(work):
    import wandb
    root = pathlib.Path(work) / "ckpt"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    artifact = wandb.Artifact("model-abcd1234", type="model")
    artifact.add_dir(str(root))
    manifest = artifact.manifest
    return {"sdk": wandb.__version__, "files": FILES, "digest": manifest.digest(),
            "manifest": manifest.to_manifest_json()}


def history_vector(work):
    import numpy as np
    import wandb
    from wandb.proto import wandb_internal_pb2 as pb
    pixels = (np.arange(6 * 8 * 3).reshape(6, 8, 3) % 256).astype(np.uint8)
    run = wandb.init(project="covers", id="abcd1234", dir=work, config={"train": {"lr": 1e-4, "epochs": 8}})
    run.log({"loss": 0.5, "diverged": float("nan")}, step=9)
    run.log({"loss": 0.25, "samples/grid": wandb.Image(pixels, caption="fixed latents")}, step=10)
    run.finish()
    run_dir = glob.glob(os.path.join(work, "wandb", "offline-run-*"))[0]
    rows, config = [], {}
    for data in _records(open(glob.glob(os.path.join(run_dir, "run-*.wandb"))[0], "rb").read()):
        record = pb.Record()
        record.ParseFromString(data)
        kind = record.WhichOneof("record_type")
        if kind == "history":
            row = {}
            for item in record.history.item:
                keys = list(item.nested_key) or [item.key]
                node = row
                for key in keys[:-1]:
                    node = node.setdefault(key, {})
                node[keys[-1]] = item.value_json  # kept as the SDK's JSON text
            rows.append(row)
        elif kind == "run":
            config = {item.key: item.value_json for item in record.run.config.update if item.key != "_wandb"}
    png = glob.glob(os.path.join(run_dir, "files", "media", "images", "**", "*.png"), recursive=True)[0]
    return {"sdk": wandb.__version__, "rows": rows, "config": config,
            "png_base64": base64.b64encode(open(png, "rb").read()).decode(),
            "png_path": os.path.relpath(png, os.path.join(run_dir, "files"))}


def build(out):
    os.environ["WANDB_MODE"] = "offline"
    os.environ["WANDB_SILENT"] = "true"
    target = pathlib.Path(out) / "wandb"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        (target / "artifact.json").write_text(json.dumps(artifact_vector(work), indent=1, sort_keys=True) + "\n")
        (target / "history.json").write_text(json.dumps(history_vector(work), indent=1, sort_keys=True) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    here = pathlib.Path(__file__).resolve().parents[2]
    parser.add_argument("--out", default=str(here / "harness/src/test/resources/conformance"))
    build(parser.parse_args().out)
    sys.exit(0)
