#!/usr/bin/env bash
# Installs (from Debian's packages) and starts a throwaway PostgreSQL for the test suite on
# 127.0.0.1:55432, then creates role and database `backstock`. Safe to run again.
set -euo pipefail

PGPORT=55432
PGDATA=/tmp/backstock-pg/data
PGLOG=/tmp/backstock-pg/server.log
URL="postgres://backstock:backstock@127.0.0.1:${PGPORT}/backstock_test"

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(bindir)" ]; then
  echo "== installing PostgreSQL from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
BIN=$(bindir)
as_pg() { runuser -u postgres -- "$@"; }

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$(dirname "$PGDATA")"
  chown postgres:postgres "$(dirname "$PGDATA")"
  as_pg "$BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >/dev/null
fi
if ! as_pg "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w start -o \
    "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
fi

psql_pg() { as_pg "$BIN/psql" -h /tmp -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qtAc "$1"; }
[ "$(psql_pg "SELECT 1 FROM pg_roles WHERE rolname='backstock'")" = 1 ] \
  || psql_pg "CREATE ROLE backstock LOGIN SUPERUSER PASSWORD 'backstock'"
[ "$(psql_pg "SELECT 1 FROM pg_database WHERE datname='backstock_test'")" = 1 ] \
  || psql_pg "CREATE DATABASE backstock_test OWNER backstock"

export BACKSTOCK_TEST_DATABASE_URL="$URL"
echo "PostgreSQL ready: BACKSTOCK_TEST_DATABASE_URL=$URL"
