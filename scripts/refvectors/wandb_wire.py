"""Captures what the wandb SDK itself sends over HTTP for a small run (reference tooling; CI does not run it).

Needs the `wandb` package (tested with 0.31.0) and numpy. Starts a stand-in W&B server on 127.0.0.1 (GraphQL answers
just rich enough for the SDK: ServerFeaturesQuery, UpsertBucket, CreateRunFiles; file_stream; signed-URL PUTs), runs
  init(project="covers", entity="lab", id="abcd1234", config={"train": {"lr": 1e-4}}),
  log loss at steps 1..3, an 8x6 image "grid" at step 4, print one console line, summary fid=42.5, finish(exit_code=0)
with a fake key, and writes <out>/wandb/sdk-wire.json: each request's method, path, Authorization and Content-Type,
and its JSON body (PUT bodies as their size). Then resumes that id (resume="allow") against a server that reports 4
history rows and 3 console lines, logs step 5 and one console line: <out>/wandb/sdk-wire-resume.json. Then logs a
folder of two files as artifact model-abcd1234 (type model, aliases latest and step-2) at step 2:
<out>/wandb/sdk-wire-artifact.json (with the upload PUTs' headers and the manifest's JSON). Last, with the SDK's run
metadata and system metrics on (sampled every second for 3.5 s): <out>/wandb/sdk-wire-metadata.json, with the text of
the uploaded wandb-metadata.json and config.yaml and the wandb-events.jsonl lines in the file stream.
Timestamps and runtimes differ per capture; tests compare shapes and offsets.
Usage: python scripts/refvectors/wandb_wire.py [--out harness/src/test/resources/conformance] [--part all|metadata]
(a venv for it: python3 -m venv /tmp/wandb-venv && /tmp/wandb-venv/bin/pip install wandb==0.31.0 numpy)
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
# Run files whose uploaded text the metadata capture keeps (the SDK's own run files).
TEXT_UPLOADS = {"/upload/wandb-metadata.json", "/upload/config.yaml"}
# What RunResumeStatus answers in the resume capture (None: the run does not exist yet).
EXISTING = {"bucket": None}
PREVIOUS_ROWS = [{"loss": 1.0 / s, "_step": s, "_runtime": 10.0 + s, "_timestamp": 1.7e9 + s} for s in range(1, 5)]


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
            entry["headers"] = sorted(self.headers.keys())
            if self.path.startswith("/upload-manifest/"):
                entry["body"] = json.loads(body)
            elif self.path.split("?")[0] in TEXT_UPLOADS:
                entry["text"] = body.decode("utf-8")
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
        if "RunResumeStatus" in query:
            return self._answer({"data": {"model": {"id": "p1", "name": "covers", "entity": {"id": "e1", "name": "lab"},
                                                    "bucket": EXISTING["bucket"]}}})
        if "viewer" in query:  # the public API's login check before log_artifact
            return self._answer({"data": {"viewer": {"id": "u1", "entity": "lab", "username": "lab", "email": None,
                                                     "flags": None, "teams": {"edges": []}}}})
        if "query ArtifactType" in query:  # log_artifact's check of the collection's type: a new collection
            return self._answer({"data": {"project": None}})
        if "mutation CreateArtifact " in query:
            return self._answer({"data": {"createArtifact": {"artifact": {
                "id": "art1", "state": "PENDING", "artifactSequence": {"latestArtifact": None}}}}})
        if "mutation CreateArtifactManifest " in query:
            port = self.server.server_address[1]
            upload = variables.get("includeUpload")
            file = {"id": "mf1", **({"uploadUrl": f"http://127.0.0.1:{port}/upload-manifest/art1?signature=abc",
                                      "uploadHeaders": ["X-Upload-Test:1"]} if upload else {})}
            return self._answer({"data": {"createArtifactManifest": {"artifactManifest": {"id": "man1", "file": file}}}})
        if "mutation CreateArtifactFiles " in query:
            port = self.server.server_address[1]
            specs = variables["input"]["artifactFiles"]
            edges = [{"node": {"storagePath": f"wandb_artifacts/{i}", "uploadUrl":
                               f"http://127.0.0.1:{port}/upload-artifact/art1/{s['name']}?signature=abc",
                               "uploadHeaders": ["X-Upload-Test:1"], "uploadMultipartUrls": None,
                               "artifact": {"id": s["artifactID"]}}} for i, s in enumerate(specs)]
            return self._answer({"data": {"createArtifactFiles": {"files": {"edges": edges}}}})
        if "mutation CommitArtifact " in query:
            return self._answer({"data": {"commitArtifact": {"artifact": {"id": "art1", "digest": "d"}}}})
        if "CreateRunFiles" in query:
            port = self.server.server_address[1]
            files = [{"name": f, "uploadUrl": f"http://127.0.0.1:{port}/upload/{f}?signature=abc"}
                     for f in variables.get("files", [])]
            return self._answer({"data": {"createRunFiles": {"runID": "storage1", "uploadHeaders": ["X-Upload-Test:1"],
                                                             "files": files}}})
        return self._answer({"data": {}})


def existing_run():
    """The server side of a run with 4 history rows (steps 1..4, runtime up to 14 s) and 3 console lines."""
    last = PREVIOUS_ROWS[-1]
    summary = {"loss": last["loss"], "_step": last["_step"], "_runtime": last["_runtime"],
               "_timestamp": last["_timestamp"], "_wandb": {"runtime": 14}}
    return {"id": "storage1", "name": "abcd1234", "displayName": "run", "summaryMetrics": json.dumps(summary),
            "logLineCount": 3, "historyLineCount": len(PREVIOUS_ROWS), "eventsLineCount": 0,
            "historyTail": json.dumps([json.dumps(r) for r in PREVIOUS_ROWS]), "eventsTail": "[]",
            "config": json.dumps({"train": {"value": {"lr": 1e-4}}}), "tags": [], "notes": None,
            "wandbConfig": json.dumps({"t": {"1": [], "5": "0.31.0"}})}


def start_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ.update({"WANDB_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}", "WANDB_API_KEY": FAKE_KEY,
                       "WANDB_SILENT": "true", "WANDB_DISABLE_CODE": "true", "WANDB_MODE": "online"})
    return server


def build_metadata(out):
    """The SDK's run metadata, config.yaml and system metrics, for a run that lives 3.5 s with a 1 s sampling interval."""
    import time
    import wandb
    CAPTURED.clear()
    EXISTING["bucket"] = None
    target = pathlib.Path(out) / "wandb"
    with tempfile.TemporaryDirectory() as work:
        run = wandb.init(project="covers", entity="lab", id="abcd1234", dir=work, config={"train": {"lr": 1e-4}},
                         settings=wandb.Settings(x_stats_sampling_interval=1.0))
        run.log({"loss": 1.0}, step=1)
        time.sleep(3.5)
        run.finish(exit_code=0)
    # The fields the SDK's run metadata can have (its EnvironmentRecord message, by their JSON names).
    from wandb.proto import wandb_internal_pb2
    fields = [f.json_name for f in wandb_internal_pb2.EnvironmentRecord.DESCRIPTOR.fields]
    write(target / "sdk-wire-metadata.json", wandb.__version__, {"environmentRecordFields": fields})


def build(out):
    import numpy as np
    import wandb
    target = pathlib.Path(out) / "wandb"
    target.mkdir(parents=True, exist_ok=True)
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
    write(target / "sdk-wire.json", wandb.__version__, {})

    # Resume: the same id with resume="allow" against a run the server already has; log step 5 and a console line.
    CAPTURED.clear()
    EXISTING["bucket"] = existing_run()
    with tempfile.TemporaryDirectory() as work:
        run = wandb.init(project="covers", entity="lab", id="abcd1234", dir=work, resume="allow",
                         settings=wandb.Settings(x_disable_stats=True, x_disable_meta=True))
        run.log({"loss": 0.1}, step=5)
        print("resumed line")
        run.finish(exit_code=0)
    write(target / "sdk-wire-resume.json", wandb.__version__, {"existing": EXISTING["bucket"]})

    # A checkpoint-like artifact: a folder of two files logged as model-abcd1234 with aliases latest and step-2.
    CAPTURED.clear()
    EXISTING["bucket"] = None
    with tempfile.TemporaryDirectory() as work:
        folder = pathlib.Path(work) / "ckpt"
        folder.mkdir()
        (folder / "checkpoint.json").write_text('{"step": 2}\n')
        (folder / "ema.bin").write_bytes(bytes(range(64)))
        run = wandb.init(project="covers", entity="lab", id="abcd1234", dir=work,
                         settings=wandb.Settings(x_disable_stats=True, x_disable_meta=True))
        run.log({"loss": 0.5}, step=2)
        artifact = wandb.Artifact("model-abcd1234", type="model", metadata={"step": 2})
        artifact.add_dir(str(folder))
        run.log_artifact(artifact, aliases=["latest", "step-2"])
        run.finish(exit_code=0)
    write(target / "sdk-wire-artifact.json", wandb.__version__, {})
    build_metadata(out)


def write(path, version, extra):
    path.write_text(json.dumps({"sdk": version, "key": FAKE_KEY, **extra, "requests": CAPTURED}, indent=1) + "\n")
    print(f"wrote {path} ({len(CAPTURED)} requests)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    here = pathlib.Path(__file__).resolve().parents[2]
    parser.add_argument("--out", default=str(here / "harness/src/test/resources/conformance"))
    parser.add_argument("--part", choices=["all", "metadata"], default="all")
    args = parser.parse_args()
    server = start_server()
    (build_metadata if args.part == "metadata" else build)(args.out)
    server.shutdown()
