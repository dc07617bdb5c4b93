#!/usr/bin/env bash
# Runs every test suite against a PostgreSQL and a RabbitMQ of its own (other ports, fresh data each run).
# The last line is "tests: N passed, M failed".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
set -e
ensure_packages
TEST="$ROOT/.data/test"
mkdir -p "$ROOT/.data"; chmod 755 "$ROOT/.data"

stop_servers() {
  rmq_stop "$TEST/rabbitmq" 56672 56682 56369 marketplace-test@localhost
  pg_stop "$TEST/pg"
}
stop_servers
# The PostgreSQL data may live elsewhere behind a link (see pg_start): clear it too, so every run starts clean.
[ -L "$TEST/pg" ] && rm -rf "$(readlink -m "$TEST/pg")"
rm -rf "$TEST"
mkdir -p "$TEST/results" "$TEST/logs"
trap stop_servers EXIT

started=$(date +%s)
pg_start "$TEST/pg" 56432 test
rmq_start "$TEST/rabbitmq" 56672 56682 56369 marketplace-test@localhost test test
set +e

if ! dotnet build "$ROOT/Marketplace.sln" -c Release -nologo -v q -clp:ErrorsOnly; then
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

export Postgres__ConnectionString="Host=127.0.0.1;Port=56432;Username=marketplace;Password=test"
export RabbitMq__Host=127.0.0.1 RabbitMq__Port=56672 RabbitMq__Username=test RabbitMq__Password=test
export MARKETPLACE_ROOT="$ROOT" MARKETPLACE_TEST_RABBITMQ_CTL="$ROOT/infra/test-rabbitmq.sh"

crashed=0
for project in "$ROOT"/tests/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  echo "=== $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$TEST/results" 2>&1 | grep -v -E '^\s*$'
  [ -f "$TEST/results/$name.trx" ] || { echo "$name produced no results (crashed?)"; crashed=$((crashed + 1)); }
done

read -r passed failed < <(python3 - "$TEST/results" <<'PY'
import glob, re, sys
passed = failed = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    text = open(path, encoding="utf-8").read()
    m = re.search(r"<Counters [^>]*>", text)
    if not m: failed += 1; continue
    attrs = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
    passed += int(attrs.get("passed", 0))
    failed += int(attrs.get("failed", 0)) + int(attrs.get("error", 0)) + int(attrs.get("timeout", 0)) + int(attrs.get("aborted", 0))
print(passed, failed)
PY
)
failed=$((failed + crashed))
echo "test run took $(( $(date +%s) - started )) s"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
