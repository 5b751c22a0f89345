# Sourced by .ci/run: MariaDB, PostgreSQL and Redis on loopback for the tests that use a real database
# (io.sipway.proxy.db.TestDatabases), with the user sipway/sipway allowed to create databases, and the
# variables that point the tests at them. Idempotent: installs what is missing, starts what is not
# running, and leaves running servers and existing users alone. Runs as root in a Debian container
# without systemd: the packages' init scripts start the daemons.

db_apt=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || db_apt+=(mariadb-server)
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || db_apt+=(postgresql)
command -v redis-server >/dev/null 2>&1 || db_apt+=(redis-server)
if [ ${#db_apt[@]} -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${db_apt[@]}"
fi

# start each server unless it answers already, then wait until it does (30 s at most)
wait_for() { # name, command that succeeds once the server answers
  local name=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "ci: $name does not answer" >&2; return 1
}
mariadb-admin ping >/dev/null 2>&1 || service mariadb start
pg_isready -q -h 127.0.0.1 -p 5432 || service postgresql start
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || service redis-server start
wait_for MariaDB mariadb-admin ping
wait_for PostgreSQL pg_isready -q -h 127.0.0.1 -p 5432
wait_for Redis redis-cli -h 127.0.0.1 -p 6379 ping

# the user sipway/sipway, who may create databases (TestDatabases makes one per test)
mariadb -e "CREATE USER IF NOT EXISTS 'sipway'@'localhost' IDENTIFIED BY 'sipway';
  CREATE USER IF NOT EXISTS 'sipway'@'127.0.0.1' IDENTIFIED BY 'sipway';
  GRANT ALL PRIVILEGES ON *.* TO 'sipway'@'localhost'; GRANT ALL PRIVILEGES ON *.* TO 'sipway'@'127.0.0.1';"
su postgres -s /bin/sh -c "psql -q -v ON_ERROR_STOP=1 -c \"DO \\\$\\\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sipway') THEN CREATE ROLE sipway LOGIN CREATEDB PASSWORD 'sipway'; END IF;
  END \\\$\\\$;\""

# Kamailio's database and tables on both servers, as the README's "Databases" section makes them
./sipway db create mysql://sipway:sipway@127.0.0.1/kamailio
./sipway db create postgres://sipway:sipway@127.0.0.1/kamailio

export SIPWAY_TEST_MYSQL=mysql://sipway:sipway@127.0.0.1:3306
export SIPWAY_TEST_PGSQL=postgres://sipway:sipway@127.0.0.1:5432
export SIPWAY_TEST_REDIS=redis://127.0.0.1:6379
export SIPWAY_TEST_REQUIRE_DB=1
