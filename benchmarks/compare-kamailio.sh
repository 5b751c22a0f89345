#!/usr/bin/env bash
# Side by side: the highest call rate Sipway and Kamailio 5.6.3 each relay without losing calls, measured
# in one run on this machine with the same script (benchmarks/peers/relay.cfg) and the same SIPp load
# (benchmarks/peers/relay-load.sh RATE CALLS u1: UAC :5061 -> proxy :5060 -> UAS :5070, loopback, with the
# scenarios of examples/sipp).
#
# Usage: benchmarks/compare-kamailio.sh            (from anywhere; paths are found from this file)
#
# For each proxy in turn (Sipway first, then Kamailio when installed): start it, run one warm-up step at
# the start rate, then ramp: rates from START_RATE up by STEP_FACTOR until a step fails, then a binary
# search between the last good and the first bad rate down to a resolution of RESOLUTION_PCT percent.
# A step is good when at least 99.9% of its calls complete (SIPp's successful-call count) and SIPp
# achieved at least MIN_ACHIEVED of the asked rate (else the rate was not sustained: the proxy, or SIPp
# sharing its cores, saturated). One line per step, with the machine's 1-minute load average (other work on
# the machine skews a run: compare load= across the two proxies); the last line is the summary:
#     sipway_max_cps=... kamailio_max_cps=... ratio=...
# Only ratios are comparable: SIPp shares the machine's cores with the proxy under test.
#
# Environment (defaults):
#   START_RATE=200  STEP_FACTOR=1.25  RESOLUTION_PCT=3  MAX_RATE=20000
#   STEP_SECONDS=10 (calls per step = rate * STEP_SECONDS, at least MIN_CALLS=1000, at most MAX_CALLS=50000)
#   STEP_TIMEOUT=120 (seconds a step may take beyond its nominal length before it is killed and failed)
#   MAX_STEPS=20 (per proxy)  MIN_ACHIEVED=0.95  PAUSE=3 (seconds between steps, for transactions to drain)
#   RETRY=1 (a bad step is run again this many times before it counts as bad: one transient stall, of
#            either proxy or of SIPp, does not end a ramp)
#   RUNS=1 (whole measurements, the proxies' order alternating from run to run; with several, the summary
#           line gives the medians and a runs= list of every run's figures)
#   PORT_WAIT=60 (seconds to wait for 5060, 5061 and 5070 to be free before a proxy starts)
#   SIPWAY_CMD  the Sipway launcher, to which "-f CFG" is appended (default: ./sipway of the project
#               root, which builds proxy-app/target/sipway.jar on first use)
#   KAMAILIO=kamailio  MODPATH=/usr/lib/x86_64-linux-gnu/kamailio/modules/
#   PEERS=benchmarks/peers (relay.cfg and relay-load.sh)   PROXIES="sipway kamailio" (to run just one)
#   KEEP_LOGS=1 keeps the proxies' logs and the step outputs (printed path)
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PEERS=${PEERS:-$HERE/peers}
CFG="$PEERS/relay.cfg"
LOAD="$PEERS/relay-load.sh"
START_RATE=${START_RATE:-200}
STEP_FACTOR=${STEP_FACTOR:-1.25}
RESOLUTION_PCT=${RESOLUTION_PCT:-3}
MAX_RATE=${MAX_RATE:-20000}
STEP_SECONDS=${STEP_SECONDS:-10}
MIN_CALLS=${MIN_CALLS:-1000}
MAX_CALLS=${MAX_CALLS:-50000}
STEP_TIMEOUT=${STEP_TIMEOUT:-120}
MAX_STEPS=${MAX_STEPS:-20}
MIN_ACHIEVED=${MIN_ACHIEVED:-0.95}
PAUSE=${PAUSE:-3}
PORT_WAIT=${PORT_WAIT:-60}
RETRY=${RETRY:-1}
RUNS=${RUNS:-1}
KAMAILIO=${KAMAILIO:-kamailio}
MODPATH=${MODPATH:-/usr/lib/x86_64-linux-gnu/kamailio/modules/}
PROXIES=${PROXIES:-sipway kamailio}

for f in "$CFG" "$LOAD"; do
  [ -e "$f" ] || { echo "compare-kamailio: missing $f (set PEERS to the folder with relay.cfg and relay-load.sh)" >&2; exit 2; }
done
for tool in sipp ss setsid bc; do
  command -v "$tool" >/dev/null 2>&1 || { echo "compare-kamailio: $tool is not installed" >&2; exit 2; }
done

cd "$ROOT"   # Sipway runs from the project root, as ./sipway expects
LOGS=$(mktemp -d)
PROXY_PGID=""   # process group of the proxy under test (started with setsid, so its id is the group id)
STEP_PGID=""    # process group of the running relay-load.sh (its SIPp UAC and UAS)

# The pids below $1 (children, grandchildren, ...), from ps.
descendants() {
  local c
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$c"
    descendants "$c"
  done
}

# Ends what was started under process group $1 (its leader's pid): the group and every descendant of
# the leader, which matters because relay-load.sh runs SIPp under `timeout`, which moves itself and
# SIPp into a group of their own. TERM, up to 10 s of grace, then KILL.
stop_group() {
  local pgid=$1 pids i p alive
  [ -n "$pgid" ] || return 0
  pids="$pgid $(descendants "$pgid")"
  kill -TERM -- "-$pgid" 2>/dev/null
  kill -TERM $pids 2>/dev/null
  for i in $(seq 1 50); do
    alive=""
    kill -0 -- "-$pgid" 2>/dev/null && alive=yes
    for p in $pids; do kill -0 "$p" 2>/dev/null && alive=yes; done
    [ -z "$alive" ] && return 0
    sleep 0.2
  done
  kill -KILL -- "-$pgid" 2>/dev/null
  kill -KILL $pids 2>/dev/null
  sleep 0.2
}

cleanup() {
  stop_group "$STEP_PGID"; STEP_PGID=""
  stop_group "$PROXY_PGID"; PROXY_PGID=""
  if [ -n "${KEEP_LOGS:-}" ]; then echo "logs kept in $LOGS"; else rm -rf "$LOGS"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

busy() { ss -Hlnut "sport = :$1" 2>/dev/null | grep -q .; }

# Waits up to PORT_WAIT seconds for the topology's ports to be free; fails (returns 1) if one stays taken.
ports_free() {
  local p i
  for i in $(seq 1 $((PORT_WAIT * 5))); do
    for p in 5060 5061 5070; do
      busy "$p" && break
      [ "$p" = 5070 ] && return 0
    done
    sleep 0.2
  done
  echo "compare-kamailio: port $p is in use, the measurement would be wrong:" >&2
  ss -Hlnutp "sport = :$p" >&2
  return 1
}

# start_proxy NAME READY_SECONDS COMMAND...: starts it in its own process group, waits until :5060 listens.
start_proxy() {
  local name=$1 ready=$2 i
  shift 2
  ports_free || return 1
  setsid "$@" > "$LOGS/$name.log" 2>&1 &
  PROXY_PGID=$!
  for i in $(seq 1 $((ready * 10))); do
    if ! kill -0 "$PROXY_PGID" 2>/dev/null; then
      echo "$name: exited before listening; its log ends with:"; tail -n 15 "$LOGS/$name.log" | sed 's/^/    /'
      PROXY_PGID=""
      return 1
    fi
    if busy 5060; then
      sleep 1   # workers up
      return 0
    fi
    sleep 0.1
  done
  echo "$name: not listening on 5060 after ${ready} s; its log ends with:"; tail -n 15 "$LOGS/$name.log" | sed 's/^/    /'
  stop_group "$PROXY_PGID"; PROXY_PGID=""
  return 1
}

stop_proxy() {
  local i
  stop_group "$PROXY_PGID"; PROXY_PGID=""
  for i in $(seq 1 50); do busy 5060 || return 0; sleep 0.2; done
}

# step NAME LABEL RATE: one relay-load.sh run; prints its line; returns 0 when good.
step() {
  local name=$1 label=$2 rate=$3 calls limit line ok failed cps verdict i
  calls=$((rate * STEP_SECONDS))
  [ "$calls" -lt "$MIN_CALLS" ] && calls=$MIN_CALLS
  [ "$calls" -gt "$MAX_CALLS" ] && calls=$MAX_CALLS
  limit=$((calls / rate + STEP_TIMEOUT))
  setsid "$LOAD" "$rate" "$calls" u1 > "$LOGS/$name-$label-$rate.out" 2>&1 &
  STEP_PGID=$!
  for i in $(seq 1 $((limit * 10))); do
    kill -0 "$STEP_PGID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$STEP_PGID" 2>/dev/null; then
    echo "$name $label: rate=$rate calls=$calls killed after ${limit} s -> bad"
    stop_group "$STEP_PGID"; STEP_PGID=""
    return 1
  fi
  wait "$STEP_PGID" 2>/dev/null
  stop_group "$STEP_PGID"; STEP_PGID=""   # whatever the step left behind
  line=$(grep '^rate=' "$LOGS/$name-$label-$rate.out" | tail -n 1)
  ok=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<< "$line")
  failed=$(sed -n 's/.* failed=\([^ ]*\).*/\1/p' <<< "$line")
  cps=$(sed -n 's/.* achieved_cps=\([0-9.]*\).*/\1/p' <<< "$line")
  ok=${ok:-0}; cps=${cps:-0}
  verdict=bad
  if [ $((ok * 1000)) -ge $((calls * 999)) ] && [ "$(echo "$cps >= $rate * $MIN_ACHIEVED" | bc)" = 1 ]; then
    verdict=good
  fi
  echo "$name $label: ${line:-rate=$rate calls=$calls (no result line)} load=$(cut -d' ' -f1 /proc/loadavg) -> $verdict"
  sleep "$PAUSE"
  [ "$verdict" = good ]
}

# try_step NAME LABEL RATE: step, run again up to RETRY times while it is bad.
try_step() {
  local i
  step "$@" && return 0
  for i in $(seq 1 "$RETRY"); do
    step "$1" "$2-retry$i" "$3" && return 0
  done
  return 1
}

# ramp NAME: prints the steps; sets MAX_CPS to the highest good rate (0 when none).
ramp() {
  local name=$1 rate good=0 bad=0 n=0 mid
  step "$name" warmup "$START_RATE" >/dev/null || true
  echo "$name warmup done (rate=$START_RATE)"
  rate=$START_RATE
  while [ "$n" -lt "$MAX_STEPS" ]; do
    n=$((n + 1))
    if try_step "$name" "step$n" "$rate"; then
      good=$rate
      rate=$(echo "r = $rate * $STEP_FACTOR; scale=0; (r + 0.999) / 1" | bc)
      [ "$rate" -gt "$MAX_RATE" ] && { echo "$name: MAX_RATE=$MAX_RATE reached"; break; }
    else
      bad=$rate
      break
    fi
  done
  while [ "$bad" -gt 0 ] && [ "$n" -lt "$MAX_STEPS" ] && [ $(((bad - good) * 100)) -gt $((bad * RESOLUTION_PCT)) ]; do
    n=$((n + 1))
    mid=$(((good + bad) / 2))
    if try_step "$name" "step$n" "$mid"; then good=$mid; else bad=$mid; fi
  done
  MAX_CPS=$good
}

echo "compare-kamailio: $(nproc) cores, cfg $CFG, start $START_RATE cps x$STEP_FACTOR, ${STEP_SECONDS} s per step, retry $RETRY, runs $RUNS"

if [[ " $PROXIES " == *" sipway "* ]] && [ -z "${SIPWAY_CMD:-}" ]; then
  # first use: ./sipway builds the jar; do it (and check the script) before anything is timed
  ./sipway -c -f "$CFG" > "$LOGS/sipway-check.log" 2>&1 \
    || { echo "sipway: '-c -f $CFG' failed:"; tail -n 15 "$LOGS/sipway-check.log" | sed 's/^/    /'; }
fi

# measure NAME: one ramp of that proxy; sets MAX_CPS (n/a when it could not run).
measure() {
  MAX_CPS=n/a
  case "$1" in
    sipway)
      if [ -n "${SIPWAY_CMD:-}" ]; then read -r -a sipway_cmd <<< "$SIPWAY_CMD"; else sipway_cmd=("$ROOT/sipway"); fi
      echo "sipway: ${sipway_cmd[*]} -f $CFG"
      if start_proxy sipway 120 "${sipway_cmd[@]}" -f "$CFG"; then
        ramp sipway
        stop_proxy
      fi ;;
    kamailio)
      if command -v "$KAMAILIO" >/dev/null 2>&1; then
        echo "kamailio: $("$KAMAILIO" -v 2>/dev/null | head -n 1)"
        if start_proxy kamailio 30 "$KAMAILIO" -DD -E -m 1024 -f "$CFG" -A "MODPATH=\"$MODPATH\""; then
          ramp kamailio
          stop_proxy
        fi
      else
        echo "kamailio: not installed"
      fi ;;
  esac
}

# median of the numbers given (n/a when none)
median() {
  local sorted n
  sorted=$(printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g)
  n=$(printf '%s' "$sorted" | grep -c .)
  [ "$n" -eq 0 ] && { echo n/a; return; }
  if [ $((n % 2)) -eq 1 ]; then
    sed -n "$(((n + 1) / 2))p" <<< "$sorted"
  else
    echo "scale=2; ($(sed -n "$((n / 2))p" <<< "$sorted") + $(sed -n "$((n / 2 + 1))p" <<< "$sorted")) / 2" | bc
  fi
}

ratio() {
  if [[ "$1" =~ ^[0-9]+$ && "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]]; then echo "scale=2; $1 / $2" | bc; else echo n/a; fi
}

SIPWAY_ALL=(); KAMAILIO_ALL=(); RATIO_ALL=(); RUN_LINES=()
order=($PROXIES)
for run in $(seq 1 "$RUNS"); do
  SIPWAY_MAX=n/a; KAMAILIO_MAX=n/a
  [ "$RUNS" -gt 1 ] && echo "run $run: ${order[*]}"
  for name in "${order[@]}"; do
    measure "$name"
    case "$name" in sipway) SIPWAY_MAX=$MAX_CPS ;; kamailio) KAMAILIO_MAX=$MAX_CPS ;; esac
  done
  r=$(ratio "$SIPWAY_MAX" "$KAMAILIO_MAX")
  SIPWAY_ALL+=("$SIPWAY_MAX"); KAMAILIO_ALL+=("$KAMAILIO_MAX"); RATIO_ALL+=("$r")
  RUN_LINES+=("$SIPWAY_MAX/$KAMAILIO_MAX=$r")
  [ "$RUNS" -gt 1 ] && echo "run $run: sipway_max_cps=$SIPWAY_MAX kamailio_max_cps=$KAMAILIO_MAX ratio=$r"
  # the next run starts with the other proxy: neither always gets the fresher machine
  order=($(printf '%s\n' "${order[@]}" | tac))
done

if [ "$RUNS" -gt 1 ]; then
  echo "sipway_max_cps=$(median "${SIPWAY_ALL[@]}") kamailio_max_cps=$(median "${KAMAILIO_ALL[@]}") ratio=$(median "${RATIO_ALL[@]}") (medians) runs=${RUN_LINES[*]}"
else
  echo "sipway_max_cps=${SIPWAY_ALL[0]} kamailio_max_cps=${KAMAILIO_ALL[0]} ratio=${RATIO_ALL[0]}"
fi
