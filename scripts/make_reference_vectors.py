#!/usr/bin/env python3
"""Builds the conformance vectors the Java tests compare against (reference tooling; CI does not run it).

Usage: python scripts/make_reference_vectors.py [--out harness/src/test/resources/conformance]
Needs torch, diffusers, transformers, safetensors (CPU). Every part is seeded, so reruns give the same files.
"""
import argparse
import importlib
import pathlib
import sys

PARTS = ["refvectors.tokenizer_schedulers", "refvectors.models", "refvectors.training"]


def main() -> int:
    here = pathlib.Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(here.parent / "harness/src/test/resources/conformance"))
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in PARTS:
        module = importlib.import_module(name)
        print(f"== {name}")
        module.build(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
