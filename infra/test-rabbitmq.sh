#!/usr/bin/env bash
# Stops or starts the test RabbitMQ of infra/test.sh (the outage test uses this). Usage: test-rabbitmq.sh stop|start
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DIR="$ROOT/.data/test/rabbitmq"
case "${1:-}" in
  stop) rmq_stop "$DIR" 56672 56682 56369 marketplace-test@localhost ;;
  start) rmq_start "$DIR" 56672 56682 56369 marketplace-test@localhost test test ;;
  *) echo "usage: $0 stop|start" >&2; exit 2 ;;
esac
