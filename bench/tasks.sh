#!/usr/bin/env bash
# The crowd engine's benchmark (bench/Marketplace.Bench.Tasks): needs the stack of infra/up.sh running (its PostgreSQL
# and RabbitMQ). Creates the RabbitMQ virtual host "bench" so the benchmark's own tasks service does not share queues
# with the running one, then runs the benchmark. Figures go to bench/results/tasks.txt.
# Usage: bench/tasks.sh [items=1000000] [overlap=3] [seconds per claim phase=15]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../infra/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/../infra/lib.sh"

port_open 55432 && port_open 55672 || die "start the stack first: infra/up.sh"
rmq_ctl "$ROOT/.data/rabbitmq" marketplace@localhost 54369 -q add_vhost bench >/dev/null 2>&1 || true
rmq_ctl "$ROOT/.data/rabbitmq" marketplace@localhost 54369 -q set_permissions -p bench marketplace '.*' '.*' '.*' >/dev/null
dotnet build "$ROOT/Marketplace.sln" -c Release -nologo -v q
dotnet run -c Release --no-build --project "$ROOT/bench/Marketplace.Bench.Tasks" -- "$@"
