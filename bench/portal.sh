#!/usr/bin/env bash
# The portal benchmark (bench/Marketplace.Bench.Portal): needs `infra/up.sh --demo` running and the machine otherwise
# quiet. Prints the first visit's download size (compressed) and each role's start page's time to interactive, cold and
# warm, with Debian's Chromium; the figures go to bench/results/portal.txt. Usage: bench/portal.sh [runs=5]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../infra/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/../infra/lib.sh"

port_open "${SERVICE_PORT[gateway]}" || die "start the stack first: infra/up.sh --demo"
dotnet build "$ROOT/bench/Marketplace.Bench.Portal" -c Release -nologo -v q
dotnet run -c Release --no-build --project "$ROOT/bench/Marketplace.Bench.Portal" -- "$@"
