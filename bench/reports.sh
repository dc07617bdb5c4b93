#!/usr/bin/env bash
# The settlement reports' benchmark (bench/Marketplace.Bench.Reports): needs the PostgreSQL of infra/up.sh running (or
# MARKETPLACE_BENCH_PG set to a server connection string). Fills database bench_settlement with N ledger postings and
# times the period report, the operator report by industry and task type, the CSV export and a statement.
# Figures go to bench/results/reports.txt. Usage: bench/reports.sh [postings=10000000]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../infra/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/../infra/lib.sh"

if [ -z "${MARKETPLACE_BENCH_PG:-}" ]; then port_open 55432 || die "start the stack first: infra/up.sh (or set MARKETPLACE_BENCH_PG)"; fi
dotnet build "$ROOT/Marketplace.sln" -c Release -nologo -v q
dotnet run -c Release --no-build --project "$ROOT/bench/Marketplace.Bench.Reports" -- "$@"
