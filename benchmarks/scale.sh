# benchmarks/run.sh scale [--smoke]: sourced by run.sh (its helpers, HERE, ROOT, SMOKE, RESULTS,
# SIPWAY_JAR, set -euo pipefail), which documents the settings in its header.
#
# The registrar tier of issue 18 alone (docs/SCALING.md; the edges are not measured): 1 then 2
# registrars running examples/cfg/registrar.cfg unchanged (usrloc db_mode 3: every save() writes the
# shared store, every lookup() reads it), Sipway then Kamailio 5.6.3, on one store: Redis (db_redis,
# the benchmark's own database number, flushed before each run) and PostgreSQL (the kamailio
# database's location table, emptied before each run; -A WITH_PGSQL). (Until registrar.cfg keyed its
# db_redis user sets by username alone, every save() and lookup() on Redis scanned the whole table:
# README's Scale section keeps what that cost.) The users are split evenly over the registrars,
# one SIPp per registrar (its own users, its own ports):
#   registrations/s: benchmarks/scale/register.xml (REGISTER, 200; no authentication in the registrar
#     tier), USERS users in turn, stepped rates; the top rate as register and load take it (<0.1% not
#     completed, 95% of the offered rate completed; two bad steps end the ramp);
#   calls/s: every user registered with a SIPp UAS as its Contact (scale/uas.xml, one a registrar),
#     then scale/call.xml calls the users through the registrar (lookup in the store, t_relay to the
#     UAS; ACK and BYE go straight to the UAS, the registrar does not record-route), stepped rates.
# Store operations per registration and per call: Redis's commands on the run's database (MONITOR) or
# PostgreSQL's transactions in pg_stat_database (the kamailio database: other clients of it count too)
# over a fixed count of re-registrations and of calls at a low rate, per successful one.

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
  OPS_RATE=20; OPS_COUNT=20; FILL_RATE=20; SETTLE=1
else
  USERS=${USERS:-1000}; STORES=${STORES:-redis postgres}; PROXIES=${PROXIES:-sipway kamailio}
  REGISTRARS=${REGISTRARS:-1 2}
  REG_RATES=${REG_RATES:-200 500 1000 1500 2000 3000 4000 5000 6000 8000}
  CALL_RATES=${CALL_RATES:-100 200 300 400 500 700 1000 1500 2000 3000 4000 5000 6000}
  STEP_SECONDS=${STEP_SECONDS:-5}; OPS_RATE=${OPS_RATE:-100}; OPS_COUNT=${OPS_COUNT:-1000}; FILL_RATE=${FILL_RATE:-100}; SETTLE=5
fi
REDIS_HOSTPORT=${SCALE_REDIS#redis://}
redis() { redis-cli -h "${REDIS_HOSTPORT%:*}" -p "${REDIS_HOSTPORT##*:}" "$@"; }
pg() { psql "${SCALE_PGSQL/postgres:/postgresql:}/$1" -Atqc "$2"; }
WORK=$(mktemp -d)
REG_PIDS=(); SIPP_PIDS=(); UAS_PIDS=()
scale_cleanup() {
  local p
  for p in "${UAS_PIDS[@]}" $(cat "$WORK/sipp.pids" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
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
# pg_xacts: the kamailio database's transactions so far (read on the postgres database: psql's own
# statement is not counted)
pg_xacts() { pg postgres "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'kamailio'"; }

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

# users I K: the injection file of registrar I's share of the N_USERS users (of K registrars)
users() {
  local f="$WORK/users-$N_USERS-$1-of-$2.csv" j
  if [ ! -f "$f" ]; then
    { echo SEQUENTIAL; for j in $(seq "$1" "$2" $((N_USERS - 1))); do printf 'user%05d;\n' "$j"; done; } > "$f"
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
       -recv_timeout 5000 -max_socket 2000 -buff_size "$SIPP_BUFFER" > sipp.out 2>&1) &
    SIPP_PIDS+=($!)
    echo $! >> "$WORK/sipp.pids"   # for the cleanup: this runs in a $(...)
  done
  for v in "${SIPP_PIDS[@]}"; do wait "$v" || true; done   # SIPp exits 1 when a call failed: counted below
  SIPP_PIDS=()
  end=$(date +%s.%N)
  for i in $(seq 0 $((k - 1))); do
    v=$(awk -F'|' '/Successful call/ {gsub(/ /, "", $3); o = $3} /Failed call/ {gsub(/ /, "", $3); f = $3} END {print o + 0, f + 0}' \
      "$WORK/$tag-$i/sipp.out")
    ok=$((ok + ${v% *})); failed=$((failed + ${v#* }))
    grep -q "Successful call" "$WORK/$tag-$i/sipp.out" || { echo "$tag-$i: SIPp gave no statistics:" >&2; tail -n 5 "$WORK/$tag-$i/sipp.out" >&2; }
  done
  echo "$ok $failed $(echo "$end - $start" | bc)"
}

# ops_per TAG KIND K STORE RATE COUNT: COUNT at RATE; prints the store's operations per successful one:
# Redis's commands on the run's database (MONITOR, whose lines name the database: the tests' databases
# and other clients are left out), PostgreSQL's transactions on the kamailio database
ops_per() {
  local o0=0 d ok failed el mon="$WORK/$1.monitor" mon_pid=""
  if [ "$4" = postgres ]; then
    o0=$(pg_xacts)
  else
    (exec timeout $(($6 / $5 + 120)) redis-cli -h "${REDIS_HOSTPORT%:*}" -p "${REDIS_HOSTPORT##*:}" monitor > "$mon") &
    mon_pid=$!; echo "$mon_pid" >> "$WORK/sipp.pids"
    sleep 0.5
  fi
  read -r ok failed el <<< "$(scale_step "$1" "$2" "$3" "$5" "$6")"
  if [ "$4" = postgres ]; then
    # the backends report their counts when idle, at most once a second, at the latest 10 s after
    sleep 11
    d=$(( $(pg_xacts) - o0 ))
  else
    sleep 1
    kill "$mon_pid" 2>/dev/null || true; wait "$mon_pid" 2>/dev/null || true
    d=$(grep -c "^[0-9.]* \[$SCALE_REDIS_DB " "$mon" || true)
  fi
  echo "$1: $ok ok, $failed failed at $5/s, $d store operations" >&2
  awk -v d="$d" -v ok="$ok" 'BEGIN {if (ok > 0) printf "%.1f", d / ok; else print "n/a"}'
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
  N_USERS=$USERS; fill=$FILL_RATE; reg_rates=$REG_RATES; call_rates=$CALL_RATES; ops_rate=$OPS_RATE; ops_count=$OPS_COUNT
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
      read -r ok failed _ <<< "$(scale_step "$tag-first" reg "$k" "$fill" "$N_USERS")"
      echo "$tag: $ok of $N_USERS users registered ($failed failed)"
      reg_ops=$(ops_per "$tag-reg-ops" reg "$k" "$store" "$ops_rate" "$ops_count")
      # shellcheck disable=SC2086
      reg_top=$(ramp "$tag-reg" reg "$k" $reg_rates)
      # the calls on registrars started again (an overloaded step leaves a registrar a queue of requests
      # to work off) and on a store with one row a user (an overloaded step's retransmitted REGISTERs may
      # have left more rows of a user, which fork a call): emptied, every user registered again at the low rate
      scale_stop_registrars
      empty_store "$store"
      scale_start_registrars "$name" "$store" "$k" || { echo "run.sh scale: $tag did not start again" >&2; exit 1; }
      # a pass that warms the registrars up, thrown away: a cold one answers late, SIPp retransmits, and
      # Sipway may then save the retransmission beside the first (two rows of a user: a forked call)
      scale_step "$tag-warm" reg "$k" "$fill" "$N_USERS" > /dev/null
      sleep "$SETTLE"   # the retransmissions a cold registrar queued, worked off before the store is emptied
      empty_store "$store"
      read -r ok2 failed _ <<< "$(scale_step "$tag-again" reg "$k" "$fill" "$N_USERS")"
      echo "$tag: $ok2 of $N_USERS users registered again for the calls ($failed failed)"
      call_ops=$(ops_per "$tag-call-ops" call "$k" "$store" "$ops_rate" "$ops_count")
      # shellcheck disable=SC2086
      call_top=$(ramp "$tag-call" call "$k" $call_rates)
      echo "$tag: registrations/s=$reg_top calls/s=$call_top store_ops_per_registration=$reg_ops store_ops_per_call=$call_ops"
      # shellcheck disable=SC2086
      ROWS+=("| $store | $name | $k | $(rate_cell "$reg_top" $reg_rates) | $(rate_cell "$call_top" $call_rates) | $reg_ops | $call_ops |")
      scale_stop_uas
      scale_stop_registrars
      empty_store "$store"   # the kamailio database is shared: the benchmark's rows leave with it
      if [ "$ok" = 0 ]; then echo "run.sh scale: $tag registered nothing" >&2; exit 1; fi
      if [ -n "$SMOKE" ] && [ "$call_ops" = n/a ]; then echo "run.sh scale: $tag completed no call" >&2; exit 1; fi
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
  echo "examples/cfg/registrar.cfg (usrloc db_mode 3, use_domain 0; on Redis its user sets keyed by username), each"
  echo "registrar on its own address (${REG_IPS[*]}), SERVER_ID 11, 12; Redis database $SCALE_REDIS_DB flushed, or"
  echo "PostgreSQL's kamailio.location emptied (-A WITH_PGSQL), before each row. $USERS users split evenly, one SIPp per"
  echo "registrar. Registrations: REGISTER, 200 (no authentication), steps of ${STEP_SECONDS} s at $REG_RATES/s; calls:"
  echo "INVITE through the registrar (lookup, t_relay) to a SIPp UAS, ACK and BYE straight to it, steps of ${STEP_SECONDS} s"
  echo "at $CALL_RATES/s, the registrars started again and every user registered once before. A top rate is the"
  echo "highest step with under 0.1% not completed and 95% of the offered rate completed (\">=\": the ramp's last step;"
  echo "0: not even the first). Store operations: Redis commands on its database (MONITOR) or PostgreSQL"
  echo "transactions (pg_stat_database) over $OPS_COUNT re-registrations and $OPS_COUNT calls at $OPS_RATE/s, per"
  echo "successful one (n/a: none succeeded); every step in scale.csv."
} > "$RESULTS/scale.md"
cat "$RESULTS/scale.md"
echo "wrote $CSV and $RESULTS/scale.md"
