#!/usr/bin/env bash
# Memory Sipway holds per idle WSS connection: the gateway example (examples/cfg/webrtc-gateway.cfg)
# runs with a throw-away certificate, N SIP-over-WebSocket clients connect over TLS, register and stay idle,
# and the proxy's heap after a full GC (jcmd GC.run, GC.heap_info) and its RSS are compared with
# and without them.
#
# Usage: benchmarks/ws-idle-memory.sh [N=1000]      prints: connections=N heap_per_conn_bytes=... rss_per_conn_bytes=...
set -euo pipefail
N=${1:-1000}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d)
PID=""
CLIENTS=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; [ -n "$CLIENTS" ] && kill $CLIENTS 2>/dev/null; rm -rf "$WORK"' EXIT
cd "$ROOT"
[ -f proxy-app/target/sipway.jar ] || mvn -q -B -ntp -DskipTests -pl proxy-app -am package
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1
sed -e 's/!SIP_PORT!5060!/!SIP_PORT!5460!/; s/!WS_PORT!8080!/!WS_PORT!8460!/; s/!WSS_PORT!4443!/!WSS_PORT!8461!/' \
  examples/cfg/webrtc-gateway.cfg > "$WORK/gw.cfg"
printf '[server:default]\nmethod = TLSv1.2+\ncertificate = cert.pem\nprivate_key = key.pem\n' > "$WORK/tls.cfg"
java -jar proxy-app/target/sipway.jar -f "$WORK/gw.cfg" > "$WORK/gw.log" 2>&1 &
PID=$!
for i in $(seq 1 100); do ss -Hltn 'sport = :8461' | grep -q . && break; sleep 0.1; done
sleep 1
heap() { jcmd "$PID" GC.run >/dev/null; sleep 1; jcmd "$PID" GC.heap_info | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }
H0=$(heap); R0=$(rss)
mkfifo "$WORK/in"
java benchmarks/tools/WsIdleClients.java wss://127.0.0.1:8461/ "$N" < "$WORK/in" > "$WORK/clients.out" 2>&1 &
CLIENTS=$!
exec 3> "$WORK/in"
for i in $(seq 1 600); do grep -q '^open' "$WORK/clients.out" 2>/dev/null && break; sleep 0.1; done
grep '^open' "$WORK/clients.out" || { echo "clients did not connect:"; cat "$WORK/clients.out"; exit 1; }
sleep 2
H1=$(heap); R1=$(rss)
echo >&3
echo "connections=$N $(grep -o 'registered [0-9]*' "$WORK/clients.out" | tr ' ' '=') heap_before_kib=$H0 heap_after_kib=$H1 heap_per_conn_bytes=$(( (H1 - H0) * 1024 / N ))" \
     "rss_before_kib=$R0 rss_after_kib=$R1 rss_per_conn_bytes=$(( (R1 - R0) * 1024 / N ))"
