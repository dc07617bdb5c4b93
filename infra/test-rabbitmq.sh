#!/usr/bin/env bash
# Stops or starts the test RabbitMQ node of infra/test.sh (same data dir, ports and node name).
# The broker-outage tests call it through $MARKETPLACE_TEST_RABBITMQ_CTL. 'start' returns once the node
# accepts AMQP connections.
# 'services' gives each service its own user, as infra/up.sh does: named after the service, password test-<service>
# (tests/Marketplace.EndToEnd.Tests/Cluster.cs starts the services with them); the tests themselves use the admin test/test.
# 'permissions' prints every user's configure, write and read patterns (LeastPrivilegeTests compares them with the code).
# Usage: infra/test-rabbitmq.sh stop|start|services|permissions
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/lib.sh"

# The one definition of the test node; infra/test.sh starts and stops it through this script.
DIR="$ROOT/.data/test/rabbitmq"
OFFSET="${MARKETPLACE_TEST_PORT_OFFSET:-0}"   # as in infra/test.sh
AMQP_PORT=$((61672 + OFFSET))
DIST_PORT=$((61682 + OFFSET))
EPMD_PORT=$((61369 + OFFSET))
NODE="marketplace-test$([ "$OFFSET" = 0 ] || echo "-$OFFSET")@localhost"

case "${1:-}" in
  stop) rmq_stop "$DIR" "$NODE" "$EPMD_PORT" ;;
  start) rmq_start "$DIR" "$AMQP_PORT" "$DIST_PORT" "$EPMD_PORT" "$NODE" test test ;;
  services) for name in "${SERVICES[@]}"; do rmq_service_access "$DIR" "$NODE" "$EPMD_PORT" "$name" "test-$name"; done ;;
  permissions) rmq_ctl "$DIR" "$NODE" "$EPMD_PORT" -q list_permissions -p / --no-table-headers ;;
  *) echo "usage: $0 stop|start|services|permissions" >&2; exit 2 ;;
esac
