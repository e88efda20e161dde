#!/usr/bin/env python3
"""Builds the conformance vectors the Java tests compare against (reference tooling; CI does not run it).

Usage: python scripts/make_reference_vectors.py [--out harness/src/test/resources/conformance] [--parts a,b]
Needs torch, diffusers, transformers, safetensors (CPU). Every part is seeded, so reruns give the same files.
"""
import argparse
import importlib
import pathlib
import sys

PARTS = ["refvectors.tokenizer_schedulers", "refvectors.models", "refvectors.loader_configs", "refvectors.training"]


def main() -> int:
    here = pathlib.Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(here.parent / "harness/src/test/resources/conformance"))
    parser.add_argument("--parts", default=",".join(p.split(".")[1] for p in PARTS),
                        help="comma-separated parts to rebuild (default: all, in order; later parts read the "
                             "tokenizer that tokenizer_schedulers writes)")
    args = parser.parse_args()
    wanted = args.parts.split(",")
    unknown = [w for w in wanted if "refvectors." + w not in PARTS]
    if unknown:
        parser.error(f"unknown part(s) {unknown}; parts: {[p.split('.')[1] for p in PARTS]}")
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in [p for p in PARTS if p.split(".")[1] in wanted]:
        module = importlib.import_module(name)
        print(f"== {name}")
        module.build(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
