#!/usr/bin/env bash
# Checks how `scripts/mlflow-server start` waits, against a stand-in for the mlflow executable (no MLflow needed, ~10 s):
# a server that exits fails start at once with its log tail; a slow server that keeps logging is waited for past the
# idle limit; a silent one is given up after the idle limit. Run by .ci/run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
trap 'COVERLAB_MLFLOW_VENV=$work COVERLAB_MLFLOW_DIR=$work/state "$ROOT/scripts/mlflow-server" stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$work/bin"
ln -s "$(command -v python3)" "$work/bin/python"
cat >"$work/bin/mlflow" <<'PY'
#!/usr/bin/env python3
import http.server, os, sys, time
mode = os.environ["FAKE_MODE"]
port = int(sys.argv[sys.argv.index("--port") + 1])
if mode == "die":
    print("ERROR: address already in use", flush=True)
    sys.exit(3)
if mode == "silent":
    time.sleep(600)
for i in range(5):  # a slow start that shows progress: 5 s of log lines, then serve /health
    print(f"INFO migration step {i}", flush=True)
    time.sleep(1)
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"OK")
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
PY
chmod +x "$work/bin/mlflow"
export COVERLAB_MLFLOW_VENV="$work" COVERLAB_MLFLOW_DIR="$work/state" COVERLAB_MLFLOW_PORT="${COVERLAB_TEST_PORT:-5391}"
fail() { echo "mlflow-server-start: FAIL: $*" >&2; exit 1; }

out="$(FAKE_MODE=die "$ROOT/scripts/mlflow-server" start 2>&1)" && fail "start succeeded for a server that exited"
grep -q "address already in use" <<<"$out" || fail "the log tail of the dead server was not shown: $out"
grep -q "server exited during start-up" <<<"$out" || fail "no 'exited' message: $out"

uri="$(FAKE_MODE=slow COVERLAB_MLFLOW_WAIT=2 "$ROOT/scripts/mlflow-server" start 2>/dev/null)" \
    || fail "start gave up on a server still logging progress after the 2 s idle limit"
[[ "$(COVERLAB_MLFLOW_WAIT=2 "$ROOT/scripts/mlflow-server" uri)" == "$uri" ]] || fail "uri does not answer $uri"
"$ROOT/scripts/mlflow-server" stop 2>/dev/null

start=$SECONDS
out="$(FAKE_MODE=silent COVERLAB_MLFLOW_WAIT=2 "$ROOT/scripts/mlflow-server" start 2>&1)" && fail "start succeeded for a silent server"
grep -q "without new log output" <<<"$out" || fail "no idle message: $out"
((SECONDS - start < 30)) || fail "a silent server was waited for $((SECONDS - start)) s with a 2 s idle limit"
echo "mlflow-server-start: ok (exit detected, progress waited for, silence given up)"
