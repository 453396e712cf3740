#!/usr/bin/env bash
# .ci/unit.sh: the unit stage of `make test` (run inside .ci/with-pg.sh).
# Every test of every package with the race detector, then the store's and
# the services' tests again on PostgreSQL.
#
# Environment: GO (default go), UNIT_TIMEOUT (default 45m); UNIT_SKIP, a
# -skip pattern, only to try this script's plumbing quickly (CI never sets
# it).
set -euo pipefail
GO=${GO:-go}
timeout=${UNIT_TIMEOUT:-45m}
skip=${UNIT_SKIP:-^$}
cd "$(dirname "$0")/.."
start=$SECONDS
$GO test -race -count=1 -timeout "$timeout" -skip "$skip" ./...
echo "unit: SQLite pass $((SECONDS - start)) s"
start=$SECONDS
APETITSPAS_TEST_STORE=postgres $GO test -race -count=1 -timeout "$timeout" -skip "$skip" ./data/... ./app
echo "unit: PostgreSQL pass $((SECONDS - start)) s"
