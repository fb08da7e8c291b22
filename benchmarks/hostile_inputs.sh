#!/bin/bash
# Hostile inputs, timed as a user meets them: the CLI as a process, the web through `dlrig serve`.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT; cd "$WORK"
cp "$ROOT/tests/corpus/alias-bomb.yaml" .
python -c "open('wide.md','w').write('Type|Item|Price\n:--|:--|:--\n**CPU** | ' + 'x'*1_000_000 + ' | \$1\n')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in "--help" "check alias-bomb.yaml --json" "check wide.md --json" "catalog search foo --limit -1 --json" \
         "plan --budget 5000 --model llama-3-8b --qlora --json"; do
  for i in 1 2 3; do
    /usr/bin/time -f "%e s, max RSS %M KB" -o t dlrig $c > out.json 2> /dev/null; code=$?
    strict=$(python -c "import json,sys; json.loads(open('out.json').read() or 'x', parse_constant=lambda c: 1/0); print('one strict JSON document')" 2>/dev/null || echo "stdout NOT one strict JSON document")
    echo "dlrig $c: exit $code, $(cat t), $strict"
  done
done
PORT=$(python -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
dlrig serve --port $PORT 2> serve.log & SERVER=$!
for i in $(seq 60); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 1; done
python - "$PORT" <<'PY'
import json, socket, sys, time, http.client
port = int(sys.argv[1])
def post(name, body):
    for _ in range(3):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        t = time.perf_counter()
        c.request("POST", "/api/check", body=body, headers={"Content-Type": "application/json"})
        r = c.getresponse(); data = r.read()
        print(f"web POST /api/check {name}: HTTP {r.status} in {time.perf_counter() - t:.3f} s, "
              f"{json.loads(data).get('kind')}")
post("alias bomb", json.dumps({"build": open("alias-bomb.yaml").read()}))
post("1 MB single-line list", json.dumps({"build": open("wide.md").read()}))
for _ in range(3):
    s = socket.create_connection(("127.0.0.1", port))
    t = time.perf_counter()
    s.sendall(b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n")
    s.sendall(b"x" * 65536)
    first = s.recv(4096).split(b"\r\n")[0].decode()
    print(f"web POST /api/check with a 100 MB body (Content-Length): {first} in {time.perf_counter() - t:.3f} s")
    s.close()
PY
kill -TERM $SERVER; wait $SERVER
