#!/usr/bin/env bash
# The jobs benchmark (bench/Marketplace.Bench.Jobs): needs the stack of infra/up.sh running and otherwise quiet (the
# idle load is read from its PostgreSQL's pg_stat_statements). Figures go to bench/results/jobs.txt.
# Usage: bench/jobs.sh [delayed jobs=200] [bulk jobs=5000] [idle seconds=60]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../infra/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/../infra/lib.sh"

port_open 55432 || die "start the stack first: infra/up.sh"
dotnet build "$ROOT/bench/Marketplace.Bench.Jobs" -c Release -nologo -v q
dotnet run -c Release --no-build --project "$ROOT/bench/Marketplace.Bench.Jobs" -- "$@"
