"""Captures what the wandb SDK itself sends over HTTP for a small run (reference tooling; CI does not run it).

Needs the `wandb` package (tested with 0.31.0) and numpy. Starts a stand-in W&B server on 127.0.0.1 (GraphQL answers
just rich enough for the SDK: ServerFeaturesQuery, UpsertBucket, CreateRunFiles; file_stream; signed-URL PUTs), runs
  init(project="covers", entity="lab", id="abcd1234", config={"train": {"lr": 1e-4}}),
  log loss at steps 1..3, an 8x6 image "grid" at step 4, print one console line, summary fid=42.5, finish(exit_code=0)
with a fake key, and writes <out>/wandb/sdk-wire.json: each request's method, path, Authorization and Content-Type,
and its JSON body (PUT bodies as their size). Timestamps and runtimes differ per capture; tests compare shapes.
Usage: python scripts/refvectors/wandb_wire.py [--out harness/src/test/resources/conformance]
"""
import argparse
import json
import os
import pathlib
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAKE_KEY = "fakekey0123456789abcdef0123456789abcdef01"
CAPTURED = []


class StandIn(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self, payload):
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _capture(self, body):
        if self.path.startswith("/sdk/"):
            return  # the SDK's own telemetry, not part of the W&B API
        entry = {"method": self.command, "path": self.path.split("?")[0],
                 "authorization": self.headers.get("Authorization"), "contentType": self.headers.get("Content-Type"),
                 "uploadHeader": self.headers.get("X-Upload-Test")}
        if self.command == "PUT":
            entry["bodySize"] = len(body)
        else:
            entry["body"] = json.loads(body) if body else None
        CAPTURED.append(entry)

    def do_PUT(self):
        self._capture(self._body())
        self._answer({})

    def do_POST(self):
        body = self._body()
        self._capture(body)
        if not self.path.startswith("/graphql"):
            return self._answer({"exitcode": None, "limits": {}})
        request = json.loads(body)
        query, variables = request.get("query", ""), request.get("variables") or {}
        if "serverInfo" in query:
            return self._answer({"data": {"serverInfo": {"features": []}}})
        if "UpsertBucket" in query:
            project = {"id": "p1", "name": variables.get("project"), "entity": {"id": "e1", "name": "lab"}}
            return self._answer({"data": {"upsertBucket": {"inserted": True, "bucket": {
                "id": "storage1", "name": variables.get("name"), "displayName": "run", "description": None,
                "config": "{}", "sweepName": None, "historyLineCount": 0, "project": project}}}})
        if "CreateRunFiles" in query:
            port = self.server.server_address[1]
            files = [{"name": f, "uploadUrl": f"http://127.0.0.1:{port}/upload/{f}?signature=abc"}
                     for f in variables.get("files", [])]
            return self._answer({"data": {"createRunFiles": {"runID": "storage1", "uploadHeaders": ["X-Upload-Test:1"],
                                                             "files": files}}})
        return self._answer({"data": {}})


def build(out):
    import numpy as np
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ.update({"WANDB_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}", "WANDB_API_KEY": FAKE_KEY,
                       "WANDB_SILENT": "true", "WANDB_DISABLE_CODE": "true", "WANDB_MODE": "online"})
    import wandb
    with tempfile.TemporaryDirectory() as work:
        run = wandb.init(project="covers", entity="lab", id="abcd1234", dir=work, config={"train": {"lr": 1e-4}},
                         settings=wandb.Settings(x_disable_stats=True, x_disable_meta=True))
        for step in range(1, 4):
            run.log({"loss": 1.0 / step}, step=step)
        pixels = (np.arange(6 * 8 * 3).reshape(6, 8, 3) % 256).astype(np.uint8)
        run.log({"grid": wandb.Image(pixels)}, step=4)
        print("line to console")
        run.summary["fid"] = 42.5
        run.finish(exit_code=0)
    server.shutdown()
    target = pathlib.Path(out) / "wandb"
    target.mkdir(parents=True, exist_ok=True)
    (target / "sdk-wire.json").write_text(json.dumps({"sdk": wandb.__version__, "key": FAKE_KEY, "requests": CAPTURED},
                                                     indent=1) + "\n")
    print(f"wrote {target / 'sdk-wire.json'} ({len(CAPTURED)} requests)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    here = pathlib.Path(__file__).resolve().parents[2]
    parser.add_argument("--out", default=str(here / "harness/src/test/resources/conformance"))
    build(parser.parse_args().out)
