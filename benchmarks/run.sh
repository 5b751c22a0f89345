#!/usr/bin/env bash
# Sipway's benchmarks in one command.
#
#   benchmarks/run.sh jmh  [--smoke]   the JMH suite (ConnectionLookup, Parser, CfgExec, Transaction):
#                                      benchmarks/results/jmh.json (JMH's JSON) and jmh.md (a table)
#   benchmarks/run.sh load [--smoke]   SIPp side by side, Sipway then Kamailio 5.6.3 when installed, over
#                                      udp and tcp callers (benchmarks/peers/relay.cfg, the callee on
#                                      udp; SIPp scenarios of examples/sipp) and the WSS gateway path
#                                      (examples/cfg/webrtc-gateway.cfg, browsers on WSS, SIPp on UDP):
#                                      benchmarks/results/load.csv, load.md and load-{udp,tcp,wss}.png
#
# load: each proxy gets the same ramp of offered rates, STEP_SECONDS each. A step records the
# completed rate (successful calls per second of the time SIPp really took when that is over
# STEP_SECONDS + 0.5 s: its start and end take some milliseconds),
# the failed (or unfinished) calls in percent and how long SIPp took; a path's ramp stops after two
# steps with more than 5% failed. The top rate is the highest step with under 0.1% failed and at
# least 95% of the offered rate completed (as compare-kamailio.sh); when that is the ramp's last
# step the table says ">=" (the proxy was not stopped). Then one more step at half the top rate
# with SIPp's -trace_rtt gives the INVITE-to-200 response time's p50 and p99. SIPp shares the
# machine with the proxy: compare ratios.
#
# --smoke: seconds, not minutes; a check that everything runs (CI), written to benchmarks/target/smoke.
#
# Environment (defaults): RESULTS=benchmarks/results  STEP_SECONDS=5  PATHS="udp tcp wss"
#   RATES_UDP="500 1000 2000 3000 4000 5000 6000 7000 8000 10000 12000"  RATES_TCP=(the same)
#   RATES_WSS="200 500 1000 1500 2000 3000 4000 5000 6000 7000"  BROWSERS=200  PROXIES="sipway kamailio"
#   KAMAILIO=kamailio  SIPP_BUFFER=4194304 (SIPp's -buff_size)
#   KEEP=1 keeps the work directory (logs of proxies, SIPp and browsers)
# What the machine lacks (Java 17, Maven, SIPp, ss, openssl, bc) is installed from Debian's archive
# when run as root; Kamailio is never installed: without it, Sipway is measured alone.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RELAY_CFG=$HERE/peers/relay.cfg        # the benchmark relay (the tests run the same file)
SCENARIOS=$ROOT/examples/sipp           # uac_rr.xml, uas_rr.xml: calls along the route set, as README shows
MODE=${1:-}
SMOKE=""
[ "${2:-}" = "--smoke" ] && SMOKE=1
case "$MODE" in
  jmh|load) ;;
  *) echo "usage: benchmarks/run.sh jmh|load [--smoke]" >&2; exit 2 ;;
esac
if [ -n "$SMOKE" ]; then RESULTS=${RESULTS:-$ROOT/benchmarks/target/smoke}; else RESULTS=${RESULTS:-$ROOT/benchmarks/results}; fi
mkdir -p "$RESULTS"
cd "$ROOT"

# install_missing TOOL=PACKAGE...: a fresh machine gets what it lacks from Debian's archive (as root),
# anywhere else the missing tool is named and the run stops
install_missing() {
  local want=() pair
  for pair in "$@"; do command -v "${pair%%=*}" >/dev/null 2>&1 || want+=("${pair#*=}"); done
  [ ${#want[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: installing ${want[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}" >/dev/null
  else
    echo "run.sh: please install ${want[*]} (Debian package names)" >&2; exit 2
  fi
}
install_missing java=openjdk-17-jdk-headless mvn=maven

BENCH_JAR=benchmarks/target/benchmarks.jar
SIPWAY_JAR=proxy-app/target/sipway.jar
if [ ! -f "$BENCH_JAR" ] || [ ! -f "$SIPWAY_JAR" ] || [ -n "${BUILD:-}" ]; then
  mvn -q -B -ntp -DskipTests package -pl benchmarks,proxy-app -am
fi

if [ "$MODE" = jmh ]; then
  java -cp "$BENCH_JAR" io.sipway.bench.Suite "$RESULTS" ${SMOKE:+--smoke}
  echo "wrote $RESULTS/jmh.json and $RESULTS/jmh.md"
  exit 0
fi

# ---- load ------------------------------------------------------------------------------------------
install_missing sipp=sip-tester ss=iproute2 openssl=openssl bc=bc
[ -f "$RELAY_CFG" ] || { echo "run.sh load: $RELAY_CFG missing" >&2; exit 2; }
STEP_SECONDS=${STEP_SECONDS:-5}
PATHS=${PATHS:-udp tcp wss}
RATES_UDP=${RATES_UDP:-500 1000 2000 3000 4000 5000 6000 7000 8000 10000 12000}
RATES_TCP=${RATES_TCP:-$RATES_UDP}
RATES_WSS=${RATES_WSS:-200 500 1000 1500 2000 3000 4000 5000 6000 7000}
BROWSERS=${BROWSERS:-200}
PROXIES=${PROXIES:-sipway kamailio}
KAMAILIO=${KAMAILIO:-kamailio}
# SIPp's socket buffers (its default, 64 KiB, overflows under a burst while SIPp shares the cores:
# the lost replies then look like the proxy's failures); the kernel caps it at net.core.rmem_max
SIPP_BUFFER=${SIPP_BUFFER:-4194304}
if [ -n "$SMOKE" ]; then
  STEP_SECONDS=2; RATES_UDP="50 100"; RATES_TCP="50"; RATES_WSS="20"; BROWSERS=20; PROXIES=sipway
fi
WORK=$(mktemp -d)
PROXY_PID=""
BROWSERS_PID=""
cleanup() {
  if [ -n "$BROWSERS_PID" ]; then kill "$BROWSERS_PID" 2>/dev/null || true; fi
  [ -n "$PROXY_PID" ] && { kill "$PROXY_PID" 2>/dev/null; sleep 1; kill -9 "$PROXY_PID" 2>/dev/null; }
  pkill -f "sipp -sf ($HERE/tools/uac_users.xml|$SCENARIOS/ua[cs]_rr.xml)" 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap '' PIPE   # a browsers tool that died must not take the run (and its table) with it
trap cleanup EXIT
trap 'exit 130' INT   # so that cleanup (an EXIT trap) also runs on Ctrl-C and kill
trap 'exit 143' TERM

busy() { ss -Hlnut "sport = :$1" 2>/dev/null | grep -q .; }
wait_port() { local i; for i in $(seq 1 300); do busy "$1" && return 0; sleep 0.1; done; return 1; }
# wait_free PORT...: up to 20 s for each to be free; fails naming the one still taken (a leftover
# proxy on the same UDP port would take half of the calls: SO_REUSEPORT lets both bind)
wait_free() {
  local p i
  for p in "$@"; do
    for i in $(seq 1 100); do busy "$p" || break; sleep 0.2; done
    if busy "$p"; then echo "run.sh load: port $p is still in use:" >&2; ss -Hlnutp "sport = :$p" >&2; return 1; fi
  done
}

# The gateway, its ports moved off the relay's, with a throw-away certificate in tls.cfg beside it.
mkdir -p "$WORK/gw"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$WORK/gw/key.pem" -out "$WORK/gw/cert.pem" >/dev/null 2>&1
sed -e 's/!SIP_PORT!5060!/!SIP_PORT!5460!/; s/!WS_PORT!8080!/!WS_PORT!8460!/; s/!WSS_PORT!4443!/!WSS_PORT!8461!/' \
  examples/cfg/webrtc-gateway.cfg > "$WORK/gw/gateway.cfg"
printf '[server:default]\nmethod = TLSv1.2+\ncertificate = %s\nprivate_key = %s\n' "$WORK/gw/cert.pem" "$WORK/gw/key.pem" > "$WORK/gw/tls.cfg"
{ echo SEQUENTIAL; for i in $(seq 0 $((BROWSERS - 1))); do printf 'user%04d;\n' "$i"; done; } > "$WORK/users.csv"

# start_proxy NAME PATH: the proxy for that path, in the background; waits until it listens.
start_proxy() {
  local name=$1 path=$2 cfg port
  if [ "$path" = wss ]; then cfg="$WORK/gw/gateway.cfg"; port=5460; else cfg="$RELAY_CFG"; port=5060; fi
  wait_free 5060 5061 5070 5460 8460 8461 || return 1
  case "$name" in
    sipway) java -jar "$SIPWAY_JAR" --rpc-listen off -f "$cfg" > "$WORK/$name-$path.log" 2>&1 & ;;
    kamailio) "$KAMAILIO" -DD -E -m 1024 -f "$cfg" -A 'MODPATH="/usr/lib/x86_64-linux-gnu/kamailio/modules/"' \
                > "$WORK/$name-$path.log" 2>&1 & ;;
  esac
  PROXY_PID=$!
  wait_port "$port" || { echo "$name did not listen on $port:"; tail -n 20 "$WORK/$name-$path.log"; return 1; }
  [ "$path" = wss ] && { wait_port 8461 || return 1; }
  sleep 1
}

stop_proxy() {
  kill "$PROXY_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$PROXY_PID" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$PROXY_PID" 2>/dev/null || true
  PROXY_PID=""
}

# sipp_step PATH RATE [rtt]: one step; prints "ok failed elapsed" (and writes rtt.csv with rtt).
sipp_step() {
  local path=$1 rate=$2 rtt=${3:-} calls dir start end uas="" t
  calls=$((rate * STEP_SECONDS))
  dir="$WORK/step-$path-$rate${rtt:+-rtt}"; mkdir -p "$dir"
  local extra=()
  [ -n "$rtt" ] && extra=(-trace_rtt -rtt_freq 1)
  if [ "$path" = wss ]; then
    start=$(date +%s.%N)
    (cd "$dir" && timeout $((STEP_SECONDS + 60)) sipp -sf "$HERE/tools/uac_users.xml" 127.0.0.1:5460 -i 127.0.0.1 -p 5461 -t u1 \
      -inf "$WORK/users.csv" -r "$rate" -m "$calls" -l "$calls" -d 0 -nostdin -timeout $((STEP_SECONDS + 30)) -timeout_error \
      -max_socket 2000 -buff_size "$SIPP_BUFFER" "${extra[@]}" > uac.out 2>&1) || true
  else
    # the caller on the path's transport; relay.cfg sends on to the UAS over UDP (its URI names no transport)
    t=u1; [ "$path" = tcp ] && t=t1
    (cd "$dir" && sipp -sf "$SCENARIOS/uas_rr.xml" -i 127.0.0.1 -p 5070 -t u1 -buff_size "$SIPP_BUFFER" -nostdin -bg > uas.out 2>&1) || true
    sleep 0.3
    uas=$(pgrep -n -f "uas_rr.xml -i 127.0.0.1 -p 5070" || true)
    start=$(date +%s.%N)
    (cd "$dir" && timeout $((STEP_SECONDS + 60)) sipp -sf "$SCENARIOS/uac_rr.xml" 127.0.0.1:5060 -s service -i 127.0.0.1 \
      -p 5061 -t $t -r "$rate" -m "$calls" -l 20000 -d 0 -nostdin -timeout $((STEP_SECONDS + 30)) -timeout_error \
      -max_socket 2000 -buff_size "$SIPP_BUFFER" "${extra[@]}" > uac.out 2>&1) || true
  fi
  end=$(date +%s.%N)
  # (set -e: a failing last command of an && list ends the run, hence if ... fi and || true here)
  if [ -n "$uas" ]; then kill "$uas" 2>/dev/null || true; fi
  local ok failed
  ok=$(grep "Successful call" "$dir/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
  failed=$(grep "Failed call" "$dir/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
  if [ -n "$rtt" ]; then cat "$dir"/*_rtt.csv > "$WORK/rtt.csv" 2>/dev/null || : > "$WORK/rtt.csv"; fi
  echo "${ok:-0} ${failed:-0} $(echo "$end - $start" | bc)"
}

# percentile P FILE: the P-th percentile of SIPp's rtt file's response times; SIPp counts whole
# milliseconds, so 0 is printed as "<1"
percentile() {
  { grep -E '^[0-9]' "$2" || true; } | cut -d';' -f2 | sort -g | awk -v p="$1" '{v[NR]=$1} END {if (NR==0) {print "n/a"; exit} i=int((NR*p+99)/100); if (i<1) i=1; print (v[i] == 0 ? "<1" : v[i])}'
}

# start_browsers NAME: BROWSERS WSS clients registered with the gateway (one more try when they do not)
start_browsers() {
  local try
  for try in 1 2; do
    rm -f "$WORK/browsers.in"; mkfifo "$WORK/browsers.in"
    java -cp "$SIPWAY_JAR" benchmarks/tools/WssBrowsers.java wss://127.0.0.1:8461/ "$BROWSERS" < "$WORK/browsers.in" \
      > "$WORK/browsers.out" 2>&1 &
    BROWSERS_PID=$!
    exec 3> "$WORK/browsers.in"
    for _ in $(seq 1 1300); do grep -q '^registered' "$WORK/browsers.out" 2>/dev/null && break; sleep 0.1; done
    grep -q "^registered $BROWSERS\$" "$WORK/browsers.out" && return 0
    echo "$1 wss: the browsers did not register (try $try):"; tail -n 5 "$WORK/browsers.out" | sed 's/^/    /'
    stop_browsers
  done
  return 1
}

stop_browsers() {
  if [ -n "$BROWSERS_PID" ] && kill -0 "$BROWSERS_PID" 2>/dev/null; then echo >&3; fi
  exec 3>&- 2>/dev/null || true
  if [ -n "$BROWSERS_PID" ]; then sleep 1; kill "$BROWSERS_PID" 2>/dev/null || true; wait "$BROWSERS_PID" 2>/dev/null || true; fi
  BROWSERS_PID=""
  rm -f "$WORK/browsers.in"
}

CSV="$RESULTS/load.csv"
echo "proxy,path,offered,completed,failed_pct,elapsed_s" > "$CSV"
SUMMARY="$WORK/summary"
: > "$SUMMARY"
echo "run.sh load: $(nproc) cores, ${STEP_SECONDS} s steps, paths: $PATHS, proxies: $PROXIES"
for path in $PATHS; do
  case "$path" in udp) rates=$RATES_UDP ;; tcp) rates=$RATES_TCP ;; wss) rates=$RATES_WSS ;; esac
  for name in $PROXIES; do
    if [ "$name" = kamailio ] && ! command -v "$KAMAILIO" >/dev/null 2>&1; then
      echo "kamailio: not installed, $path measured for Sipway only"; continue
    fi
    start_proxy "$name" "$path" || continue
    if [ "$path" = wss ] && ! start_browsers "$name"; then
      echo "$name wss: skipped"; stop_proxy; continue
    fi
    top=0; bad=0
    sipp_step "$path" "$(echo "$rates" | cut -d' ' -f1)" > /dev/null   # warm-up
    for rate in $rates; do
      read -r ok failed elapsed <<< "$(sipp_step "$path" "$rate")"
      calls=$((rate * STEP_SECONDS))
      # calls completed per second of the step as it really took (SIPp falls behind an overloaded proxy)
      completed=$(awk -v ok="$ok" -v took="$elapsed" -v step="$STEP_SECONDS" 'BEGIN {printf "%.1f", ok / (took > step + 0.5 ? took : step)}')
      failed_pct=$(echo "scale=2; ($calls - $ok) * 100 / $calls" | bc)
      elapsed=$(printf '%.1f' "$elapsed")
      echo "$name,$path,$rate,$completed,$failed_pct,$elapsed" >> "$CSV"
      echo "$name $path: offered=$rate completed=$completed failed_pct=$failed_pct elapsed_s=$elapsed load=$(cut -d' ' -f1 /proc/loadavg)"
      if [ "$(echo "$failed_pct < 0.1 && $completed >= 0.95 * $rate" | bc)" = 1 ]; then
        top=$rate
      elif [ "$(echo "$failed_pct > 5" | bc)" = 1 ]; then
        bad=$((bad + 1)); [ "$bad" -ge 2 ] && break
      fi
      sleep 1
    done
    p50=n/a; p99=n/a
    if [ "$top" -gt 0 ]; then
      half=$((top / 2)); [ "$half" -lt 1 ] && half=1
      sipp_step "$path" "$half" rtt > /dev/null
      if [ -s "$WORK/rtt.csv" ]; then p50=$(percentile 50 "$WORK/rtt.csv"); p99=$(percentile 99 "$WORK/rtt.csv"); fi
    fi
    last=$(echo "$rates" | awk '{print $NF}')
    capped=no; [ "$top" = "$last" ] && capped=yes
    echo "$name $path: top_rate=$top$( [ $capped = yes ] && echo ' (the ramp'"'"'s end)') p50_ms=$p50 p99_ms=$p99 (at $((top / 2)) calls/s)"
    echo "$path $name $top $p50 $p99 $capped" >> "$SUMMARY"
    if [ "$path" = wss ]; then stop_browsers; fi
    stop_proxy
  done
done

java -cp "$BENCH_JAR" io.sipway.bench.LoadChart "$CSV" > /dev/null
{
  echo "| path | proxy | top rate (calls/s, < 0.1% failed) | p50 ms | p99 ms | Sipway / Kamailio |"
  echo "|---|---|---:|---:|---:|---:|"
  while read -r path name top p50 p99 capped; do
    ratio=""
    if [ "$name" = sipway ]; then
      k=$(awk -v p="$path" '$1 == p && $2 == "kamailio" {print $3}' "$SUMMARY")
      kcapped=$(awk -v p="$path" '$1 == p && $2 == "kamailio" {print $6}' "$SUMMARY")
      if [ -n "$k" ] && [ "$k" -gt 0 ]; then
        ratio=$(echo "scale=2; $top / $k" | bc)
        # a capped top is a lower bound: so is the ratio when it is Sipway's, an upper one when Kamailio's
        if [ "$capped" = yes ] && [ "$kcapped" = yes ]; then ratio="n/a (both at the ramp's end)"
        elif [ "$capped" = yes ]; then ratio=">= $ratio"
        elif [ "$kcapped" = yes ]; then ratio="<= $ratio"; fi
      fi
    fi
    [ "$capped" = yes ] && top=">= $top"
    echo "| $path | $name | $top | $p50 | $p99 | $ratio |"
  done < "$SUMMARY"
  echo
  echo "p50/p99: SIPp's INVITE-to-200 response time at half the top rate (-trace_rtt). $(nproc) cores, ${STEP_SECONDS} s steps,"
  echo "SIPp on the same machine; $( [ "$BROWSERS" -gt 0 ] && echo "$BROWSERS WSS browsers (benchmarks/tools/WssBrowsers.java) for wss." )"
} > "$RESULTS/load.md"
cat "$RESULTS/load.md"
echo "wrote $CSV, $RESULTS/load.md and $(ls "$RESULTS"/load-*.png | tr '\n' ' ')"
