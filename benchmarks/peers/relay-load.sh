#!/usr/bin/env bash
# Side-by-side load: SIPp UAC -> proxy on 127.0.0.1:5060 -> SIPp UAS on 127.0.0.1:5070.
# Usage: relay-load.sh RATE CALLS [TRANSPORT u1|t1|tn]   (the caller's transport; the callee is on UDP, as relay.cfg's $du says; the proxy must already listen on 5060)
# Prints one line: rate=R calls=N ok=S failed=F retrans=X elapsed_s=E achieved_cps=C
set -u
RATE=${1:-1000}; CALLS=${2:-10000}; T=${3:-u1}
HERE=$(cd "$(dirname "$0")" && pwd)
SIPP_DIR=$(cd "$HERE/../../examples/sipp" && pwd)   # the project's scenarios, the ones README shows
WORK=$(mktemp -d)
cd "$WORK"
sipp -sf "$SIPP_DIR/uas_rr.xml" -i 127.0.0.1 -p 5070 -t u1 -buff_size 4194304 -bg -nostdin >/dev/null 2>&1
sleep 0.5
UASPID=$(pgrep -n -f "uas_rr.xml -i 127.0.0.1 -p 5070")
start=$(date +%s.%N)
timeout 300 sipp -sf "$SIPP_DIR/uac_rr.xml" 127.0.0.1:5060 -s service -i 127.0.0.1 -p 5061 -t $T \
  -r "$RATE" -m "$CALLS" -l 20000 -d 0 -nostdin -timeout 120 -timeout_error \
  -buff_size 4194304 -trace_stat -stf "$WORK/stat.csv" -fd 1 > "$WORK/uac.out" 2>&1
rc=$?
end=$(date +%s.%N)
[ -n "$UASPID" ] && kill "$UASPID" 2>/dev/null
ok=$(grep "Successful call" "$WORK/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
failed=$(grep "Failed call" "$WORK/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
retr=$(awk '/INVITE ---|BYE ---/ {s+=$4} END {print s+0}' "$WORK/uac.out")
el=$(echo "$end - $start" | bc)
cps=$(echo "scale=1; ${ok:-0} / $el" | bc)
echo "rate=$RATE calls=$CALLS transport=$T ok=${ok:-0} failed=${failed:-?} retrans=$retr elapsed_s=$el achieved_cps=$cps sipp_rc=$rc"
[ -n "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
