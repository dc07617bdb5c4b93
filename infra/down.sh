#!/usr/bin/env bash
# Stops what infra/up.sh started: the services (gateway first), RabbitMQ and PostgreSQL. Keeps the data.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/lib.sh"

DATA="$ROOT/.data"
RUN="$DATA/run"

# Ask every service to stop (SIGTERM: ASP.NET Core shuts down gracefully), then give them 15 s together.
pids=()
for (( i = ${#SERVICES[@]} - 1; i >= 0; i-- )); do
  name="${SERVICES[$i]}"
  if pid="$(service_pid "$RUN" "$name")"; then
    info "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    pids+=("$pid")
  fi
done
deadline=$((SECONDS + 15))
for pid in "${pids[@]}"; do
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    info "pid $pid did not stop within 15 s: killing it"
    kill -9 "$pid" 2>/dev/null || true
  fi
done
rm -f "$RUN"/*.pid

rmq_stop "$DATA/rabbitmq" marketplace@localhost "$RMQ_EPMD_PORT"
pg_stop "$DATA/pg"
info "stopped; the data stays in $DATA"
