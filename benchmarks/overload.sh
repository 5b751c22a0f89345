# benchmarks/run.sh overload [--smoke]: sourced by run.sh (its helpers, HERE, ROOT, SMOKE, RESULTS,
# SIPWAY_JAR, set -euo pipefail), which documents the settings in its header.
#
# One Sipway (through ./sipway: the launcher's JVM memory settings) on the benchmark relay is offered
# OVERLOAD_FACTOR times its UDP top rate (benchmarks/results/load.md) for OVERLOAD_SECONDS, after a
# warm-up and a rest that give its idle footprint. Every SAMPLE_SECONDS a row of overload.csv: VmRSS,
# transactions in use, requests refused at the memory budget. Then RECOVER_SECONDS without load, and a
# check run at a low rate. Verdicts (overload.md): memory bounded, back to the idle footprint, no call
# lost that the proxy had accepted (answered 100: each ended with a final reply, none held), the
# proxy still serves every call afterwards.

install_missing sipp=sip-tester ss=iproute2 curl=curl
P_SIP=5860; P_UAS=5870; P_UAC=5861; P_RPC=5889
SIPP_BUFFER=${SIPP_BUFFER:-4194304}
JAR=$(realpath "$SIPWAY_JAR")
LOAD_MD=$ROOT/benchmarks/results/load.md
udp_top() {
  [ -f "$LOAD_MD" ] || return 0
  awk -F'|' '{for (i = 2; i <= 4; i++) gsub(/[ >=]/, "", $i)} $2 == "udp" && $3 == "sipway" && $4 ~ /^[0-9]+$/ {print $4; exit}' "$LOAD_MD"
}
if [ -n "$SMOKE" ]; then
  RATE=${RATE:-300}; OVERLOAD_SECONDS=5; WARMUP_RATE=100; WARMUP=3; REST=5; RECOVER_SECONDS=10; SAMPLE_SECONDS=1
else
  OVERLOAD_FACTOR=${OVERLOAD_FACTOR:-3}
  top=$(udp_top); top=${top:-4000}
  RATE=${RATE:-$((top * OVERLOAD_FACTOR))}
  OVERLOAD_SECONDS=${OVERLOAD_SECONDS:-30}; WARMUP_RATE=${WARMUP_RATE:-$((top / 4))}; WARMUP=${WARMUP:-10}
  REST=${REST:-40}; RECOVER_SECONDS=${RECOVER_SECONDS:-60}; SAMPLE_SECONDS=${SAMPLE_SECONDS:-2}
fi
CHECK_CALLS=200; CHECK_RATE=50
# The heap bound the launcher sets without -m (./sipway) and what RSS may add to it (metaspace, code,
# threads, Netty's direct buffers): the bound the memory verdict checks.
HEAP_MB=1024; NON_HEAP_MB=512

WORK=$(mktemp -d)
PROXY_PID=""; UAS_PID=""; UAC_PID=""
overload_cleanup() {
  local pid
  for pid in "$UAC_PID" "$UAS_PID"; do if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; done
  if [ -n "$PROXY_PID" ]; then
    kill "$PROXY_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$PROXY_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$PROXY_PID" 2>/dev/null || true
  fi
  if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap overload_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sed -e "s/127\.0\.0\.1:5060\b/127.0.0.1:$P_SIP/g; s/127\.0\.0\.1:5070\b/127.0.0.1:$P_UAS/g" "$RELAY_CFG" > "$WORK/relay.cfg"

# stats NAME...: the values of the proxy's statistics (JSON-RPC stats.get_statistics), in that order, -1 when unread
stats() {
  local answer name v out=()
  answer=$(curl -s -m 5 -X POST "http://127.0.0.1:$P_RPC/RPC" -d '{"jsonrpc":"2.0","method":"stats.get_statistics","id":1,"params":["all"]}' || true)
  for name in "$@"; do
    v=$(grep -o ":$name = [0-9]*\"" <<< "$answer" | head -1 | grep -o '[0-9]*"$' | tr -d '"' || true)
    out+=("${v:--1}")
  done
  echo "${out[*]}"
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$PROXY_PID/status" 2>/dev/null || echo 0; }
# sipp_calls DIR RATE CALLS: SIPp's uac_rr over UDP, bounded in calls (-m) and time; "ok failed" when over
uac() {
  mkdir -p "$WORK/$1"
  (cd "$WORK/$1" && exec timeout $(( $3 / $2 + 120 )) sipp -sf "$SCENARIOS/uac_rr.xml" "127.0.0.1:$P_SIP" -s service -i 127.0.0.1 \
     -p "$P_UAC" -t u1 -r "$2" -m "$3" -l 200000 -d 0 -nostdin -timeout $(( $3 / $2 + 90 )) -timeout_error -max_socket 2000 \
     -buff_size "$SIPP_BUFFER" > uac.out 2>&1) &
  UAC_PID=$!
}
uac_result() {
  awk -F'|' '/Successful call/ {gsub(/ /, "", $3); ok = $3} /Failed call/ {gsub(/ /, "", $3); f = $3} END {print ok + 0, f + 0}' "$WORK/$1/uac.out"
}
CSV="$RESULTS/overload.csv"
echo "seconds,phase,rss_kib,transactions,refused" > "$CSV"
T0=$(date +%s)
row() {   # PHASE
  local r; r=$(rss_kib); read -r tr rf <<< "$(stats inuse_transactions transactions_refused)"
  echo "$(( $(date +%s) - T0 )),$1,$r,$tr,$rf" >> "$CSV"
  echo "overload: t=$(( $(date +%s) - T0 ))s $1 rss_mib=$((r / 1024)) transactions=$tr refused=$rf load=$(cut -d' ' -f1 /proc/loadavg)"
}

echo "run.sh overload: $(nproc) cores, ${RATE} calls/s offered over UDP for ${OVERLOAD_SECONDS} s; load=$(cut -d' ' -f1 /proc/loadavg)"
wait_free "$P_SIP" "$P_UAS" "$P_UAC" "$P_RPC"
(cd "$WORK" && SIPWAY_JAR=$JAR exec "$ROOT/sipway" --rpc-listen "127.0.0.1:$P_RPC" -f relay.cfg > "$WORK/proxy.log" 2>&1) &
PROXY_PID=$!
for p in "$P_SIP" "$P_RPC"; do
  wait_port "$p" || { echo "run.sh overload: the proxy did not listen on $p:" >&2; tail -n 20 "$WORK/proxy.log" >&2; exit 1; }
done
mkdir -p "$WORK/uas"
(cd "$WORK/uas" && exec timeout $((WARMUP + REST + OVERLOAD_SECONDS + RECOVER_SECONDS + 600)) sipp -sf "$SCENARIOS/uas_rr.xml" \
   -i 127.0.0.1 -p "$P_UAS" -t u1 -buff_size "$SIPP_BUFFER" -nostdin > uas.out 2>&1) &
UAS_PID=$!
wait_port "$P_UAS" || { echo "run.sh overload: the UAS did not listen:" >&2; tail -n 10 "$WORK/uas/uas.out" >&2; exit 1; }

# The idle footprint: a proxy that has served calls (its code compiled, its pools made) and rested.
uac warmup "$WARMUP_RATE" $((WARMUP_RATE * WARMUP)); wait "$UAC_PID" || true; UAC_PID=""
sleep "$REST"
row idle
IDLE_KIB=$(rss_kib)
read -r UAS_BEFORE T2XX_BEFORE T4XX_BEFORE T5XX_BEFORE T6XX_BEFORE <<< \
  "$(stats UAS_transactions 2xx_transactions 4xx_transactions 5xx_transactions 6xx_transactions)"

LOAD_T=$(date +%s)
uac overload "$RATE" $((RATE * OVERLOAD_SECONDS))
PEAK_KIB=0
while kill -0 "$UAC_PID" 2>/dev/null; do
  sleep "$SAMPLE_SECONDS"; row load
  r=$(rss_kib); [ "$r" -gt "$PEAK_KIB" ] && PEAK_KIB=$r
done
wait "$UAC_PID" || true; UAC_PID=""
LOAD_SECONDS=$(( $(date +%s) - LOAD_T ))
read -r OV_OK OV_FAILED <<< "$(uac_result overload)"
END_T=$(date +%s)
while [ $(( $(date +%s) - END_T )) -lt "$RECOVER_SECONDS" ]; do sleep "$SAMPLE_SECONDS"; row after; done
AFTER_KIB=$(rss_kib)
read -r INUSE REFUSED UAS_AFTER T2XX T4XX T5XX T6XX <<< \
  "$(stats inuse_transactions transactions_refused UAS_transactions 2xx_transactions 4xx_transactions 5xx_transactions 6xx_transactions)"
# The proxy still serves: a bounded run at a low rate, every call must complete.
uac check "$CHECK_RATE" "$CHECK_CALLS"; wait "$UAC_PID" || true; UAC_PID=""
read -r CHECK_OK CHECK_FAILED <<< "$(uac_result check)"
row checked

# ---- verdicts -------------------------------------------------------------------------------------
VERDICTS=(); FAILED_VERDICTS=0
mib() { echo $(( $1 / 1024 )); }
bound_kib=$(( (HEAP_MB + NON_HEAP_MB) * 1024 ))
verdict "memory bounded" "$([ "$PEAK_KIB" -le "$bound_kib" ] && echo 1)" \
  "peak RSS $(mib "$PEAK_KIB") MiB under load (bound: the launcher's ${HEAP_MB} MiB heap + ${NON_HEAP_MB} MiB)"
idle_bound=$(( IDLE_KIB * 5 / 4 ))
verdict "back to the idle footprint" "$([ "$AFTER_KIB" -le "$idle_bound" ] && echo 1)" \
  "RSS $(mib "$AFTER_KIB") MiB ${RECOVER_SECONDS} s after the load; idle $(mib "$IDLE_KIB") MiB (bound: idle + 25%)"
failed_tx=$(( T4XX - T4XX_BEFORE + T5XX - T5XX_BEFORE + T6XX - T6XX_BEFORE ))
ok_tx=$(( T2XX - T2XX_BEFORE ))
accepted=$(( UAS_AFTER - UAS_BEFORE ))
# A call the proxy accepted (a transaction: answered 100) is lost when it never gets a final reply:
# every accepted transaction must have ended with one (relayed, or tm's own 408/5xx when the UAS,
# on the same cores, could not keep up), none may be held
verdict "no accepted call lost" "$([ "$INUSE" = 0 ] && [ $((ok_tx + failed_tx)) = "$accepted" ] && echo 1)" \
  "$accepted transactions accepted (INVITEs and BYEs), each ended with a final reply: $ok_tx 2xx relayed, $failed_tx tm's own 408/5xx (the UAS, a SIPp on the same cores, did not answer within fr_timer); $INUSE still held; $REFUSED refused at the memory budget (500, before any 100)"
verdict "still serving" "$([ "$CHECK_OK" = "$CHECK_CALLS" ] && [ "$CHECK_FAILED" = 0 ] && echo 1)" \
  "$CHECK_OK of $CHECK_CALLS calls at $CHECK_RATE/s after the load completed"

cmd="benchmarks/run.sh overload${SMOKE:+ --smoke}"
if [ -z "$SMOKE" ]; then cmd="RATE=$RATE OVERLOAD_SECONDS=$OVERLOAD_SECONDS $cmd"; fi
if [ -n "$OWN_JAR" ]; then cmd="SIPWAY_JAR=$SIPWAY_JAR $cmd"; fi
{
  echo "Overload, $(date -u +%Y-%m-%d), $(nproc) cores (SIPp on the same cores):"
  echo
  echo "    $cmd"
  echo
  echo "| verdict | | measured |"
  echo "|---|---|---|"
  printf '%s\n' "${VERDICTS[@]}"
  echo
  echo "One Sipway (./sipway: the launcher's JVM settings, no -m) relaying SIPp's calls over UDP"
  echo "(uac_rr -> $(basename "$RELAY_CFG") -> uas_rr) was offered $RATE calls/s for $OVERLOAD_SECONDS s (SIPp took $LOAD_SECONDS s):"
  echo "$OV_OK calls completed, $OV_FAILED failed (goodput under overload is the performance work's; here"
  echo "what counts is that memory stays bounded, comes back, and nothing the proxy accepted is lost)."
  echo "The idle footprint is the RSS after a ${WARMUP} s warm-up at $WARMUP_RATE calls/s and ${REST} s of rest."
  echo "Rows of RSS, transactions in use and refusals every ${SAMPLE_SECONDS} s: overload.csv. Load average"
  echo "(1 min) at the end: $(cut -d' ' -f1 /proc/loadavg)."
} > "$RESULTS/overload.md"
echo "wrote $CSV and $RESULTS/overload.md"
if [ -n "$SMOKE" ]; then
  [ "$CHECK_OK" -gt 0 ] || { echo "run.sh overload --smoke: no call completed after the load" >&2; exit 1; }
  [ "$INUSE" != -1 ] || { echo "run.sh overload --smoke: the proxy's statistics were not read" >&2; exit 1; }
  exit 0
fi
[ "$FAILED_VERDICTS" = 0 ] || exit 1
