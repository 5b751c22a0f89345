# benchmarks/run.sh register [--smoke]: sourced by run.sh (its helpers, HERE, ROOT, SMOKE, RESULTS,
# SIPWAY_JAR, set -euo pipefail), which documents the settings in its header.
#
# Registrations with digest authentication against MariaDB, Sipway then Kamailio 5.6.3 when installed
# (with db_mysql), each running Debian's default kamailio.cfg with WITH_MYSQL, WITH_AUTH and
# WITH_USRLOCDB (auth_check against the subscriber table, usrloc db_mode 2) on the same database.
# One registration is SIPp's register_users.xml: REGISTER, 401, REGISTER with credentials, 200, for
# USERS users in turn. The offered rates step up (STEP_SECONDS each); the top rate is the highest step
# with under 0.1% failed and 95% of the offered rate completed. Then CPU_SECONDS at CPU_RATE: the
# proxy's user+system CPU time (all its threads or processes) per successful registration.

install_missing sipp=sip-tester ss=iproute2 mariadb=mariadb-client bc=bc
P_SIP=5960; P_UAC=5961
SIPP_BUFFER=${SIPP_BUFFER:-4194304}
JAR=$(realpath "$SIPWAY_JAR")
PROXIES=${PROXIES:-sipway kamailio}
KAMAILIO=${KAMAILIO:-kamailio}
DEFAULT_CFG=$ROOT/proxy-app/src/test/resources/kamailio/debian-5.6.3/kamailio.cfg
# the MariaDB server (a user that may create databases) and the benchmark's own database on it
REG_DB_HOST=${REG_DB_HOST:-127.0.0.1}; REG_DB_PORT=${REG_DB_PORT:-3306}
REG_DB_USER=${REG_DB_USER:-sipway}; REG_DB_PASSWORD=${REG_DB_PASSWORD:-sipway}; REG_DB_NAME=${REG_DB_NAME:-sipway_bench}
DBURL="mysql://$REG_DB_USER:$REG_DB_PASSWORD@$REG_DB_HOST:$REG_DB_PORT/$REG_DB_NAME"
if [ -n "$SMOKE" ]; then
  USERS=20; RATES="20 50"; STEP_SECONDS=2; CPU_RATE=20; CPU_SECONDS=2; WARMUP_SECONDS=1; PROXIES=sipway
else
  USERS=${USERS:-1000}; RATES=${RATES:-200 500 1000 1500 2000 3000 4000 5000 6000 7000 8000 10000}; STEP_SECONDS=${STEP_SECONDS:-5}
  CPU_RATE=${CPU_RATE:-300}; CPU_SECONDS=${CPU_SECONDS:-20}; WARMUP_SECONDS=${WARMUP_SECONDS:-10}
fi
HZ=$(getconf CLK_TCK)
WORK=$(mktemp -d)
PROXY_PID=""; UAC_PID=""
register_cleanup() {
  if [ -n "$UAC_PID" ]; then kill "$UAC_PID" 2>/dev/null || true; fi
  if [ -n "$PROXY_PID" ]; then reg_stop_proxy; fi
  if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap register_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sql() { mariadb -h "$REG_DB_HOST" -P "$REG_DB_PORT" -u "$REG_DB_USER" "-p$REG_DB_PASSWORD" "$@"; }
if ! sql -e 'SELECT 1' >/dev/null 2>&1; then
  echo "run.sh register: no MariaDB at $REG_DB_USER@$REG_DB_HOST:$REG_DB_PORT (set REG_DB_HOST, REG_DB_PORT, REG_DB_USER, REG_DB_PASSWORD)" >&2
  exit 2
fi
# a fresh database with Kamailio's tables (sipway db create, what kamdbctl create does) and USERS subscribers
sql -e "DROP DATABASE IF EXISTS \`$REG_DB_NAME\`"
java -jar "$JAR" db create "$DBURL" > "$WORK/db-create.log" 2>&1 || { cat "$WORK/db-create.log" >&2; exit 1; }
{
  echo "INSERT INTO subscriber (username, domain, password, ha1, ha1b) VALUES"
  for i in $(seq 0 $((USERS - 1))); do
    u=$(printf 'user%05d' "$i"); p="pw$i"
    printf "%s('%s','127.0.0.1','%s',MD5('%s:127.0.0.1:%s'),MD5('%s@127.0.0.1:127.0.0.1:%s'))\n" \
      "$([ "$i" = 0 ] || echo ,)" "$u" "$p" "$u" "$p" "$u" "$p"
  done
  echo ";"
} > "$WORK/users.sql"
sql "$REG_DB_NAME" < "$WORK/users.sql"
{ echo SEQUENTIAL; for i in $(seq 0 $((USERS - 1))); do
    printf 'user%05d;pw%d;[authentication username=user%05d password=pw%d];\n' "$i" "$i" "$i" "$i"; done; } > "$WORK/users.csv"

DEFINES=(-A WITH_MYSQL -A WITH_AUTH -A WITH_USRLOCDB -A "DBURL=\"$DBURL\"")
reg_start_proxy() {
  local name=$1
  wait_free "$P_SIP" "$P_UAC" || return 1
  sql "$REG_DB_NAME" -e "DELETE FROM location"
  case "$name" in
    sipway) java -jar "$JAR" --rpc-listen off -f "$DEFAULT_CFG" "${DEFINES[@]}" -l "udp:127.0.0.1:$P_SIP" > "$WORK/$name.log" 2>&1 & ;;
    kamailio) mkdir -p "$WORK/kamailio-run"
              "$KAMAILIO" -DD -E -m 1024 -f "$DEFAULT_CFG" "${DEFINES[@]}" -Y "$WORK/kamailio-run" -l "udp:127.0.0.1:$P_SIP" \
                > "$WORK/$name.log" 2>&1 & ;;
  esac
  PROXY_PID=$!
  if ! wait_port "$P_SIP"; then echo "run.sh register: $name did not listen on $P_SIP:" >&2; tail -n 20 "$WORK/$name.log" >&2; return 1; fi
  sleep 2
}
reg_stop_proxy() {
  local kids p
  kids=$(pgrep -P "$PROXY_PID" | tr '\n' ' ' || true)
  kill "$PROXY_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$PROXY_PID" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$PROXY_PID" 2>/dev/null || true
  wait "$PROXY_PID" 2>/dev/null || true
  for p in $kids; do kill -9 "$p" 2>/dev/null || true; done
  PROXY_PID=""
}
proc_tree() { local c; echo "$1"; for c in $(pgrep -P "$1" || true); do proc_tree "$c"; done; }
ticks() {
  local p s f total=0
  for p in "$@"; do
    s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    s=${s##*) }; read -r -a f <<< "$s"; total=$((total + f[11] + f[12]))
  done
  echo "$total"
}
# registrations DIR RATE COUNT: SIPp registers COUNT times at RATE (bounded in count and time); "ok failed elapsed"
registrations() {
  local dir="$WORK/$1" rate=$2 n=$3 start end ok failed
  mkdir -p "$dir"
  start=$(date +%s.%N)
  (cd "$dir" && exec timeout $(( n / rate + 60 )) sipp -sf "$HERE/tools/register_users.xml" "127.0.0.1:$P_SIP" -i 127.0.0.1 \
     -p "$P_UAC" -t u1 -inf "$WORK/users.csv" -r "$rate" -m "$n" -l 20000 -nostdin -timeout $(( n / rate + 30 )) -timeout_error \
     -max_socket 2000 -buff_size "$SIPP_BUFFER" > uac.out 2>&1) &
  UAC_PID=$!
  wait "$UAC_PID" || true
  UAC_PID=""
  end=$(date +%s.%N)
  ok=$(awk -F'|' '/Successful call/ {gsub(/ /, "", $3); v = $3} END {print v + 0}' "$dir/uac.out")
  failed=$(awk -F'|' '/Failed call/ {gsub(/ /, "", $3); v = $3} END {print v + 0}' "$dir/uac.out")
  echo "$ok $failed $(echo "$end - $start" | bc)"
}

CSV="$RESULTS/register.csv"
echo "proxy,phase,offered,registrations,ok,failed,elapsed_s,cpu_s" > "$CSV"
ROWS=()
echo "run.sh register: $(nproc) cores, $USERS users, steps of ${STEP_SECONDS} s at $RATES/s, then ${CPU_SECONDS} s at $CPU_RATE/s for the CPU; load=$(cut -d' ' -f1 /proc/loadavg)"
for name in $PROXIES; do
  if [ "$name" = kamailio ]; then
    if ! command -v "$KAMAILIO" >/dev/null 2>&1 || [ ! -f /usr/lib/x86_64-linux-gnu/kamailio/modules/db_mysql.so ]; then
      echo "kamailio: not installed with db_mysql (kamailio-mysql-modules), Sipway measured alone"; continue
    fi
  fi
  reg_start_proxy "$name" || { echo "run.sh register: $name did not start" >&2; exit 1; }
  read -r ok failed el <<< "$(registrations "$name-warmup" "$CPU_RATE" $((CPU_RATE * WARMUP_SECONDS)))"
  echo "$name warm-up: $ok ok, $failed failed"
  top=0; bad=0
  for rate in $RATES; do
    n=$((rate * STEP_SECONDS))
    read -r ok failed el <<< "$(registrations "$name-$rate" "$rate" "$n")"
    done_rate=$(awk -v ok="$ok" -v el="$el" -v s="$STEP_SECONDS" 'BEGIN {t = (el > s + 0.5 ? el : s); printf "%.0f", ok / t}')
    pct=$(awk -v f="$failed" -v n="$n" -v ok="$ok" 'BEGIN {printf "%.2f", (n - ok) * 100 / n}')
    echo "$name,step,$rate,$n,$ok,$failed,$el," >> "$CSV"
    echo "$name step $rate/s: $ok ok, $failed failed ($pct% not completed), $done_rate/s completed"
    if awk -v p="$pct" -v d="$done_rate" -v r="$rate" 'BEGIN {exit !(p < 0.1 && d >= 0.95 * r)}'; then top=$rate; bad=0
    else bad=$((bad + 1)); [ "$bad" -ge 2 ] && break; fi
  done
  sleep 2
  pids=$(proc_tree "$PROXY_PID" | tr '\n' ' ')
  # shellcheck disable=SC2086
  t0=$(ticks $pids)
  read -r ok failed el <<< "$(registrations "$name-cpu" "$CPU_RATE" $((CPU_RATE * CPU_SECONDS)))"
  sleep 2
  # shellcheck disable=SC2086
  t1=$(ticks $pids)
  cpu_s=$(awk -v t=$((t1 - t0)) -v hz="$HZ" 'BEGIN {printf "%.2f", t / hz}')
  us=$(awk -v t=$((t1 - t0)) -v hz="$HZ" -v ok="$ok" 'BEGIN {if (ok > 0) printf "%.0f", t / hz * 1e6 / ok; else print "n/a"}')
  echo "$name,cpu,$CPU_RATE,$((CPU_RATE * CPU_SECONDS)),$ok,$failed,$el,$cpu_s" >> "$CSV"
  echo "$name cpu: $ok ok, $failed failed at $CPU_RATE/s, ${cpu_s} s CPU, $us µs per registration"
  ROWS+=("| $name | $top | $CPU_RATE | $ok | $failed | $cpu_s | $us |")
  reg_stop_proxy
  if [ -z "$SMOKE" ] && [ "$ok" = 0 ]; then echo "run.sh register: $name registered nothing" >&2; exit 1; fi
done
{
  echo "Registrations with digest authentication against MariaDB, $(date -u +%Y-%m-%d), $(nproc) cores (SIPp and MariaDB on the same cores):"
  echo
  echo "    benchmarks/run.sh register${SMOKE:+ --smoke}"
  echo
  echo "| proxy | top rate (registrations/s, <0.1% failed) | CPU run rate | registrations | failed | CPU s | CPU µs per registration |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Debian's kamailio.cfg (Kamailio 5.6.3) with WITH_MYSQL, WITH_AUTH, WITH_USRLOCDB: auth_check against the"
  echo "subscriber table (calculate_ha1), save() with usrloc db_mode 2. A registration is REGISTER, 401, REGISTER"
  echo "with credentials, 200 ($USERS users in turn). Steps of ${STEP_SECONDS} s at $RATES registrations/s; the top rate"
  echo "is the highest with under 0.1% failed and 95% of the offered rate completed. CPU: user+system time of the"
  echo "proxy (the JVM's threads; all of Kamailio's processes) over $((CPU_RATE * CPU_SECONDS)) registrations at $CPU_RATE/s,"
  echo "per successful one."
} > "$RESULTS/register.md"
echo "wrote $CSV and $RESULTS/register.md"
