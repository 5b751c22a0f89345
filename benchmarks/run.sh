#!/usr/bin/env bash
# Sipway's benchmarks in one command.
#
#   benchmarks/run.sh jmh  [--smoke]   the JMH suite (ConnectionLookup, Parser, CfgExec, Transaction):
#                                      benchmarks/results/jmh.json (JMH's JSON) and jmh.md (a table)
#   benchmarks/run.sh load [--smoke]   SIPp side by side, Sipway then Kamailio 5.6.3 when installed, over
#                                      udp and tcp callers (benchmarks/peers/relay.cfg, the callee on
#                                      udp; SIPp scenarios of examples/sipp) and the WSS gateway path
#                                      (examples/cfg/webrtc-gateway.cfg, browsers on WSS, SIPp on UDP) and the
#                                      load balancer (lb: examples/cfg/dispatcher.cfg, dispatcher, dialog and
#                                      uac_replace_from, UDP callers, two SIPp gateways taking calls in turn):
#                                      benchmarks/results/load.csv, load.md and load-{udp,tcp,wss,lb}.png
#   benchmarks/run.sh cpu  [--smoke]   CPU time per completed call at a fixed rate, Sipway then Kamailio 5.6.3
#                                      when installed, udp callers through the relay script:
#                                      benchmarks/results/cpu.csv and cpu.md
#   benchmarks/run.sh soak [--smoke]   SOAK_MINUTES at 80% of capacity over UDP, TCP and WSS together, browsers
#                                      connecting and vanishing (benchmarks/soak.sh): no lost call,
#                                      transactions and connections back after, RSS flat;
#                                      benchmarks/results/soak.csv, soak.md and soak.png; exits 1 when a verdict fails
#   benchmarks/run.sh overload [--smoke] OVERLOAD_FACTOR times the UDP top rate for OVERLOAD_SECONDS through
#                                      ./sipway (benchmarks/overload.sh): memory bounded, back to the idle
#                                      footprint after, no accepted call lost, still serving;
#                                      benchmarks/results/overload.csv and overload.md; exits 1 when a verdict fails
#   benchmarks/run.sh register [--smoke] REGISTER with digest authentication against MariaDB, Sipway then
#                                      Kamailio 5.6.3 when installed with db_mysql (Debian's kamailio.cfg,
#                                      WITH_MYSQL WITH_AUTH WITH_USRLOCDB; benchmarks/register.sh): the top
#                                      rate at <0.1% failed and the CPU per registration;
#                                      benchmarks/results/register.csv and register.md
#   benchmarks/run.sh scale [--smoke]  registrations/s and calls/s of 1 and 2 registrars sharing a location
#                                      store (examples/cfg/registrar.cfg, usrloc db_mode 3 on Redis, then
#                                      PostgreSQL), Sipway then Kamailio 5.6.3 when installed, and the store's
#                                      operations per registration and per call (benchmarks/scale.sh):
#                                      benchmarks/results/scale.csv and scale.md
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
# cpu: each proxy relays SIPp's calls (uac_rr -> proxy -> uas_rr, all over UDP, on their own ports:
# CPU_PROXY_PORT=5660, CPU_UAC_PORT=5661, CPU_UAS_PORT=5670) at RATE calls/s: first a warm-up of
# WARMUP s (the JVM compiles; not counted), then SETTLE s of rest, the proxy's CPU time is read, one
# run of exactly RATE*DURATION calls (SIPp's -m: it stops by itself), SETTLE s more (the calls'
# transactions end), and the CPU time is read again. The CPU time is user+system (utime+stime of
# /proc/PID/stat, in clock ticks) of the JVM (all its threads) or of all of Kamailio's processes (the
# main one and every process it forked); per completed call is that over SIPp's successful calls.
# RUNS=N alternates N runs (Sipway, Kamailio, Sipway, ...; each on a freshly started proxy with its
# own warm-up) and takes each proxy's median run (the lower of the middle two when N is even).
# SIPWAY_JAR=/path/to/sipway.jar measures another build (an older one, for a before/after).
#
# soak: one Sipway started by ./sipway (the launcher's JVM memory settings; SIPWAY_JAR too) on
# benchmarks/peers/soak.cfg (the WebRTC gateway plus relaying the user "service" to a UAS) serves at
# once: SIPp (uac_rr) over UDP and over TCP calling SIPp's uas_rr, SIPp over UDP calling BROWSERS WSS
# browsers (WssBrowsers.java, tools/uac_users.xml), each caller a bounded count (-m RATE x duration).
# Every CHURN_SECONDS one browser reloads: a new connection registers the same user, the old one
# vanishes (TCP close or reset, no unregister) once its calls are over, so no call goes to it. Every
# SAMPLE_SECONDS a row of soak.csv: VmRSS of the JVM, tmx:inuse_transactions, the open connections
# (JSON-RPC stats.get_statistics on 127.0.0.1:5789), the calls ok/failed per path. After the load
# (the transactions given up to SETTLE_MAX s) and after the browsers left, a row each. Verdicts (in
# soak.md): every call of every path completed, transactions back to 0, connections back to the
# browsers' count and to 0 once they left, RSS flat: (max - min) / min <= 10% over the load's rows
# after its first 20% (a regression slope is printed beside it). Ports: 5760 (udp, tcp), 8760 (ws),
# 8761 (wss), 5761-5763 (callers), 5770 (UAS), 5789 (RPC).
#
# overload: one Sipway through ./sipway on the benchmark relay (ports 5860 proxy, 5870 UAS, 5861 caller,
# 5889 RPC): a warm-up (WARMUP s at WARMUP_RATE) and REST s give the idle footprint (VmRSS); then SIPp
# offers RATE calls/s for OVERLOAD_SECONDS, a row of overload.csv every SAMPLE_SECONDS (VmRSS,
# tmx:inuse_transactions, core:transactions_refused), RECOVER_SECONDS of rest, and 200 calls at 50/s.
# Verdicts: peak RSS within the launcher's 1 GiB heap + 512 MiB; RSS after the rest within the idle
# footprint + 25%; every transaction the proxy accepted ended with a final reply (relayed, or tm's own
# 408/5xx when the UAS on the same cores falls behind) and none is held; every call of the check run
# completed.
#
# --smoke: seconds, not minutes; a check that everything runs (CI), written to benchmarks/target/smoke.
#
# Environment (defaults): RESULTS=benchmarks/results  STEP_SECONDS=5  PATHS="udp tcp wss"
#   RATES_UDP="500 1000 2000 3000 4000 5000 6000 7000 8000 10000 12000"  RATES_TCP=(the same)
#   RATES_WSS="200 500 1000 1500 2000 3000 4000 5000 6000 7000"  BROWSERS=200  PROXIES="sipway kamailio"
#   KAMAILIO=kamailio  SIPP_BUFFER=4194304 (SIPp's -buff_size)
#   KEEP=1 keeps the work directory (logs of proxies, SIPp and browsers)
#   SIPWAY_JAR=proxy-app/target/sipway.jar (given: measured as it is, never built)
#   cpu: RATE=1000  DURATION=30  WARMUP=10  SETTLE=5  RUNS=1  PROXIES="sipway kamailio"
#     RELAY_CFG=benchmarks/peers/relay.cfg (its 127.0.0.1:5060 and :5070 are moved to the ports above)
#     SIPP_SCENARIOS=examples/sipp (uac_rr.xml, uas_rr.xml)  SIPWAY_JAVA_OPTS (the JVM's options)
#   soak: SOAK_MINUTES=30  RATE_UDP=1100 RATE_TCP=850 RATE_WSS=300 (calls/s: 80% of a 2-core machine's CPU with
#     SIPp and the browsers on it; soak.md says the share the load took)  WARMUP_SECONDS=30 (a quarter of the
#     rates first, not counted)  BROWSERS=200  CHURN_SECONDS=5  SAMPLE_SECONDS=10  SETTLE_MAX=60  (--smoke: 30 s at 30/20/10 calls/s,
#     10 browsers, one reloading every 2 s, a row every 5 s; it fails only when something did not run)
#   overload: OVERLOAD_FACTOR=3 (RATE: that times udp's Sipway top rate in load.md, 4000 when it has none)
#     OVERLOAD_SECONDS=30  WARMUP=10  WARMUP_RATE=(a quarter of the top rate)  REST=40  RECOVER_SECONDS=60
#     SAMPLE_SECONDS=2  (--smoke: 300 calls/s for 5 s; it fails only when something did not run)
#   register: USERS=1000  RATES="200 500 1000 1500 2000 3000 4000 5000 6000 7000 8000 10000"  STEP_SECONDS=5  CPU_RATE=300
#     CPU_SECONDS=20  WARMUP_SECONDS=10  REG_DB_HOST=127.0.0.1 REG_DB_PORT=3306 REG_DB_USER=sipway REG_DB_PASSWORD=sipway
#     (a MariaDB user that may create databases) REG_DB_NAME=sipway_bench (dropped and made again)
#     (--smoke: 20 users, 20 and 50/s for 2 s, Sipway alone)
#   scale: USERS=1000  STORES="redis postgres"  REGISTRARS="1 2"  PROXIES="sipway kamailio"  STEP_SECONDS=5
#     FILL_RATE=100 (registering every user first)  REG_RATES="200 500 1000 1500 2000 3000 4000 5000 6000 8000"
#     CALL_RATES="100 200 300 400 500 700 1000 1500 2000 3000 4000 5000 6000" (each the total over the registrars)
#     OPS_RATE=100 OPS_COUNT=1000 (the runs counting the store's operations)  SCALE_REDIS=redis://127.0.0.1:6379
#     SCALE_REDIS_DB=0 (flushed)  SCALE_PGSQL=postgres://sipway:sipway@127.0.0.1:5432 (its database kamailio, made by
#     ./sipway db create; the location table emptied)  (--smoke: 20 users, 2 Sipway registrars on Redis, one 2 s
#     step of 40 registrations/s and one of 20 calls/s)
# What the machine lacks (Java 17, Maven, SIPp, ss, openssl, bc) is installed from Debian's archive
# when run as root; Kamailio is never installed: without it, Sipway is measured alone.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
ENV_RELAY_CFG=${RELAY_CFG:-}            # cpu's RELAY_CFG, when given (load always runs the benchmark relay)
RELAY_CFG=$HERE/peers/relay.cfg        # the benchmark relay (the tests run the same file)
SCENARIOS=$ROOT/examples/sipp           # uac_rr.xml, uas_rr.xml: calls along the route set, as README shows
MODE=${1:-}
SMOKE=""
[ "${2:-}" = "--smoke" ] && SMOKE=1
case "$MODE" in
  jmh|load|cpu|soak|overload|register|scale) ;;
  *) echo "usage: benchmarks/run.sh jmh|load|cpu|soak|overload|register|scale [--smoke]" >&2; exit 2 ;;
esac
# SIPWAY_JAR given (an older build, for a before/after): measured as it is, from wherever it was named
OWN_JAR=""
if [ -n "${SIPWAY_JAR:-}" ]; then
  [ -f "$SIPWAY_JAR" ] || { echo "run.sh: SIPWAY_JAR=$SIPWAY_JAR: no such file" >&2; exit 2; }
  SIPWAY_JAR=$(realpath "$SIPWAY_JAR"); OWN_JAR=1
fi
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
SIPWAY_JAR=${SIPWAY_JAR:-proxy-app/target/sipway.jar}
if [ "$MODE" = cpu ] || [ "$MODE" = scale ]; then
  # only the proxy is needed; a jar that was named is never rebuilt
  if [ -z "$OWN_JAR" ] && { [ ! -f "$SIPWAY_JAR" ] || [ -n "${BUILD:-}" ]; }; then
    mvn -q -B -ntp -DskipTests package -pl proxy-app -am
  fi
elif [ ! -f "$BENCH_JAR" ] || [ ! -f "$SIPWAY_JAR" ] || [ -n "${BUILD:-}" ]; then
  mvn -q -B -ntp -DskipTests package -pl benchmarks,proxy-app -am
fi

if [ "$MODE" = jmh ]; then
  java -cp "$BENCH_JAR" io.sipway.bench.Suite "$RESULTS" ${SMOKE:+--smoke}
  echo "wrote $RESULTS/jmh.json and $RESULTS/jmh.md"
  exit 0
fi

# ---- helpers of load, cpu and soak ----------------------------------------------------------------------
busy() { ss -Hlnut "sport = :$1" 2>/dev/null | grep -q .; }
wait_port() { local i; for i in $(seq 1 300); do busy "$1" && return 0; sleep 0.1; done; return 1; }
# wait_free PORT...: up to 20 s for each to be free; fails naming the one still taken (a leftover
# proxy on the same UDP port would take half of the calls: SO_REUSEPORT lets both bind)
wait_free() {
  local p i
  for p in "$@"; do
    for i in $(seq 1 100); do busy "$p" || break; sleep 0.2; done
    if busy "$p"; then echo "run.sh $MODE: port $p is still in use:" >&2; ss -Hlnutp "sport = :$p" >&2; return 1; fi
  done
}

# verdict NAME OK(0|1) TEXT (soak, overload): printed, and a row of VERDICTS for the results' table
verdict() {
  local v=pass; [ "$2" = 1 ] || { v=FAIL; FAILED_VERDICTS=$((FAILED_VERDICTS + 1)); }
  VERDICTS+=("| $1 | $v | $3 |"); echo "$MODE verdict $1: $v ($3)"
}

# ---- overload: its own file, on the helpers above ---------------------------------------------------
if [ "$MODE" = overload ]; then
  # shellcheck source=benchmarks/overload.sh
  . "$HERE/overload.sh"
  exit 0   # overload.sh has exited with 1 when a verdict failed
fi

# ---- register: its own file, on the helpers above -----------------------------------------------------
if [ "$MODE" = register ]; then
  # shellcheck source=benchmarks/register.sh
  . "$HERE/register.sh"
  exit 0
fi

# ---- scale: its own file, on the helpers above ------------------------------------------------------
if [ "$MODE" = scale ]; then
  # shellcheck source=benchmarks/scale.sh
  . "$HERE/scale.sh"
  exit 0
fi

# ---- soak: its own file, on the helpers above -------------------------------------------------------
if [ "$MODE" = soak ]; then
  # shellcheck source=benchmarks/soak.sh
  . "$HERE/soak.sh"
  exit 0   # soak.sh has exited with 1 when a verdict failed
fi

# ---- cpu -------------------------------------------------------------------------------------------
if [ "$MODE" = cpu ]; then
install_missing sipp=sip-tester ss=iproute2 bc=bc getconf=libc-bin
RELAY_CFG=${ENV_RELAY_CFG:-$RELAY_CFG}
SIPP_SCENARIOS=${SIPP_SCENARIOS:-$SCENARIOS}
for f in "$RELAY_CFG" "$SIPP_SCENARIOS/uac_rr.xml" "$SIPP_SCENARIOS/uas_rr.xml"; do
  [ -f "$f" ] || { echo "run.sh cpu: $f missing (set RELAY_CFG or SIPP_SCENARIOS)" >&2; exit 2; }
done
RATE=${RATE:-1000}
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-10}
SETTLE=${SETTLE:-5}
RUNS=${RUNS:-1}
PROXIES=${PROXIES:-sipway kamailio}
KAMAILIO=${KAMAILIO:-kamailio}
SIPP_BUFFER=${SIPP_BUFFER:-4194304}
CPU_PROXY_PORT=${CPU_PROXY_PORT:-5660}
CPU_UAC_PORT=${CPU_UAC_PORT:-5661}
CPU_UAS_PORT=${CPU_UAS_PORT:-5670}
if [ -n "$SMOKE" ]; then
  RATE=50; DURATION=3; WARMUP=2; SETTLE=1; RUNS=1; PROXIES=sipway
fi
CALLS=$((RATE * DURATION))
HZ=$(getconf CLK_TCK)
WORK=$(mktemp -d)
PROXY_PID=""
UAS_PID=""
UAC_PID=""
OK=0; FAILED=0; ELAPSED=0   # sipp_calls' results
KIDS=""   # the proxy's other processes (Kamailio's children), killed by id should the main one not take them along
cpu_cleanup() {
  if [ -n "$UAC_PID" ]; then kill "$UAC_PID" 2>/dev/null || true; fi
  if [ -n "$UAS_PID" ]; then kill "$UAS_PID" 2>/dev/null || true; fi
  if [ -n "$PROXY_PID" ]; then cpu_stop_proxy; fi
  if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cpu_cleanup EXIT
trap 'exit 130' INT   # so that cleanup (an EXIT trap) also runs on Ctrl-C and kill
trap 'exit 143' TERM

# The relay script on this step's own ports (the load step and the tests use 5060/5061/5070).
CFG="$WORK/relay-cpu.cfg"
sed -e "s/127\.0\.0\.1:5060\b/127.0.0.1:$CPU_PROXY_PORT/g; s/127\.0\.0\.1:5070\b/127.0.0.1:$CPU_UAS_PORT/g" "$RELAY_CFG" > "$CFG"
if ! grep -q "^listen=udp:127\.0\.0\.1:$CPU_PROXY_PORT\b" "$CFG" || ! grep -q "127\.0\.0\.1:$CPU_UAS_PORT\b" "$CFG" \
   || grep -qE '127\.0\.0\.1:50[67]0\b' "$CFG"; then
  echo "run.sh cpu: $RELAY_CFG does not listen on udp:127.0.0.1:5060 and relay to 127.0.0.1:5070 as relay.cfg does;" \
       "its ports could not be moved to $CPU_PROXY_PORT and $CPU_UAS_PORT" >&2
  exit 2
fi
# Builds from before the operations endpoint (--rpc-listen, default 127.0.0.1:5089) do not know the option.
SIPWAY_ARGS=()
help=$(java -jar "$SIPWAY_JAR" --help 2>&1 || true)
if grep -q -- --rpc-listen <<< "$help"; then SIPWAY_ARGS=(--rpc-listen off); fi

# proc_tree PID: the process and every process it forked (and they forked), one id a line
proc_tree() {
  local c
  echo "$1"
  for c in $(pgrep -P "$1" || true); do proc_tree "$c"; done
}
# ticks PID...: the sum of utime+stime (fields 14 and 15 of /proc/PID/stat, clock ticks; the
# process's whole thread group) over the processes; field 2, the command, may hold spaces
ticks() {
  local p s f total=0
  for p in "$@"; do
    s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    s=${s##*) }
    read -r -a f <<< "$s"   # f[0] is field 3
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}

# cpu_start_proxy NAME: the proxy in the background on CFG; waits until it listens
cpu_start_proxy() {
  local name=$1
  wait_free "$CPU_PROXY_PORT" "$CPU_UAC_PORT" "$CPU_UAS_PORT" || return 1
  case "$name" in
    # shellcheck disable=SC2086  # SIPWAY_JAVA_OPTS: several options, as the sipway script takes them
    sipway) java ${SIPWAY_JAVA_OPTS:-} -jar "$SIPWAY_JAR" "${SIPWAY_ARGS[@]}" -f "$CFG" > "$WORK/$name.log" 2>&1 & ;;
    kamailio) "$KAMAILIO" -DD -E -m 1024 -f "$CFG" -A 'MODPATH="/usr/lib/x86_64-linux-gnu/kamailio/modules/"' \
                > "$WORK/$name.log" 2>&1 & ;;
  esac
  PROXY_PID=$!
  if ! wait_port "$CPU_PROXY_PORT"; then
    echo "run.sh cpu: $name did not listen on $CPU_PROXY_PORT:" >&2; tail -n 20 "$WORK/$name.log" >&2; return 1
  fi
  sleep 1
  KIDS=$(proc_tree "$PROXY_PID" | tail -n +2 | tr '\n' ' ')
}

cpu_stop_proxy() {
  local p
  kill "$PROXY_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$PROXY_PID" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$PROXY_PID" 2>/dev/null || true
  wait "$PROXY_PID" 2>/dev/null || true
  for p in $KIDS; do kill -9 "$p" 2>/dev/null || true; done
  PROXY_PID=""; KIDS=""
}

# sipp_calls DIR N: the UAC sends N calls at RATE through the proxy to the UAS (already running) and
# stops by itself; sets OK, FAILED and ELAPSED (seconds). It runs in this shell, not in a $(...): a
# signal's trap then runs at once and the cleanup knows UAC_PID.
sipp_calls() {
  local dir=$1 n=$2 secs start end
  secs=$(( (n + RATE - 1) / RATE ))
  mkdir -p "$dir"
  start=$(date +%s.%N)
  (cd "$dir" && exec timeout $((secs + 60)) sipp -sf "$SIPP_SCENARIOS/uac_rr.xml" "127.0.0.1:$CPU_PROXY_PORT" -s service \
    -i 127.0.0.1 -p "$CPU_UAC_PORT" -t u1 -r "$RATE" -m "$n" -l 20000 -d 0 -nostdin -timeout $((secs + 30)) -timeout_error \
    -max_socket 2000 -buff_size "$SIPP_BUFFER" > uac.out 2>&1) &
  UAC_PID=$!
  wait "$UAC_PID" || true   # SIPp exits 1 when a call failed: counted below
  UAC_PID=""
  end=$(date +%s.%N)
  OK=$(grep "Successful call" "$dir/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
  FAILED=$(grep "Failed call" "$dir/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
  FAILED=${FAILED:-0}
  ELAPSED=$(echo "$end - $start" | bc)
  if [ -z "$OK" ]; then echo "run.sh cpu: SIPp gave no statistics:" >&2; tail -n 10 "$dir/uac.out" >&2; return 1; fi
}

# measure NAME RUN: one run on a freshly started proxy; appends "name run ok failed ticks elapsed" to
# RUNS_FILE (called in an || list, where set -e is off: every failure returns by hand)
measure() {
  local name=$1 run=$2 dir="$WORK/$1-$2" pids_before pids_after t0 t1
  cpu_start_proxy "$name" || return 1
  mkdir -p "$dir"
  (cd "$dir" && exec timeout $((WARMUP + DURATION + 2 * SETTLE + 300)) sipp -sf "$SIPP_SCENARIOS/uas_rr.xml" \
    -i 127.0.0.1 -p "$CPU_UAS_PORT" -t u1 -buff_size "$SIPP_BUFFER" -nostdin > uas.out 2>&1) &
  UAS_PID=$!
  if ! wait_port "$CPU_UAS_PORT"; then echo "run.sh cpu: the UAS did not listen:" >&2; tail -n 10 "$dir/uas.out" >&2; return 1; fi
  if [ "$WARMUP" -gt 0 ]; then
    sipp_calls "$dir/warmup" $((RATE * WARMUP)) || return 1
    echo "$name run $run: warm-up $((RATE * WARMUP)) calls, ok=$OK failed=$FAILED elapsed_s=$(printf '%.1f' "$ELAPSED")"
  fi
  sleep "$SETTLE"
  pids_before=$(proc_tree "$PROXY_PID" | sort -n | tr '\n' ' ')
  # shellcheck disable=SC2086
  t0=$(ticks $pids_before)
  sipp_calls "$dir/run" "$CALLS" || return 1
  sleep "$SETTLE"
  pids_after=$(proc_tree "$PROXY_PID" | sort -n | tr '\n' ' ')
  # shellcheck disable=SC2086
  t1=$(ticks $pids_after)
  if [ "$pids_before" != "$pids_after" ]; then
    echo "run.sh cpu: warning: $name's processes changed during the run ($pids_before-> $pids_after): CPU of ended ones is missing" >&2
  fi
  kill "$UAS_PID" 2>/dev/null || true
  wait "$UAS_PID" 2>/dev/null || true
  UAS_PID=""
  cpu_stop_proxy
  echo "$name $run $OK $FAILED $((t1 - t0)) $ELAPSED" >> "$RUNS_FILE"
  echo "$name run $run: $(cpu_line "$name $run $OK $FAILED $((t1 - t0)) $ELAPSED")"
}

# cpu_line "name run ok failed ticks elapsed" [run]: the printed fields of one run
cpu_line() {
  local name run ok failed tk elapsed cpu_s us
  read -r name run ok failed tk elapsed <<< "$1"
  cpu_s=$(awk -v t="$tk" -v hz="$HZ" 'BEGIN {printf "%.2f", t / hz}')
  us=$(awk -v t="$tk" -v hz="$HZ" -v ok="$ok" 'BEGIN {if (ok > 0) printf "%.1f", t / hz * 1e6 / ok; else print "n/a"}')
  echo "proxy=$name rate=$RATE calls=$CALLS ok=$ok failed=$failed cpu_s=$cpu_s cpu_us_per_call=$us elapsed_s=$(printf '%.1f' "$elapsed")"
}

# median NAME: the run of that proxy with the median CPU time per call (the lower middle one for an even count)
median() {
  awk -v n="$1" '$1 == n {printf "%s %.6f\n", $0, ($3 > 0 ? $5 / $3 : 1e99)}' "$RUNS_FILE" | sort -k7,7g \
    | awk '{l[NR] = $0} END {if (NR > 0) print l[int((NR + 1) / 2)]}' | cut -d' ' -f1-6
}

RUNS_FILE="$WORK/runs"
: > "$RUNS_FILE"
ran=()
for name in $PROXIES; do
  if [ "$name" = kamailio ] && ! command -v "$KAMAILIO" >/dev/null 2>&1; then
    echo "kamailio: not installed, Sipway measured alone"; continue
  fi
  ran+=("$name")
done
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
echo "run.sh cpu: $(nproc) cores, $RATE calls/s, $CALLS calls a run after a ${WARMUP} s warm-up, $RUNS run(s) of: ${ran[*]}; load=$LOAD_BEFORE"
for run in $(seq 1 "$RUNS"); do
  for name in "${ran[@]}"; do
    measure "$name" "$run" || { echo "run.sh cpu: $name run $run failed" >&2; exit 1; }
  done
done
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)

CSV="$RESULTS/cpu.csv"
echo "proxy,run,rate,calls,ok,failed,cpu_s,cpu_us_per_call,elapsed_s" > "$CSV"
while read -r name run ok failed tk elapsed; do
  echo "$(cpu_line "$name $run $ok $failed $tk $elapsed")" | awk -v r="$run" '{for (i = 1; i <= NF; i++) {split($i, kv, "="); v[i] = kv[2]}
    printf "%s,%s,%s,%s,%s,%s,%s,%s,%s\n", v[1], r, v[2], v[3], v[4], v[5], v[6], v[7], v[8]}' >> "$CSV"
done < "$RUNS_FILE"
declare -A US
LINES=()
for name in "${ran[@]}"; do
  m=$(median "$name")
  line=$(cpu_line "$m")
  if [ "$RUNS" -gt 1 ]; then line="$line runs=$RUNS"; fi
  LINES+=("cpu $line")
  US[$name]=$(echo "$line" | sed 's/.*cpu_us_per_call=\([^ ]*\).*/\1/')
  if [ "$RUNS" -gt 1 ]; then
    echo "$(echo "$line" | awk -v m="$(echo "$m" | cut -d' ' -f2)" '{for (i = 1; i <= NF; i++) {split($i, kv, "="); v[i] = kv[2]}
      printf "%s,median(run %s),%s,%s,%s,%s,%s,%s,%s\n", v[1], m, v[2], v[3], v[4], v[5], v[6], v[7], v[8]}')" >> "$CSV"
  fi
done
s_us=${US[sipway]:-n/a}; k_us=${US[kamailio]:-n/a}
ratio=n/a
if [ "$s_us" != n/a ] && [ "$k_us" != n/a ]; then ratio=$(awk -v s="$s_us" -v k="$k_us" 'BEGIN {if (k > 0) printf "%.2f", s / k; else print "n/a"}'); fi
LINES+=("cpu sipway_us_per_call=$s_us kamailio_us_per_call=$k_us ratio=$ratio")
printf '%s\n' "${LINES[@]}"

cmd="benchmarks/run.sh cpu${SMOKE:+ --smoke}"
if [ -z "$SMOKE" ]; then cmd="RATE=$RATE DURATION=$DURATION WARMUP=$WARMUP SETTLE=$SETTLE RUNS=$RUNS $cmd"; fi
if [ -n "$OWN_JAR" ]; then cmd="SIPWAY_JAR=$SIPWAY_JAR $cmd"; fi
{
  echo "CPU time per completed call, $(date -u +%Y-%m-%d), $(nproc) cores (SIPp on the same cores):"
  echo
  echo "    $cmd"
  echo
  echo "| proxy | rate (calls/s) | calls | ok | failed | CPU s | CPU µs per call | SIPp's elapsed s | Sipway / Kamailio |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for l in "${LINES[@]}"; do
    case "$l" in
      "cpu proxy="*) echo "$l" | awk -v r="$ratio" '{for (i = 2; i <= NF; i++) {split($i, kv, "="); v[i] = kv[2]}
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], (v[2] == "sipway" ? r : "")}' ;;
    esac
  done
  echo
  echo "User+system CPU of the proxy (the JVM's threads; all of Kamailio's processes) over a run of"
  echo "RATE x DURATION calls (uac_rr -> $(basename "$RELAY_CFG") -> uas_rr, UDP) after a ${WARMUP} s warm-up, per"
  echo "successful call$( [ "$RUNS" -gt 1 ] && echo "; each proxy's median of $RUNS alternating runs (every run in cpu.csv)")."
  echo "Sipway: $SIPWAY_JAR$( [ -n "${SIPWAY_JAVA_OPTS:-}" ] && echo " with $SIPWAY_JAVA_OPTS"). The machine's load average"
  echo "(1 min) was $LOAD_BEFORE before the runs and $LOAD_AFTER after them: other work on the cores inflates CPU times."
} > "$RESULTS/cpu.md"
echo "wrote $CSV and $RESULTS/cpu.md"
exit 0
fi

# ---- load ------------------------------------------------------------------------------------------
install_missing sipp=sip-tester ss=iproute2 openssl=openssl bc=bc
[ -f "$RELAY_CFG" ] || { echo "run.sh load: $RELAY_CFG missing" >&2; exit 2; }
STEP_SECONDS=${STEP_SECONDS:-5}
PATHS=${PATHS:-udp tcp wss lb media}
RATES_UDP=${RATES_UDP:-500 1000 2000 3000 4000 5000 6000 7000 8000 10000 12000}
RATES_TCP=${RATES_TCP:-$RATES_UDP}
RATES_WSS=${RATES_WSS:-200 500 1000 1500 2000 3000 4000 5000 6000 7000}
RATES_LB=${RATES_LB:-$RATES_UDP}
RATES_MEDIA=${RATES_MEDIA:-100 200 300 500 700 1000 1500 2000 3000}
RTPENGINE=${RTPENGINE:-rtpengine}
LB_CFG=$ROOT/examples/cfg/dispatcher.cfg
LB_LIST=$ROOT/examples/cfg/dispatcher.list   # its two gateways: 127.0.0.1:5070 and :5071
BROWSERS=${BROWSERS:-200}
PROXIES=${PROXIES:-sipway kamailio}
KAMAILIO=${KAMAILIO:-kamailio}
# SIPp's socket buffers (its default, 64 KiB, overflows under a burst while SIPp shares the cores:
# the lost replies then look like the proxy's failures); the kernel caps it at net.core.rmem_max
SIPP_BUFFER=${SIPP_BUFFER:-4194304}
if [ -n "$SMOKE" ]; then
  STEP_SECONDS=2; RATES_UDP="50 100"; RATES_TCP="50"; RATES_WSS="20"; RATES_LB="50"; RATES_MEDIA="20"; BROWSERS=20; PROXIES=sipway
fi
WORK=$(mktemp -d)
PROXY_PID=""
BROWSERS_PID=""
cleanup() {
  if [ -n "$BROWSERS_PID" ]; then kill "$BROWSERS_PID" 2>/dev/null || true; fi
  if [ -n "${RTPENGINE_PID:-}" ]; then kill "$RTPENGINE_PID" 2>/dev/null || true; fi
  if [ -n "${CAPTURE_PID:-}" ]; then kill "$CAPTURE_PID" 2>/dev/null || true; fi
  [ -n "$PROXY_PID" ] && { kill "$PROXY_PID" 2>/dev/null; sleep 1; kill -9 "$PROXY_PID" 2>/dev/null; }
  pkill -f "sipp -sf ($HERE/tools/uac_users.xml|$SCENARIOS/ua[cs]_rr.xml)" 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap '' PIPE   # a browsers tool that died must not take the run (and its table) with it
trap cleanup EXIT
trap 'exit 130' INT   # so that cleanup (an EXIT trap) also runs on Ctrl-C and kill
trap 'exit 143' TERM

# The gateway, its ports moved off the relay's, with a throw-away certificate in tls.cfg beside it.
mkdir -p "$WORK/gw"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$WORK/gw/key.pem" -out "$WORK/gw/cert.pem" >/dev/null 2>&1
sed -e 's/!SIP_PORT!5060!/!SIP_PORT!5460!/; s/!WS_PORT!8080!/!WS_PORT!8460!/; s/!WSS_PORT!4443!/!WSS_PORT!8461!/' \
  examples/cfg/webrtc-gateway.cfg > "$WORK/gw/gateway.cfg"
printf '[server:default]\nmethod = TLSv1.2+\ncertificate = %s\nprivate_key = %s\n' "$WORK/gw/cert.pem" "$WORK/gw/key.pem" > "$WORK/gw/tls.cfg"
# media: the same gateway with its media relay (WITH_RTPENGINE), rtpengine's ng control on 127.0.0.1:5490
sed -e 's/!RTPENGINE_SOCK!udp:127.0.0.1:2223!/!RTPENGINE_SOCK!udp:127.0.0.1:5490!/' "$WORK/gw/gateway.cfg" > "$WORK/gw/gateway-media.cfg"
if [[ " $PATHS " == *" media "* ]]; then
  if command -v "$RTPENGINE" >/dev/null 2>&1; then install_missing tcpdump=tcpdump
  else echo "run.sh load: no rtpengine (Debian package rtpengine-daemon): the media path is left out"; PATHS=${PATHS/media/}; fi
fi
{ echo SEQUENTIAL; for i in $(seq 0 $((BROWSERS - 1))); do printf 'user%04d;\n' "$i"; done; } > "$WORK/users.csv"

# start_proxy NAME PATH: the proxy for that path, in the background; waits until it listens.
start_proxy() {
  local name=$1 path=$2 cfg port defs=()
  case "$path" in
    wss) cfg="$WORK/gw/gateway.cfg"; port=5460 ;;
    media) cfg="$WORK/gw/gateway-media.cfg"; port=5460; defs=(-A WITH_RTPENGINE) ;;
    lb) cfg="$LB_CFG"; port=5060; defs=(-A "DS_LIST=\"$LB_LIST\"") ;;
    *) cfg="$RELAY_CFG"; port=5060 ;;
  esac
  wait_free 5060 5061 5070 5071 5460 8460 8461 || return 1
  case "$name" in
    sipway) java -jar "$SIPWAY_JAR" --rpc-listen off -f "$cfg" "${defs[@]}" > "$WORK/$name-$path.log" 2>&1 & ;;
    kamailio) "$KAMAILIO" -DD -E -m 1024 -f "$cfg" "${defs[@]}" -A 'MODPATH="/usr/lib/x86_64-linux-gnu/kamailio/modules/"' \
                > "$WORK/$name-$path.log" 2>&1 & ;;
  esac
  PROXY_PID=$!
  wait_port "$port" || { echo "$name did not listen on $port:"; tail -n 20 "$WORK/$name-$path.log"; return 1; }
  case "$path" in wss|media) wait_port 8461 || return 1 ;; esac
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
  local path=$1 rate=$2 rtt=${3:-} calls dir start end uas="" uas2="" t
  calls=$((rate * STEP_SECONDS))
  dir="$WORK/step-$path-$rate${rtt:+-rtt}"; mkdir -p "$dir"
  local extra=()
  [ -n "$rtt" ] && extra=(-trace_rtt -rtt_freq 1)
  if [ "$path" = wss ] || [ "$path" = media ]; then
    start=$(date +%s.%N)
    (cd "$dir" && timeout $((STEP_SECONDS + 60)) sipp -sf "$HERE/tools/uac_users.xml" 127.0.0.1:5460 -i 127.0.0.1 -p 5461 -t u1 \
      -inf "$WORK/users.csv" -r "$rate" -m "$calls" -l "$calls" -d 0 -nostdin -timeout $((STEP_SECONDS + 30)) -timeout_error \
      -max_socket 2000 -buff_size "$SIPP_BUFFER" "${extra[@]}" > uac.out 2>&1) || true
  else
    # the caller on the path's transport; relay.cfg sends on to the UAS over UDP (its URI names no transport)
    t=u1; [ "$path" = tcp ] && t=t1
    (cd "$dir" && sipp -sf "$SCENARIOS/uas_rr.xml" -i 127.0.0.1 -p 5070 -t u1 -buff_size "$SIPP_BUFFER" -nostdin -bg > uas.out 2>&1) || true
    # the load balancer's second gateway
    if [ "$path" = lb ]; then
      (cd "$dir" && sipp -sf "$SCENARIOS/uas_rr.xml" -i 127.0.0.1 -p 5071 -t u1 -buff_size "$SIPP_BUFFER" -nostdin -bg > uas2.out 2>&1) || true
    fi
    sleep 0.3
    uas=$(pgrep -n -f "uas_rr.xml -i 127.0.0.1 -p 5070" || true)
    [ "$path" = lb ] && uas2=$(pgrep -n -f "uas_rr.xml -i 127.0.0.1 -p 5071" || true)
    start=$(date +%s.%N)
    (cd "$dir" && timeout $((STEP_SECONDS + 60)) sipp -sf "$SCENARIOS/uac_rr.xml" 127.0.0.1:5060 -s service -i 127.0.0.1 \
      -p 5061 -t $t -r "$rate" -m "$calls" -l 20000 -d 0 -nostdin -timeout $((STEP_SECONDS + 30)) -timeout_error \
      -max_socket 2000 -buff_size "$SIPP_BUFFER" "${extra[@]}" > uac.out 2>&1) || true
  fi
  end=$(date +%s.%N)
  # (set -e: a failing last command of an && list ends the run, hence if ... fi and || true here)
  if [ -n "$uas" ]; then kill "$uas" 2>/dev/null || true; fi
  if [ -n "$uas2" ]; then kill "$uas2" 2>/dev/null || true; fi
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

# start_rtpengine: a fresh rtpengine for the media path (userspace, loopback, sessions freed at once on delete)
start_rtpengine() {
  "$RTPENGINE" --config-file=none --table=-1 --interface=127.0.0.1 --listen-ng=127.0.0.1:5490 --delete-delay=0 \
    --foreground --log-stderr --log-level=4 --pidfile="$WORK/rtpengine.pid" > "$WORK/rtpengine.log" 2>&1 &
  RTPENGINE_PID=$!
  sleep 1.5   # it makes its DTLS certificate before it answers
}

stop_rtpengine() {
  [ -n "${RTPENGINE_PID:-}" ] && { kill "$RTPENGINE_PID" 2>/dev/null; wait "$RTPENGINE_PID" 2>/dev/null || true; }
  RTPENGINE_PID=""
}

# start_browsers NAME [sdp]: BROWSERS WSS clients registered with the gateway (one more try when they
# do not); with sdp they answer with a browser's SDP (DTLS-SRTP, ICE), for the media relay to answer
start_browsers() {
  local try sdp=()
  [ "${2:-}" = sdp ] && sdp=(-Dbrowsers.sdp=webrtc)
  for try in 1 2; do
    rm -f "$WORK/browsers.in"; mkfifo "$WORK/browsers.in"
    java "${sdp[@]}" -cp "$SIPWAY_JAR" benchmarks/tools/WssBrowsers.java wss://127.0.0.1:8461/ "$BROWSERS" < "$WORK/browsers.in" \
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
  case "$path" in udp) rates=$RATES_UDP ;; tcp) rates=$RATES_TCP ;; wss) rates=$RATES_WSS ;; lb) rates=$RATES_LB ;;
    media) rates=$RATES_MEDIA ;; esac
  for name in $PROXIES; do
    if [ "$name" = kamailio ] && ! command -v "$KAMAILIO" >/dev/null 2>&1; then
      echo "kamailio: not installed, $path measured for Sipway only"; continue
    fi
    [ "$path" = media ] && start_rtpengine
    start_proxy "$name" "$path" || { stop_rtpengine; continue; }
    if [ "$path" = wss ] && ! start_browsers "$name"; then
      echo "$name wss: skipped"; stop_proxy; continue
    fi
    if [ "$path" = media ] && ! start_browsers "$name" sdp; then
      echo "$name media: skipped"; stop_proxy; stop_rtpengine; continue
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
      # the load balancer marks gateways that timed out under overload down (its failure route), and
      # SIPp's gateways do not answer the probes that would bring them back: a fresh start measures it
      if [ "$path" = lb ]; then
        stop_proxy; start_proxy "$name" "$path" || continue
        sipp_step "$path" "$(echo "$rates" | cut -d' ' -f1)" > /dev/null   # warm-up, as before the ramp
      fi
      # media: the ng commands and their answers captured meanwhile, for the control round trip
      [ "$path" = media ] && { tcpdump -i lo -w "$WORK/ng-$name.pcap" -U udp port 5490 > /dev/null 2>&1 & CAPTURE_PID=$!; sleep 1; }
      sipp_step "$path" "$half" rtt > /dev/null
      if [ "$path" = media ]; then
        sleep 1; kill "$CAPTURE_PID" 2>/dev/null; wait "$CAPTURE_PID" 2>/dev/null || true; CAPTURE_PID=""
        echo "$name $(python3 "$HERE/tools/ng_rtt.py" "$WORK/ng-$name.pcap" 5490) (at $half calls/s)" >> "$WORK/ng-rtt"
      fi
      if [ -s "$WORK/rtt.csv" ]; then p50=$(percentile 50 "$WORK/rtt.csv"); p99=$(percentile 99 "$WORK/rtt.csv"); fi
    fi
    last=$(echo "$rates" | awk '{print $NF}')
    capped=no; [ "$top" = "$last" ] && capped=yes
    echo "$name $path: top_rate=$top$( [ $capped = yes ] && echo ' (the ramp'"'"'s end)') p50_ms=$p50 p99_ms=$p99 (at $((top / 2)) calls/s)"
    echo "$path $name $top $p50 $p99 $capped" >> "$SUMMARY"
    if [ "$path" = wss ] || [ "$path" = media ]; then stop_browsers; fi
    stop_proxy
    [ "$path" = media ] && stop_rtpengine
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
  if [ -s "$WORK/ng-rtt" ]; then
    echo
    echo "media: the wss path through the gateway's media relay (WITH_RTPENGINE: rtpengine_offer towards the browser,"
    echo "rtpengine_answer on its 200, rtpengine_delete on BYE), rtpengine on the same machine. The control round trip,"
    echo "from a command's packet to its answer's on the loopback (tcpdump on the ng port), during the p50/p99 step:"
    echo
    sed 's/^/    /' "$WORK/ng-rtt"
  fi
} > "$RESULTS/load.md"
cat "$RESULTS/load.md"
echo "wrote $CSV, $RESULTS/load.md and $(ls "$RESULTS"/load-*.png | tr '\n' ' ')"
