# benchmarks/run.sh soak [--smoke]: sourced by run.sh (its helpers, HERE, ROOT, SMOKE, RESULTS,
# SIPWAY_JAR, BENCH_JAR, set -euo pipefail), which documents the settings in its header.
#
# One Sipway (through ./sipway, the launcher's JVM defaults; benchmarks/peers/soak.cfg) serves at once,
# for SOAK_MINUTES: SIPp calls over UDP and over TCP to a SIPp UAS (user "service", relayed over UDP),
# and SIPp calls over UDP to BROWSERS browsers registered over WSS (benchmarks/tools/WssBrowsers.java)
# of which one reloads every CHURN_SECONDS (a new connection registers, the old one vanishes without
# unregistering once its calls are over). Every SAMPLE_SECONDS a row of soak.csv; then the verdicts.

install_missing sipp=sip-tester ss=iproute2 openssl=openssl curl=curl bc=bc
# Ports of soak.cfg (proxy: SIP 5760 udp+tcp, WS 8760, WSS 8761; UAS 5770), the callers and the RPC
P_SIP=5760; P_WS=8760; P_WSS=8761; P_UAS=5770; P_RPC=5789
declare -A P_UAC=([udp]=5761 [tcp]=5762 [wss]=5763)
PATHS3="udp tcp wss"
SOAK_CFG=$HERE/peers/soak.cfg
SIPP_BUFFER=${SIPP_BUFFER:-4194304}
JAR=$(realpath "$SIPWAY_JAR")   # run.sh is in ROOT; the proxy runs in its own directory

if [ -n "$SMOKE" ]; then
  RATE_UDP=30; RATE_TCP=20; RATE_WSS=10; SOAK_MINUTES=0.5; SAMPLE_SECONDS=5; BROWSERS=10; CHURN_SECONDS=2; SETTLE_MAX=20
  WARMUP_SECONDS=0
else
  # 80% of this 2-core machine's CPU with everything on it (the proxy, four SIPp and the browsers):
  # measured, 2,100 calls/s in this mix took 76%. (The load ramp's top rates of load.md are 5 s
  # bursts the proxy absorbs in its queues, not a rate it sustains for half an hour.) soak.md
  # reports the share of the CPU the load took: on another machine, scale the rates to it.
  RATE_UDP=${RATE_UDP:-1100}
  RATE_TCP=${RATE_TCP:-850}
  RATE_WSS=${RATE_WSS:-300}
  SOAK_MINUTES=${SOAK_MINUTES:-30}
  SAMPLE_SECONDS=${SAMPLE_SECONDS:-10}
  BROWSERS=${BROWSERS:-200}
  CHURN_SECONDS=${CHURN_SECONDS:-5}
  SETTLE_MAX=${SETTLE_MAX:-60}
  WARMUP_SECONDS=${WARMUP_SECONDS:-30}
fi
declare -A RATE=([udp]=$RATE_UDP [tcp]=$RATE_TCP [wss]=$RATE_WSS)
DURATION=$(awk -v m="$SOAK_MINUTES" 'BEGIN {printf "%d", m * 60}')
[ "$DURATION" -gt 0 ] || { echo "run.sh soak: SOAK_MINUTES=$SOAK_MINUTES is under a second" >&2; exit 2; }
declare -A CALLS
for p in $PATHS3; do CALLS[$p]=$((RATE[$p] * DURATION)); done

WORK=$(mktemp -d)
PROXY_PID=""; UAS_PID=""; BROWSERS_PID=""
declare -A UAC_PID=()
soak_cleanup() {
  local pid
  for pid in "${UAC_PID[@]}" "$UAS_PID" "$BROWSERS_PID"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  done
  exec 3>&- 2>/dev/null || true
  if [ -n "$PROXY_PID" ]; then
    kill "$PROXY_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$PROXY_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$PROXY_PID" 2>/dev/null || true
  fi
  if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap '' PIPE   # a browsers tool that died must not take the run (and its verdicts) with it
trap soak_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The proxy's directory: soak.cfg with a throw-away certificate in tls.cfg beside it.
mkdir -p "$WORK/proxy"
cp "$SOAK_CFG" "$WORK/proxy/soak.cfg"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$WORK/proxy/key.pem" -out "$WORK/proxy/cert.pem" >/dev/null 2>&1
printf '[server:default]\nmethod = TLSv1.2+\ncertificate = %s\nprivate_key = %s\n' "$WORK/proxy/cert.pem" "$WORK/proxy/key.pem" \
  > "$WORK/proxy/tls.cfg"
{ echo SEQUENTIAL; for i in $(seq 0 $((BROWSERS - 1))); do printf 'user%04d;\n' "$i"; done; } > "$WORK/users.csv"

# read_stats: ST[name] of the proxy's statistics the rows need (JSON-RPC stats.get_statistics), -1
# for one the proxy did not answer
declare -A ST=()
read_stats() {
  local name value answer
  answer=$(curl -s -m 5 -X POST "http://127.0.0.1:$P_RPC/RPC" -d '{"jsonrpc":"2.0","method":"stats.get_statistics","id":1,
    "params":["inuse_transactions","current_opened_connections","ws_current_connections","location_contacts"]}' || true)
  ST=([inuse_transactions]=-1 [current_opened_connections]=-1 [ws_current_connections]=-1 [location_contacts]=-1)
  while read -r name value; do
    if [ -n "$name" ]; then ST[$name]=$value; fi
  done <<< "$(grep -o '"[a-z]*:[a-z_]* = [0-9]*"' <<< "$answer" | tr -d '"' | sed 's/^[a-z]*://; s/ = / /' || true)"
}
# calls PATH: "ok failed" of that path's caller so far: its final screen once it is over, else the
# last row of its statistics file (-trace_stat, every second)
calls() {
  local out="$WORK/$1/uac.out" stat
  if [ -z "${UAC_PID[$1]:-}" ] && grep -q "Successful call" "$out" 2>/dev/null; then
    awk -F'|' '/Successful call/ {gsub(/ /, "", $3); ok = $3} /Failed call/ {gsub(/ /, "", $3); f = $3}
      END {print ok + 0, f + 0}' "$out"
    return
  fi
  stat=$(ls "$WORK/$1"/*_.csv 2>/dev/null | head -1 || true)
  if [ -z "$stat" ]; then echo "0 0"; return; fi
  awk -F';' 'NR == 1 {for (i = 1; i <= NF; i++) {if ($i == "SuccessfulCall(C)") s = i; if ($i == "FailedCall(C)") f = i}; next}
    {ok = $s; fl = $f} END {print ok + 0, fl + 0}' "$stat"
}
CSV="$RESULTS/soak.csv"
echo "seconds,phase,rss_kib,transactions,connections,ws_connections,contacts,udp_ok,udp_failed,tcp_ok,tcp_failed,wss_ok,wss_failed,reconnects" > "$CSV"
declare -A LAST=()   # the last row's values by column name
# sample PHASE: one row of soak.csv (before, load, after, gone)
sample() {
  local row p
  read_stats
  LAST=([seconds]=$(( $(date +%s) - T0 )) [phase]=$1 [rss_kib]=$(awk '/^VmRSS/ {print $2}' "/proc/$PROXY_PID/status" 2>/dev/null || echo 0)
        [transactions]=${ST[inuse_transactions]} [connections]=${ST[current_opened_connections]}
        [ws_connections]=${ST[ws_current_connections]} [contacts]=${ST[location_contacts]}
        [reconnects]=$(grep -c '^reconnect ' "$WORK/browsers.out" 2>/dev/null || true))
  for p in $PATHS3; do read -r "LAST[${p}_ok]" "LAST[${p}_failed]" <<< "$(calls "$p")"; done
  row="${LAST[seconds]},$1,${LAST[rss_kib]},${LAST[transactions]},${LAST[connections]},${LAST[ws_connections]},${LAST[contacts]}"
  for p in $PATHS3; do row="$row,${LAST[${p}_ok]},${LAST[${p}_failed]}"; done
  echo "$row,${LAST[reconnects]:-0}" >> "$CSV"
  echo "soak: t=${LAST[seconds]}s $1 rss_kib=${LAST[rss_kib]} transactions=${LAST[transactions]} connections=${LAST[connections]}" \
       "udp=${LAST[udp_ok]}/${LAST[udp_failed]} tcp=${LAST[tcp_ok]}/${LAST[tcp_failed]} wss=${LAST[wss_ok]}/${LAST[wss_failed]}" \
       "(ok/failed) reconnects=${LAST[reconnects]:-0} load=$(cut -d' ' -f1 /proc/loadavg)"
}
# wait_until SECONDS CONDITION: reads the statistics every second until CONDITION (an arithmetic
# expression over ST[...]) holds, for up to SECONDS; 1 when it never held
wait_until() {
  local i
  for i in $(seq 1 "$1"); do
    read_stats
    if (( $2 )); then return 0; fi
    sleep 1
  done
  return 1
}

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
echo "run.sh soak: $(nproc) cores, ${DURATION} s at udp=${RATE[udp]} tcp=${RATE[tcp]} wss=${RATE[wss]} calls/s," \
     "$BROWSERS browsers (one reloads every ${CHURN_SECONDS} s), a row every ${SAMPLE_SECONDS} s; load=$(cut -d' ' -f1 /proc/loadavg)"
wait_free "$P_SIP" "$P_WS" "$P_WSS" "$P_UAS" "$P_RPC" "${P_UAC[@]}"
STARTED=$(date +%s)
(cd "$WORK/proxy" && SIPWAY_JAR=$JAR exec "$ROOT/sipway" --rpc-listen "127.0.0.1:$P_RPC" -f soak.cfg > "$WORK/proxy.log" 2>&1) &
PROXY_PID=$!
for p in "$P_SIP" "$P_WSS" "$P_RPC"; do
  wait_port "$p" || { echo "run.sh soak: the proxy did not listen on $p:" >&2; tail -n 20 "$WORK/proxy.log" >&2; exit 1; }
done
# the launcher execs java: PROXY_PID is the JVM whose VmRSS the rows take
echo "soak: the proxy listens after $(( $(date +%s) - STARTED )) s"

mkdir -p "$WORK/uas"
(cd "$WORK/uas" && exec timeout $((DURATION + SETTLE_MAX + 600)) sipp -sf "$SCENARIOS/uas_rr.xml" -i 127.0.0.1 -p "$P_UAS" -t u1 \
   -buff_size "$SIPP_BUFFER" -nostdin > uas.out 2>&1) &
UAS_PID=$!
wait_port "$P_UAS" || { echo "run.sh soak: the UAS did not listen:" >&2; tail -n 10 "$WORK/uas/uas.out" >&2; exit 1; }

mkfifo "$WORK/browsers.in"
java -cp "$SIPWAY_JAR" "$HERE/tools/WssBrowsers.java" "wss://127.0.0.1:$P_WSS/" "$BROWSERS" "$CHURN_SECONDS" \
  < "$WORK/browsers.in" > "$WORK/browsers.out" 2>&1 &
BROWSERS_PID=$!
exec 3> "$WORK/browsers.in"
for _ in $(seq 1 1300); do grep -q '^registered' "$WORK/browsers.out" 2>/dev/null && break; sleep 0.1; done
if ! grep -q "^registered $BROWSERS\$" "$WORK/browsers.out"; then
  echo "run.sh soak: the browsers did not register:" >&2; tail -n 5 "$WORK/browsers.out" >&2; exit 1
fi

# caller_args PATH: SIPp's scenario, callee and transport of that path's caller, in args
caller_args() {
  case "$1" in
    udp) args=(-sf "$SCENARIOS/uac_rr.xml" -s service -t u1) ;;
    tcp) args=(-sf "$SCENARIOS/uac_rr.xml" -s service -t t1) ;;
    wss) args=(-sf "$HERE/tools/uac_users.xml" -inf "$WORK/users.csv" -t u1) ;;
  esac
}
# A warm-up, not counted: each path at a quarter of its rate for WARMUP_SECONDS, so that the load
# meets a proxy whose code is compiled (its first seconds under full load are the JIT's, not the
# steady state a soak is about). Its calls are reported on their own.
WARMUP_TEXT="none"
if [ "$WARMUP_SECONDS" -gt 0 ]; then
  declare -A WPID=()
  for p in $PATHS3; do
    mkdir -p "$WORK/warmup-$p"
    caller_args "$p"
    wrate=$(( (RATE[$p] + 3) / 4 ))
    (cd "$WORK/warmup-$p" && exec timeout $((WARMUP_SECONDS + 120)) sipp "${args[@]}" "127.0.0.1:$P_SIP" -i 127.0.0.1 \
       -p "${P_UAC[$p]}" -r "$wrate" -m $((wrate * WARMUP_SECONDS)) -l 20000 -d 0 -nostdin -timeout $((WARMUP_SECONDS + 90)) \
       -timeout_error -max_socket 2000 -buff_size "$SIPP_BUFFER" > uac.out 2>&1) &
    WPID[$p]=$!
  done
  WARMUP_TEXT=""
  for p in $PATHS3; do
    wait "${WPID[$p]}" || true
    read -r wok wfl <<< "$(awk -F'|' '/Successful call/ {gsub(/ /, "", $3); ok = $3} /Failed call/ {gsub(/ /, "", $3); f = $3}
      END {print ok + 0, f + 0}' "$WORK/warmup-$p/uac.out")"
    WARMUP_TEXT="$WARMUP_TEXT$p $wok ok, $wfl failed; "
  done
  WARMUP_TEXT="${WARMUP_TEXT%; }"
  echo "soak: warm-up of ${WARMUP_SECONDS} s at a quarter of the rates: $WARMUP_TEXT"
  sleep 6   # the warm-up's transactions end (wt_timer)
fi

T0=$(date +%s)
# the machine's CPU time, busy and all, from /proc/stat's first line (clock ticks): how much of the
# machine the load took is the busy share between the load's start and its end
cpu_ticks() { awk '/^cpu / {busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6}' /proc/stat; }
read -r CPU_BUSY0 CPU_ALL0 <<< "$(cpu_ticks)"
echo "soak: $BROWSERS browsers registered after $((T0 - STARTED)) s"
sample before
# the three callers, each a bounded number of calls (-m) within SIPp's own time limit and timeout's
for p in $PATHS3; do
  mkdir -p "$WORK/$p"
  caller_args "$p"
  (cd "$WORK/$p" && exec timeout $((DURATION + 180)) sipp "${args[@]}" "127.0.0.1:$P_SIP" -i 127.0.0.1 -p "${P_UAC[$p]}" \
     -r "${RATE[$p]}" -m "${CALLS[$p]}" -l 20000 -d 0 -nostdin -timeout $((DURATION + 120)) -timeout_error \
     -max_socket 2000 -buff_size "$SIPP_BUFFER" -trace_stat -fd 1 -trace_err > uac.out 2>&1) &
  UAC_PID[$p]=$!
done
next=$((T0 + SAMPLE_SECONDS))
while :; do
  running=0
  for p in $PATHS3; do
    if [ -n "${UAC_PID[$p]}" ]; then
      if kill -0 "${UAC_PID[$p]}" 2>/dev/null; then running=1; else wait "${UAC_PID[$p]}" || true; UAC_PID[$p]=""; fi
    fi
  done
  [ "$running" = 1 ] || break
  if [ "$(date +%s)" -ge "$next" ]; then sample load; next=$((next + SAMPLE_SECONDS)); fi
  sleep 1
done
LOAD_END=$(( $(date +%s) - T0 ))
read -r CPU_BUSY1 CPU_ALL1 <<< "$(cpu_ticks)"
CPU_BUSY_PCT=$(awk -v b=$((CPU_BUSY1 - CPU_BUSY0)) -v a=$((CPU_ALL1 - CPU_ALL0)) 'BEGIN {printf "%.0f", (a > 0 ? b * 100 / a : 0)}')
echo "soak: the machine's CPU was ${CPU_BUSY_PCT}% busy during the load (SIPp, the browsers and the proxy)"
sample load

# After the load: the browsers stop reloading, then the transactions end (wait and fr timers) and
# the callers' TCP connection closes: only the browsers' connections are left.
echo "churn off" >&3 || true
for _ in $(seq 1 900); do grep -q '^churn stopped' "$WORK/browsers.out" && break; sleep 0.1; done
wait_until "$SETTLE_MAX" "ST[inuse_transactions] == 0 && ST[current_opened_connections] == $BROWSERS" || true
sample after
declare -A AFTER=(); for k in "${!LAST[@]}"; do AFTER[$k]=${LAST[$k]}; done
echo >&3 || true   # the browsers leave
exec 3>&-
for _ in $(seq 1 100); do kill -0 "$BROWSERS_PID" 2>/dev/null || break; sleep 0.1; done
wait "$BROWSERS_PID" 2>/dev/null || true
BROWSERS_PID=""
wait_until 15 "ST[current_opened_connections] == 0" || true
sample gone
GONE_CONNECTIONS=${LAST[connections]}
java -cp "$BENCH_JAR" io.sipway.bench.SoakChart "$CSV" > /dev/null

# ---- verdicts -------------------------------------------------------------------------------------
# the browsers' last line: "answered A byes B reconnects R busy_closes C failed_reconnects F"
browsers_said() { awk -v k="$1" '/^answered / {for (i = 1; i < NF; i++) if ($i == k) v = $(i + 1)} END {print (v == "" ? "?" : v)}' "$WORK/browsers.out"; }
reconnects=$(browsers_said reconnects); busy=$(browsers_said busy_closes); failed_reconnects=$(browsers_said failed_reconnects)
VERDICTS=(); FAILED_VERDICTS=0
lost=""; calls_text=""
for p in $PATHS3; do
  ok=${AFTER[${p}_ok]}; fl=${AFTER[${p}_failed]}
  calls_text="$calls_text$p $ok of ${CALLS[$p]} ok, $fl failed; "
  [ "$ok" = "${CALLS[$p]}" ] && [ "$fl" = 0 ] || lost=1
done
verdict "no lost call" "$([ -z "$lost" ] && [ "$busy" = 0 ] && [ "$failed_reconnects" = 0 ] && echo 1)" \
  "${calls_text}browsers: $reconnects reloads, $busy closed with a call in progress, $failed_reconnects reconnections refused"
verdict "transactions back to 0" "$([ "${AFTER[transactions]}" = 0 ] && echo 1)" \
  "${AFTER[transactions]} in use $((AFTER[seconds] - LOAD_END)) s after the last call"
verdict "connections back to the browsers'" "$([ "${AFTER[connections]}" = "$BROWSERS" ] && [ "$GONE_CONNECTIONS" = 0 ] && echo 1)" \
  "${AFTER[connections]} open after the load ($BROWSERS browsers, ${AFTER[contacts]} contacts registered), $GONE_CONNECTIONS after they left"
# RSS: the rows of the load after its first 20% (the warm-up): (max - min) / min, and the slope of
# a least-squares line through them (per 10 minutes, relative to their mean) for information
read -r rss_n rss_min rss_max rss_slope <<< "$(awk -F, -v from="$((LOAD_END / 5))" \
  '$2 == "load" && $1 >= from {n++; x = $1; y = $3; sx += x; sy += y; sxx += x * x; sxy += x * y
     if (min == "" || y < min) min = y; if (y > max) max = y}
   END {d = n * sxx - sx * sx; slope = (n > 1 && d > 0) ? (n * sxy - sx * sy) / d : 0
     printf "%d %d %d %.1f\n", n, min, max, (n > 0 ? slope * 600 * 100 / (sy / n) : 0)}' "$CSV")"
rss_spread=$(awk -v a="$rss_min" -v b="$rss_max" 'BEGIN {printf "%.1f", (a > 0 ? (b - a) * 100 / a : 0)}')
verdict "RSS flat within 10%" "$([ "$rss_n" -ge 2 ] && awk -v s="$rss_spread" 'BEGIN {exit !(s <= 10)}' && echo 1)" \
  "after the first 20% of the load, $rss_n rows: min $((rss_min / 1024)) MiB, max $((rss_max / 1024)) MiB, (max - min) / min = $rss_spread%; slope $rss_slope% per 10 min"

cmd="benchmarks/run.sh soak${SMOKE:+ --smoke}"
if [ -z "$SMOKE" ]; then
  cmd="SOAK_MINUTES=$SOAK_MINUTES RATE_UDP=${RATE[udp]} RATE_TCP=${RATE[tcp]} RATE_WSS=${RATE[wss]} BROWSERS=$BROWSERS CHURN_SECONDS=$CHURN_SECONDS $cmd"
fi
if [ -n "$OWN_JAR" ]; then cmd="SIPWAY_JAR=$SIPWAY_JAR $cmd"; fi
{
  echo "Soak, $(date -u +%Y-%m-%d), $(nproc) cores (SIPp and the browsers on the same cores):"
  echo
  echo "    $cmd"
  echo
  echo "| verdict | | measured |"
  echo "|---|---|---|"
  printf '%s\n' "${VERDICTS[@]}"
  echo
  echo "One Sipway (./sipway: the launcher's JVM settings; benchmarks/peers/soak.cfg) for ${DURATION} s: SIPp calls"
  echo "over UDP (${RATE[udp]}/s) and TCP (${RATE[tcp]}/s) to a SIPp UAS, and SIPp calls over UDP (${RATE[wss]}/s) to $BROWSERS"
  echo "browsers on WSS (benchmarks/tools/WssBrowsers.java), one of which reloads every ${CHURN_SECONDS} s: a new"
  echo "connection registers the same user, the old one vanishes without unregistering once its calls are"
  echo "over (no call is routed to a vanishing connection: one closed with a call in progress would count)."
  echo "Before the load, a warm-up of ${WARMUP_SECONDS} s at a quarter of each rate, not counted: $WARMUP_TEXT."
  echo "A call is lost when SIPp did not complete it (every one of its -m calls must succeed). Transactions"
  echo "(tmx:inuse_transactions) and connections (tcp:current_opened_connections) are the proxy's JSON-RPC"
  echo "statistics once its transactions ended (up to ${SETTLE_MAX} s after the last call), the connections"
  echo "again after the browsers left. RSS is the JVM's VmRSS, a row every ${SAMPLE_SECONDS} s in soak.csv;"
  echo "flat means (max - min) / min <= 10% over the rows after the load's first 20%. The machine's"
  echo "cores were ${CPU_BUSY_PCT}% busy during the load (/proc/stat: the proxy, SIPp and the browsers together). The load"
  echo "average (1 min) was $LOAD_BEFORE before the run and $(cut -d' ' -f1 /proc/loadavg) at its end: other work on the"
  echo "cores slows SIPp and the proxy alike (calls fail when the UAS cannot answer within fr_timer's 5 s)."
  echo
  echo "![soak](soak.png)"
} > "$RESULTS/soak.md"
echo "wrote $CSV, $RESULTS/soak.md and $RESULTS/soak.png"

if [ -n "$SMOKE" ]; then
  # the smoke only checks that everything ran: every path completed calls, the rows were taken
  for p in $PATHS3; do
    [ "${AFTER[${p}_ok]}" -gt 0 ] || { echo "run.sh soak --smoke: no $p call completed" >&2; exit 1; }
  done
  [ "${AFTER[transactions]}" != -1 ] || { echo "run.sh soak --smoke: the proxy's statistics were not read" >&2; exit 1; }
  [ -s "$RESULTS/soak.png" ] || { echo "run.sh soak --smoke: no chart" >&2; exit 1; }
  exit 0
fi
if [ "$FAILED_VERDICTS" != 0 ]; then exit 1; fi
