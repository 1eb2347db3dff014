# Starts a throw-away PostgreSQL server on 127.0.0.1:55432 (CI and the benchmark).
# PostgreSQL refuses to run as root, so the server runs as the postgres user.
PG_PORT="${PG_PORT:-55432}"
PG_DATA="${PG_DATA:-/tmp/kiennghi-pg-$PG_PORT}"
PG_ADMIN_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"

pg_bin() {
  for dir in /usr/local/bin /usr/lib/postgresql/*/bin; do
    [ -x "$dir/$1" ] && { echo "$dir/$1"; return; }
  done
  command -v "$1"
}

start_postgres() {
  if [ -z "$(pg_bin initdb)" ]; then
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  fi
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  local as_pg=(runuser -u postgres --)
  [ "$(id -u)" = 0 ] || as_pg=()
  rm -rf "$PG_DATA"
  mkdir -p "$PG_DATA"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DATA"
  "${as_pg[@]}" "$(pg_bin initdb)" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
  "${as_pg[@]}" "$(pg_bin pg_ctl)" -D "$PG_DATA" -l "$PG_DATA/server.log" -w \
    -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null
  echo "PostgreSQL started on 127.0.0.1:$PG_PORT"
}

stop_postgres() {
  local as_pg=(runuser -u postgres --)
  [ "$(id -u)" = 0 ] || as_pg=()
  "${as_pg[@]}" "$(pg_bin pg_ctl)" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
}
