#!/usr/bin/env bash
# Gives one service its own PostgreSQL role and database (lib.sh pg_service_access), for the test cluster
# (tests/Marketplace.EndToEnd.Tests/Cluster.cs) as infra/up.sh does it for the stack. The admin's password comes in
# PGPASSWORD and the role's on stdin, never on a command line.
# Usage: PGPASSWORD=... infra/service-database.sh PORT DATABASE ROLE < role-password
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/lib.sh"
[ $# -eq 3 ] || { echo "usage: PGPASSWORD=... $0 PORT DATABASE ROLE < role-password" >&2; exit 2; }
read -r password || true
pg_service_access "$1" "${PGPASSWORD:?PGPASSWORD (the admin password) is required}" "$2" "$3" "$password"
