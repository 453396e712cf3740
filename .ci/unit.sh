#!/usr/bin/env bash
# .ci/unit.sh: the unit stage of `make test` (run inside .ci/with-pg.sh).
# Every test with the race detector, then the store's and the services'
# tests again on PostgreSQL.
#
# screens is the longest package under -race (about 35 minutes on 2 cores,
# on one core: the Fyne test driver is single-threaded), and `go test ./...`
# left the second core idle once the other packages were done. Its test
# binary is built once and run as two halves (tests A–S, then T–Z and the rest:
# together every test, none skipped), alongside the other packages, so that
# both cores work until the end.
#
# Environment: GO (default go), UNIT_TIMEOUT (default 45m); UNIT_SKIP, a
# -skip pattern, only to try this script's plumbing quickly (CI never sets
# it).
set -euo pipefail
GO=${GO:-go}
timeout=${UNIT_TIMEOUT:-45m}
skip=${UNIT_SKIP:-}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tmp=$(mktemp -d /tmp/apetitspas-unit.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

half_a='^(Test|Fuzz|Example)[A-Sa-s]'
half_b='^(Test|Fuzz|Example)[^A-Ma-m]'

others=$($GO list ./... | grep -v '/screens$')
# shellcheck disable=SC2086 # one word per package
$GO test -race -count=1 -timeout "$timeout" -skip "${skip:-^$}" $others >"$tmp/others.log" 2>&1 &
pids+=($!)
$GO test -race -c -o "$tmp/screens.test" ./screens
run_half() { # name pattern
	(cd screens && "$tmp/screens.test" -test.count=1 -test.timeout "$timeout" -test.run "$2" -test.skip "${skip:-^$}") \
		>"$tmp/screens-$1.log" 2>&1
}
run_half a "$half_a" &
pids+=($!)
run_half b "$half_b" &
pids+=($!)

rc=0
names=(others screens-a screens-b)
for i in 0 1 2; do
	if wait "${pids[$i]}"; then
		status=ok
	else
		status=FAIL
		rc=1
	fi
	echo "=== ${names[$i]}: $status"
	cat "$tmp/${names[$i]}.log"
done
pids=()
if [ "$rc" != 0 ]; then
	echo "unit: des tests ont échoué / some tests failed" >&2
	exit 1
fi
APETITSPAS_TEST_STORE=postgres $GO test -race -count=1 -timeout "$timeout" -skip "${skip:-^$}" ./data/... ./app
