"""Extracts the wandb SDK's own GraphQL operation documents (reference tooling; CI does not run it).

The SDK's Go core (`wandb/bin/wandb-core` in the wandb wheel) is built with genqlient, which embeds every operation it
sends as a string literal: "\nmutation UpsertBucket (...) {...}" followed by the fragments it uses. This script finds
each "query NAME" / "mutation NAME" document in the binary, cuts it at its matching closing brace (and takes the
"fragment ... on ..." blocks that follow it), and writes them, keyed by operation name, to
harness/src/test/resources/conformance/wandb/sdk-graphql.json. coverlab's conformance test
(SdkGraphqlConformance) checks every document coverlab sends against these.

Needs the wandb wheel (no other package):
    python3 -m venv .venv-wandb && .venv-wandb/bin/pip install 'wandb==0.31.*'
    .venv-wandb/bin/python scripts/refvectors/wandb_graphql.py [--out FILE]
(The same documents are the *.graphql files under core/api/graphql/ in the wandb repository.)
"""
import argparse
import json
import pathlib
import re


def documents(binary):
    text = binary.decode("latin-1")
    found = {}
    for m in re.finditer(r"\n(mutation|query) (\w+) ?[({]", text):
        start = m.start() + 1
        end = closing_brace(text, start)
        doc = text[start:end]
        while True:  # fragments genqlient appends after the operation
            f = re.match(r"\nfragment \w+ on \w+ \{", text[end:])
            if not f:
                break
            fragment_end = closing_brace(text, end + 1)
            doc += "\n" + text[end + 1:fragment_end]
            end = fragment_end
        found.setdefault(m.group(2), doc)
    return found


def closing_brace(text, start):
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    raise ValueError("unbalanced document at %d" % start)


def main():
    import wandb
    here = pathlib.Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(here / "harness/src/test/resources/conformance/wandb/sdk-graphql.json"))
    out = pathlib.Path(parser.parse_args().out)
    core = pathlib.Path(wandb.__file__).parent / "bin" / "wandb-core"
    docs = documents(core.read_bytes())
    out.write_text(json.dumps({"sdk": wandb.__version__, "source": "wandb/bin/wandb-core",
                               "operations": dict(sorted(docs.items()))}, indent=1) + "\n")
    print(f"wrote {out}: {len(docs)} operations from wandb {wandb.__version__}")


if __name__ == "__main__":
    main()
