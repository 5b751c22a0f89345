# benchmarks/run.sh scale [--smoke]: sourced by run.sh (its helpers, HERE, ROOT, SMOKE, RESULTS,
# SIPWAY_JAR, set -euo pipefail), which documents the settings in its header.
#
# The registrar tier of issue 18 alone (docs/SCALING.md; the edges are not measured): 1 then 2
# registrars running examples/cfg/registrar.cfg unchanged (usrloc db_mode 3: every save() writes the
# shared store, every lookup() reads it), Sipway then Kamailio 5.6.3, on one store: Redis (db_redis,
# the benchmark's own database number, flushed before each run) and PostgreSQL (the kamailio
# database's location table, emptied before each run). The users are split evenly over the registrars,
# one SIPp per registrar (its own users, its own ports):
#   registrations/s: benchmarks/scale/register.xml (REGISTER, 200; no authentication in the registrar
#     tier), USERS users in turn, stepped rates; the top rate as register and load take it (<0.1% not
#     completed, 95% of the offered rate completed; two bad steps end the ramp);
#   calls/s: every user registered with a SIPp UAS as its Contact (one UAS per registrar), then
#     tools/uac_users.xml calls the users through the registrar (lookup in the store, t_relay to the
#     UAS; ACK and BYE go straight to the UAS, the registrar does not record-route), stepped rates.
# Store operations per registration and per call: Redis's INFO commandstats (the server's commands of
# every database, INFO left out) or PostgreSQL's transactions in pg_stat_database (the kamailio
# database) before and after a fixed count of re-registrations and of calls at a low rate, over the
# successful ones. Other clients of the same server count too: run it on a quiet one.

install_missing sipp=sip-tester ss=iproute2 bc=bc redis-cli=redis-tools psql=postgresql-client
S_PORT=6060                      # every registrar's SIP port (each on its own address)
S_REG_UAC=6061; S_CALL_UAC=6081; S_UAS=6071   # SIPp's ports: one more for each registrar
SIPP_BUFFER=${SIPP_BUFFER:-4194304}
JAR=$(realpath "$SIPWAY_JAR")
KAMAILIO=${KAMAILIO:-kamailio}
SCALE_CFG=$ROOT/examples/cfg/registrar.cfg
REG_IPS=(127.0.0.3 127.0.0.4)
SCALE_REDIS=${SCALE_REDIS:-redis://127.0.0.1:6379}
# database 0: the tests take 1 to 15 (TestDatabases), so a run never flushes a test's store
SCALE_REDIS_DB=${SCALE_REDIS_DB:-0}
SCALE_PGSQL=${SCALE_PGSQL:-postgres://sipway:sipway@127.0.0.1:5432}
if [ -n "$SMOKE" ]; then
  USERS=20; STORES=redis; PROXIES=sipway; REGISTRARS=2; REG_RATES="40"; CALL_RATES="20"; STEP_SECONDS=2
  OPS_RATE=20; OPS_COUNT=20
else
  USERS=${USERS:-1000}; STORES=${STORES:-redis postgres}; PROXIES=${PROXIES:-sipway kamailio}; REGISTRARS=${REGISTRARS:-1 2}
  REG_RATES=${REG_RATES:-200 500 1000 1500 2000 3000 4000 5000 6000 8000}
  CALL_RATES=${CALL_RATES:-100 200 300 400 500 700 1000 1500 2000 3000}
  STEP_SECONDS=${STEP_SECONDS:-5}; OPS_RATE=${OPS_RATE:-100}; OPS_COUNT=${OPS_COUNT:-1000}
fi
REDIS_HOSTPORT=${SCALE_REDIS#redis://}
redis() { redis-cli -h "${REDIS_HOSTPORT%:*}" -p "${REDIS_HOSTPORT##*:}" "$@"; }
pg() { psql "${SCALE_PGSQL/postgres:/postgresql:}/$1" -Atqc "$2"; }
WORK=$(mktemp -d)
REG_PIDS=(); SIPP_PIDS=(); UAS_PIDS=()
scale_cleanup() {
  local p
  for p in "${SIPP_PIDS[@]}" "${UAS_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  scale_stop_registrars
  if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap scale_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# dburl STORE: the registrars' db_url
dburl() {
  case "$1" in
    redis) echo "$SCALE_REDIS/$SCALE_REDIS_DB" ;;
    postgres) echo "$SCALE_PGSQL/kamailio" ;;
  esac
}
# empty_store STORE: the run starts with no registration
empty_store() {
  case "$1" in
    redis) redis -n "$SCALE_REDIS_DB" flushdb > /dev/null ;;
    postgres) pg kamailio "DELETE FROM location" ;;
  esac
}
# store_ops STORE: the server's count of operations so far (see the header); the INFO and psql's
# own statement (read on the postgres database) are not counted
store_ops() {
  case "$1" in
    redis) redis info commandstats | tr -d '\r' | awk -F'[:=,]' '/^cmdstat_/ && $1 != "cmdstat_info" {s += $3} END {print s + 0}' ;;
    postgres) pg postgres "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'kamailio'" ;;
  esac
}
# PostgreSQL's backends report their counts when idle, at most once a second and at the latest 10 s
# after (PGSTAT_IDLE_INTERVAL): the count is read after that
ops_settle() { if [ "$1" = postgres ]; then echo 11; else echo 1; fi; }

# listening IP PORT: up to 30 s for a UDP socket on that address
listening() {
  local i
  for i in $(seq 1 300); do ss -Hlnu "src $1:$2" 2>/dev/null | grep -q . && return 0; sleep 0.1; done
  return 1
}

# scale_start_registrars NAME STORE K: K registrars on registrar.cfg, each with its address and server_id
scale_start_registrars() {
  local name=$1 store=$2 k=$3 i ip url log defs
  url=$(dburl "$store")
  wait_free "$S_PORT" || return 1
  for i in $(seq 0 $((k - 1))); do
    ip=${REG_IPS[$i]}; log="$WORK/$name-$store-$k-$i.log"
    defs=(-A "REG_IP=$ip" -A "REG_PORT=$S_PORT" -A "SERVER_ID=$((i + 11))" -A "DBURL=\"$url\"")
    [ "$store" = postgres ] && defs+=(-A WITH_PGSQL)
    case "$name" in
      sipway) java -jar "$JAR" --rpc-listen off -f "$SCALE_CFG" "${defs[@]}" > "$log" 2>&1 & ;;
      kamailio) mkdir -p "$WORK/kamailio-$i"
                "$KAMAILIO" -DD -E -m 256 -M 16 -f "$SCALE_CFG" "${defs[@]}" -w "$WORK/kamailio-$i" -Y "$WORK/kamailio-$i" \
                  > "$log" 2>&1 & ;;
    esac
    REG_PIDS+=($!)
  done
  for i in $(seq 0 $((k - 1))); do
    if ! listening "${REG_IPS[$i]}" "$S_PORT"; then
      echo "run.sh scale: $name did not listen on ${REG_IPS[$i]}:$S_PORT:" >&2; tail -n 20 "$WORK/$name-$store-$k-$i.log" >&2; return 1
    fi
  done
  sleep 2
}

scale_stop_registrars() {
  local p kids=""
  for p in "${REG_PIDS[@]}"; do kids="$kids $(pgrep -P "$p" | tr '\n' ' ' || true)"; kill "$p" 2>/dev/null || true; done
  for p in "${REG_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  for p in $kids; do kill -9 "$p" 2>/dev/null || true; done
  REG_PIDS=()
}

# users I K: the injection file of registrar I's share of the users (of K registrars)
users() {
  local f="$WORK/users-$1-of-$2.csv" j
  if [ ! -f "$f" ]; then
    { echo SEQUENTIAL; for j in $(seq "$1" "$2" $((USERS - 1))); do printf 'user%05d;\n' "$j"; done; } > "$f"
  fi
  echo "$f"
}

# scale_uas K: one SIPp UAS a registrar, the Contact of that registrar's users (bounded: a whole run's time)
scale_uas() {
  local i dir
  for i in $(seq 0 $(($1 - 1))); do
    dir="$WORK/uas-$i"; mkdir -p "$dir"
    (cd "$dir" && exec timeout 3600 sipp -sf "$HERE/scale/uas.xml" -i 127.0.0.1 -p $((S_UAS + i)) -key uac_port $((S_CALL_UAC + i)) -t u1 \
      -buff_size "$SIPP_BUFFER" -nostdin > uas.out 2>&1) &
    UAS_PIDS+=($!)
    wait_port $((S_UAS + i)) || { echo "run.sh scale: the UAS did not listen:" >&2; tail -n 5 "$dir/uas.out" >&2; return 1; }
  done
}
scale_stop_uas() {
  local p
  for p in "${UAS_PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  UAS_PIDS=()
}

# scale_step TAG KIND K RATE COUNT: KIND reg or call, RATE/K a second and COUNT/K in all from each of K
# SIPps at once, each to its registrar with its users; prints "ok failed elapsed" (the sums, the slowest)
scale_step() {
  local tag=$1 kind=$2 k=$3 r=$(($4 / $3)) n=$(($5 / $3)) i dir start end ok=0 failed=0 v secs args
  secs=$(( n / (r > 0 ? r : 1) ))
  SIPP_PIDS=()
  start=$(date +%s.%N)
  for i in $(seq 0 $((k - 1))); do
    dir="$WORK/$tag-$i"; mkdir -p "$dir"
    if [ "$kind" = reg ]; then
      args=(-sf "$HERE/scale/register.xml" -p $((S_REG_UAC + i)) -key contact_port $((S_UAS + i)))
    else
      args=(-sf "$HERE/scale/call.xml" -p $((S_CALL_UAC + i)) -key contact_port $((S_UAS + i)) -d 0)
    fi
    (cd "$dir" && exec timeout $((secs + 60)) sipp "${args[@]}" "${REG_IPS[$i]}:$S_PORT" -i 127.0.0.1 -t u1 \
       -inf "$(users "$i" "$k")" -r "$r" -m "$n" -l 20000 -nostdin -timeout $((secs + 30)) -timeout_error \
       -max_socket 2000 -buff_size "$SIPP_BUFFER" > sipp.out 2>&1) &
    SIPP_PIDS+=($!)
  done
  for v in "${SIPP_PIDS[@]}"; do wait "$v" || true; done   # SIPp exits 1 when a call failed: counted below
  SIPP_PIDS=()
  end=$(date +%s.%N)
  for i in $(seq 0 $((k - 1))); do
    v=$(awk -F'|' '/Successful call/ {gsub(/ /, "", $3); o = $3} /Failed call/ {gsub(/ /, "", $3); f = $3} END {print o + 0, f + 0}' \
      "$WORK/$tag-$i/sipp.out")
    ok=$((ok + ${v% *})); failed=$((failed + ${v#* }))
  done
  echo "$ok $failed $(echo "$end - $start" | bc)"
}

# ops_per TAG KIND K STORE: OPS_COUNT at OPS_RATE; prints the store's operations per successful one
ops_per() {
  local o0 o1 ok failed el
  o0=$(store_ops "$4")
  read -r ok failed el <<< "$(scale_step "$1" "$2" "$3" "$OPS_RATE" "$OPS_COUNT")"
  sleep "$(ops_settle "$4")"
  o1=$(store_ops "$4")
  echo "$1: $ok ok, $failed failed at $OPS_RATE/s, $((o1 - o0)) store operations" >&2
  awk -v d=$((o1 - o0)) -v ok="$ok" 'BEGIN {if (ok > 0) printf "%.1f", d / ok; else print "n/a"}'
}

# ramp TAG KIND K RATES...: the stepped rates; a line "offered ok failed elapsed completed pct" a step
# to $WORK/steps, prints the top rate
ramp() {
  local tag=$1 kind=$2 k=$3 rate top=0 bad=0 ok failed el n done_rate pct
  shift 3
  for rate in "$@"; do
    rate=$(( rate / k * k )); n=$((rate * STEP_SECONDS))
    read -r ok failed el <<< "$(scale_step "$tag-$rate" "$kind" "$k" "$rate" "$n")"
    done_rate=$(awk -v ok="$ok" -v el="$el" -v s="$STEP_SECONDS" 'BEGIN {t = (el > s + 0.5 ? el : s); printf "%.0f", ok / t}')
    pct=$(awk -v n="$n" -v ok="$ok" 'BEGIN {printf "%.2f", (n - ok) * 100 / n}')
    echo "$tag,$rate,$n,$ok,$failed,$(printf '%.1f' "$el"),$done_rate,$pct" >> "$WORK/steps"
    echo "$tag $kind $rate/s: $ok ok, $failed failed ($pct% not completed), $done_rate/s completed, load=$(cut -d' ' -f1 /proc/loadavg)" >&2
    if awk -v p="$pct" -v d="$done_rate" -v r="$rate" 'BEGIN {exit !(p < 0.1 && d >= 0.95 * r)}'; then top=$rate; bad=0
    else bad=$((bad + 1)); [ "$bad" -ge 2 ] && break; fi
    sleep 1
  done
  echo "$top"
}

# rate_cell TOP RATES...: the top rate, ">= top" when it is the ramp's last step (the registrars were not stopped)
rate_cell() {
  local top=$1; shift
  if [ "$top" = "${*: -1}" ]; then echo ">= $top"; else echo "$top"; fi
}

: > "$WORK/steps"
ROWS=()
echo "run.sh scale: $(nproc) cores, $USERS users, stores: $STORES, registrars: $REGISTRARS, proxies: $PROXIES, steps of ${STEP_SECONDS} s; load=$(cut -d' ' -f1 /proc/loadavg)"
for store in $STORES; do
  case "$store" in
    redis) redis ping > /dev/null 2>&1 || { echo "run.sh scale: no Redis at $SCALE_REDIS (set SCALE_REDIS)" >&2; exit 2; } ;;
    postgres) pg kamailio "SELECT 1 FROM location LIMIT 1" > /dev/null 2>&1 \
                || { echo "run.sh scale: no kamailio database with a location table at $SCALE_PGSQL (set SCALE_PGSQL; ./sipway db create)" >&2; exit 2; } ;;
    *) echo "run.sh scale: unknown store $store (redis, postgres)" >&2; exit 2 ;;
  esac
  for name in $PROXIES; do
    if [ "$name" = kamailio ] && ! command -v "$KAMAILIO" >/dev/null 2>&1; then
      echo "kamailio: not installed, Sipway measured alone"; continue
    fi
    for k in $REGISTRARS; do
      tag="$store-$name-$k"
      empty_store "$store"
      scale_start_registrars "$name" "$store" "$k" || { echo "run.sh scale: $tag did not start" >&2; exit 1; }
      scale_uas "$k" || exit 1
      # every user registered once (new rows), then once more counted (rows updated, as re-registrations)
      read -r ok failed _ <<< "$(scale_step "$tag-first" reg "$k" "$OPS_RATE" "$USERS")"
      echo "$tag: $ok of $USERS users registered ($failed failed)"
      reg_ops=$(ops_per "$tag-reg-ops" reg "$k" "$store")
      reg_top=$(ramp "$tag-reg" reg "$k" $REG_RATES)
      sleep 2
      # the calls find one row a user: the store emptied and every user registered again at the low rate
      # (an overloaded step's retransmitted REGISTERs may have left more rows of a user, which fork a call)
      empty_store "$store"
      read -r ok2 failed _ <<< "$(scale_step "$tag-again" reg "$k" "$OPS_RATE" "$USERS")"
      echo "$tag: $ok2 of $USERS users registered again for the calls ($failed failed)"
      call_ops=$(ops_per "$tag-call-ops" call "$k" "$store")
      call_top=$(ramp "$tag-call" call "$k" $CALL_RATES)
      echo "$tag: registrations/s=$reg_top calls/s=$call_top store_ops_per_registration=$reg_ops store_ops_per_call=$call_ops"
      ROWS+=("| $store | $name | $k | $(rate_cell "$reg_top" $REG_RATES) | $(rate_cell "$call_top" $CALL_RATES) | $reg_ops | $call_ops |")
      scale_stop_uas
      scale_stop_registrars
      if [ "$ok" = 0 ]; then echo "run.sh scale: $tag registered nothing" >&2; exit 1; fi
    done
  done
done

CSV="$RESULTS/scale.csv"
{ echo "run,offered,sent,ok,failed,elapsed_s,completed_per_s,not_completed_pct"; cat "$WORK/steps"; } > "$CSV"
cmd="benchmarks/run.sh scale${SMOKE:+ --smoke}"
{
  echo "The registrar tier on a shared location store, $(date -u +%Y-%m-%d), $(nproc) cores (the registrars, SIPp and the store on the same cores):"
  echo
  echo "    $cmd"
  echo
  echo "| store | registrar | registrars | registrations/s | calls/s | store ops per registration | store ops per call |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "examples/cfg/registrar.cfg unchanged (usrloc db_mode 3, use_domain 0), each registrar on its own address"
  echo "(${REG_IPS[*]}), SERVER_ID 11, 12; Redis database $SCALE_REDIS_DB (flushed) or PostgreSQL's kamailio database"
  echo "(location emptied) before each row. $USERS users split evenly, one SIPp per registrar. Registrations: REGISTER, 200"
  echo "(no authentication), steps of ${STEP_SECONDS} s at $REG_RATES/s; calls: INVITE through the registrar (lookup,"
  echo "t_relay) to a SIPp UAS, ACK and BYE straight to it, steps of ${STEP_SECONDS} s at $CALL_RATES/s. A top rate is the"
  echo "highest step with under 0.1% not completed and 95% of the offered rate completed (\">=\": the ramp's last step)."
  echo "Store operations: Redis commands (INFO commandstats) or PostgreSQL transactions (pg_stat_database) over"
  echo "$OPS_COUNT re-registrations and $OPS_COUNT calls at $OPS_RATE/s, per successful one; every step in scale.csv."
} > "$RESULTS/scale.md"
cat "$RESULTS/scale.md"
echo "wrote $CSV and $RESULTS/scale.md"
