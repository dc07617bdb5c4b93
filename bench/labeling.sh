#!/usr/bin/env bash
# The labeling benchmark (bench/Marketplace.Bench.Labeling, issue 15): accuracy, human answers and cost without and with
# the built-in model on SpamAssassin e-mails and MNIST digits, then training and prediction time at 100,000 items.
# Needs no running stack; run it on an otherwise quiet machine. Figures go to bench/results/labeling.txt.
# Usage: bench/labeling.sh [text|images|all=all] [image items=3000] [seed=2026]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../infra/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/../infra/lib.sh"
"$ROOT/bench/labeling-data.sh" "$ROOT/.data/bench-data"
dotnet build "$ROOT/bench/Marketplace.Bench.Labeling" -c Release -nologo -v q
mkdir -p "$ROOT/bench/results"
dotnet run -c Release --no-build --project "$ROOT/bench/Marketplace.Bench.Labeling" -- "$ROOT/.data/bench-data" "$@" | tee "$ROOT/bench/results/labeling.txt"
