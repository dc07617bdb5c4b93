#!/usr/bin/env bash
# Starts the whole marketplace on this machine: PostgreSQL, RabbitMQ, the five services and the gateway (portal).
# Installs what is missing, keeps data under .data/, and is safe to run again (it keeps the data).
# Usage: infra/up.sh [--demo]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DEMO=false
for arg in "$@"; do
  case "$arg" in
    --demo) DEMO=true ;;
    *) echo "usage: infra/up.sh [--demo]" >&2; exit 2 ;;
  esac
done

ensure_packages
DATA="$ROOT/.data"
mkdir -p "$DATA/logs" "$DATA/run"
chmod 755 "$DATA"

FIRST_RUN=false
if [ ! -f "$DATA/secrets.env" ]; then
  FIRST_RUN=true
  umask 077
  cat > "$DATA/secrets.env" <<SECRETS
PG_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
RABBITMQ_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
AUTH_SIGNING_KEY=$(head -c 48 /dev/urandom | base64 -w0)
OPERATOR_EMAIL=operator@marketplace.local
OPERATOR_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
SECRETS
  umask 022
fi
# shellcheck disable=SC1091
source "$DATA/secrets.env"

echo "starting PostgreSQL on 127.0.0.1:55432 and RabbitMQ on 127.0.0.1:55672..."
pg_start "$DATA/pg" 55432 "$PG_PASSWORD"
rmq_start "$DATA/rabbitmq" 55672 55682 54369 marketplace@localhost marketplace "$RABBITMQ_PASSWORD"

running=0
for pidfile in "$DATA"/run/*.pid; do [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && running=$((running + 1)); done
if [ "$running" -eq 0 ]; then
  echo "building..."
  dotnet build "$ROOT/Marketplace.sln" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null || {
    dotnet build "$ROOT/Marketplace.sln" -c Release -nologo -v q -clp:ErrorsOnly; exit 1; }
else
  # Rebuilding under running processes would swap their assemblies; infra/down.sh first to pick up code changes.
  echo "$running services already running: not rebuilding (run infra/down.sh first to rebuild)"
fi

declare -A PORTS=([orders]=5081 [bidding]=5082 [tasks]=5083 [payouts]=5084 [settlement]=5085 [gateway]=5080)
start_service() { # NAME
  local name="$1" port="${PORTS[$1]}" cap="${1^}"
  local pidfile="$DATA/run/$name.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then return 0; fi
  (
    cd "$ROOT/services/$name/Marketplace.$cap/bin/Release/net10.0"
    ASPNETCORE_URLS="http://127.0.0.1:$port" \
    ASPNETCORE_ENVIRONMENT=Production \
    Postgres__ConnectionString="Host=127.0.0.1;Port=55432;Username=marketplace;Password=$PG_PASSWORD" \
    RabbitMq__Host=127.0.0.1 RabbitMq__Port=55672 RabbitMq__Username=marketplace RabbitMq__Password="$RABBITMQ_PASSWORD" \
    Auth__SigningKey="$AUTH_SIGNING_KEY" Content__Root="$DATA/content" \
    Gateway__Services__orders=http://127.0.0.1:5081 Gateway__Services__bidding=http://127.0.0.1:5082 \
    Gateway__Services__tasks=http://127.0.0.1:5083 Gateway__Services__payouts=http://127.0.0.1:5084 \
    Gateway__Services__settlement=http://127.0.0.1:5085 \
    Bootstrap__OperatorEmail="$OPERATOR_EMAIL" Bootstrap__OperatorPassword="$OPERATOR_PASSWORD" \
    nohup dotnet "Marketplace.$cap.dll" >> "$DATA/logs/$name.log" 2>&1 < /dev/null &
    echo $! > "$pidfile"
  )
}

for name in orders bidding tasks payouts settlement gateway; do start_service "$name"; done
for name in orders bidding tasks payouts settlement gateway; do
  if ! wait_http "http://127.0.0.1:${PORTS[$name]}/health" 120; then
    echo "$name did not become healthy; the end of .data/logs/$name.log:" >&2
    tail -20 "$DATA/logs/$name.log" >&2
    exit 1
  fi
done

if $DEMO; then
  echo "seeding the demo marketplace..."
  DEMO_OPERATOR_EMAIL="$OPERATOR_EMAIL" DEMO_OPERATOR_PASSWORD="$OPERATOR_PASSWORD" \
    dotnet "$ROOT/infra/demo/bin/Release/net10.0/Marketplace.Demo.dll" http://127.0.0.1:5080
fi

cat <<INFO

Marketplace is up.
  portal and API     http://127.0.0.1:5080/            (API: http://127.0.0.1:5080/api/<service>/...)
  orders             http://127.0.0.1:5081/openapi/v1.json
  bidding            http://127.0.0.1:5082/openapi/v1.json
  tasks              http://127.0.0.1:5083/openapi/v1.json
  payouts            http://127.0.0.1:5084/openapi/v1.json
  settlement         http://127.0.0.1:5085/openapi/v1.json
  PostgreSQL         127.0.0.1:55432 (user marketplace)     RabbitMQ  127.0.0.1:55672
  logs               $DATA/logs/
INFO
if $FIRST_RUN; then
  echo "  operator login     $OPERATOR_EMAIL / $OPERATOR_PASSWORD   (shown once; kept in .data/secrets.env)"
else
  echo "  operator login     $OPERATOR_EMAIL (password in .data/secrets.env)"
fi
$DEMO && echo "  demo accounts      e.g. li.na@hz-smartretail.example, liu.yang@workers.example; password demo-password-2026"
echo "Stop everything with infra/down.sh (the data stays)."
