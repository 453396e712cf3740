#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, from Debian's packages: no
# Docker, nothing downloaded at run time.
#
#   .ci/pg.sh start DIR   starts a server whose files are all in DIR (made
#                         empty), listening on 127.0.0.1 only, with TLS (a CA
#                         and a certificate for "localhost" made here), and
#                         writes DIR/env (APETITSPAS_TEST_PG=superuser URL,
#                         APETITSPAS_TEST_PG_CA=the CA file) for the tests.
#   .ci/pg.sh stop DIR    stops it and removes DIR.
#
# initdb refuses to run as root: as root, the server runs as the
# unprivileged user "postgres" (made by Debian's package).
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?DIR}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL est introuvable (paquet postgresql) / PostgreSQL not found" >&2; exit 1; }

as_server() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
start)
  rm -rf "$dir"; mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  printf '%s\n' "$pw" > "$dir/pw.tmp"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir/pw.tmp"; fi
  as_server "$bindir/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile="$dir/pw.tmp" -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
  rm -f "$dir/pw.tmp"
  # TLS: a CA of our own and a server certificate for localhost.
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=apetitspas test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$dir/san.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 2 -extfile "$dir/san.ext" -out "$dir/server.pem" 2>/dev/null
  chmod 600 "$dir/server.key"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir/server.key" "$dir/server.pem"; fi
  chmod 644 "$dir/ca.pem"
  # A free port: another server may hold the one drawn; try a few.
  cp "$dir/data/postgresql.conf" "$dir/postgresql.conf.orig"
  started=""
  for attempt in 1 2 3 4 5; do
    port=${PGTEST_PORT:-$(( 20000 + RANDOM % 20000 ))}
    cp "$dir/postgresql.conf.orig" "$dir/data/postgresql.conf"
    cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
ssl = on
ssl_cert_file = '$dir/server.pem'
ssl_key_file = '$dir/server.key'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    if as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null; then
      started=1; break
    fi
  done
  [ -n "$started" ] || { cat "$dir/server.log"; exit 1; }
  cat > "$dir/env" <<ENV
APETITSPAS_TEST_PG="postgres://postgres:$pw@127.0.0.1:$port/postgres?sslmode=disable&connect_timeout=60"
APETITSPAS_TEST_PG_CA=$dir/ca.pem
ENV
  echo "PostgreSQL de test démarré / test server started: 127.0.0.1:$port ($dir)"
  ;;
stop)
  if [ -d "$dir/data" ]; then
    as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
