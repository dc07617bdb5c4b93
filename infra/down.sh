#!/usr/bin/env bash
# Stops the services, RabbitMQ and PostgreSQL started by infra/up.sh. The data in .data/ stays.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DATA="$ROOT/.data"

for pidfile in "$DATA"/run/*.pid; do
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  kill "$pid" 2>/dev/null || true
done
for pidfile in "$DATA"/run/*.pid; do
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
done
rmq_stop "$DATA/rabbitmq" 55672 55682 54369 marketplace@localhost
pg_stop "$DATA/pg"
echo "stopped (data kept in $DATA)"
