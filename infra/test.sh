#!/usr/bin/env bash
# Builds the solution and runs every test project (tests/*/*.csproj) against a PostgreSQL and a RabbitMQ of
# its own: other ports than infra/up.sh, data under .data/test/, wiped at every run, stopped at the end.
# The last line printed is always "tests: N passed, M failed"; the exit code is 0 only when M is 0 and N > 0.
set -euo pipefail
INFRA="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$INFRA/lib.sh"

TEST="$ROOT/.data/test"
# MARKETPLACE_TEST_PORT_OFFSET (default 0) moves every test port, so two clones can run their tests at once. The ports
# sit above Linux's ephemeral range (32768-60999), so an outgoing connection can never be holding one when we bind it.
OFFSET="${MARKETPLACE_TEST_PORT_OFFSET:-0}"
PG_PORT=$((61432 + OFFSET))   # the RabbitMQ node's settings are in infra/test-rabbitmq.sh, which the tests use too

stop_servers() {
  "$INFRA/test-rabbitmq.sh" stop || true
  pg_stop "$TEST/pg" || true
}

finish() { # PASSED FAILED
  trap - EXIT
  stop_servers
  echo "tests: $1 passed, $2 failed"
  if [ "$2" -eq 0 ] && [ "$1" -gt 0 ]; then exit 0; else exit 1; fi
}
# Whatever ends the run early (a server that does not start, Ctrl-C) still stops the servers and prints
# the summary line, as a failure.
trap 'finish 0 1' EXIT
trap 'exit 130' INT TERM

# One attribute of a trx file's <Counters .../> element (empty if absent).
counter() { # COUNTERS_ELEMENT NAME
  sed -n "s/.* $2=\"\([0-9]*\)\".*/\1/p" <<< "$1"
}

# "PASSED FAILED" from a trx file; errors, timeouts and aborted tests count as failed. Fails if unreadable.
trx_counts() { # TRX_FILE
  local counters passed failed=0 name value
  [ -f "$1" ] || return 1
  counters="$(grep -o -m 1 '<Counters [^>]*>' "$1")" || return 1
  passed="$(counter "$counters" passed)"
  [ -n "$passed" ] || return 1
  for name in failed error timeout aborted; do
    value="$(counter "$counters" "$name")"
    failed=$((failed + ${value:-0}))
  done
  echo "$passed $failed"
}

ensure_packages
require_dotnet

# A clean slate: stop what an interrupted run may have left, then wipe. The PostgreSQL data may live under
# /var/tmp behind a symlink (see pg_place in lib.sh): remove that too.
stop_servers
if [ -L "$TEST/pg" ]; then
  target="$(readlink -m "$TEST/pg")"
  if [[ "$target" == /var/tmp/marketplace-* ]]; then rm -rf "$target"; fi
fi
rm -rf "$TEST"
mkdir -p "$TEST/results" "$TEST/logs"

info "building Marketplace.sln (Release)..."
if ! dotnet build "$ROOT/Marketplace.sln" -c Release -nologo -v q; then
  echo "the build failed (errors above)"
  finish 0 1
fi

pg_start "$TEST/pg" "$PG_PORT" test
"$INFRA/test-rabbitmq.sh" start
"$INFRA/test-rabbitmq.sh" services

export Postgres__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Username=marketplace;Password=test"
export RabbitMq__Host=127.0.0.1 RabbitMq__Port=$((61672 + OFFSET)) RabbitMq__Username=test RabbitMq__Password=test
export MARKETPLACE_ROOT="$ROOT" MARKETPLACE_TEST_RABBITMQ_CTL="$INFRA/test-rabbitmq.sh"
# The admin accounts above are the tests' own; Cluster.cs starts each service with its own PostgreSQL role (made through
# infra/service-database.sh) and its own RabbitMQ user (made by test-rabbitmq.sh services), as infra/up.sh does.

shopt -s nullglob
passed=0
failed=0
for project in "$ROOT"/tests/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  echo
  echo "=== $name"
  rc=0
  # MARKETPLACE_TEST_FILTER (a dotnet test --filter expression) runs a subset while working on something.
  # A test that hangs fails after 10 minutes (the longest, the money property test, takes about 3) instead of stalling CI.
  dotnet test "$project" -c Release --no-build --nologo ${MARKETPLACE_TEST_FILTER:+--filter "$MARKETPLACE_TEST_FILTER"} \
    --blame-hang-timeout 10m --blame-hang-dump-type none \
    --logger "trx;LogFileName=$name.trx" --results-directory "$TEST/results" || rc=$?
  if counts="$(trx_counts "$TEST/results/$name.trx")"; then
    read -r p f <<< "$counts"
  else
    echo "$name: no test results (did the test run crash?): counted as 1 failed"
    p=0 f=1
  fi
  # A crashed or aborted test host can leave a trx without failures; dotnet test's exit code tells.
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "$name: dotnet test exited with $rc but reported no failed test: counted as 1 failed"
    f=1
  fi
  # A check in a suite's teardown (E2E: reconciliation green at the end) is not a test result: it leaves a marker.
  if [ -f "$TEST/results/$name.teardown-failed" ]; then
    echo "$name: the teardown check failed: $(head -c 2000 "$TEST/results/$name.teardown-failed")"
    f=$((f + 1))
  fi
  echo "=== $name: $p passed, $f failed"
  passed=$((passed + p))
  failed=$((failed + f))
done

finish "$passed" "$failed"
