#!/usr/bin/env bash
# .ci/with-pg.sh COMMAND…: runs COMMAND with a throwaway PostgreSQL server
# (.ci/pg.sh) started in a temporary folder, and stops it afterwards, also
# when COMMAND fails or is interrupted. COMMAND sees APETITSPAS_TEST_PG (the
# superuser URL), APETITSPAS_TEST_PG_CA (the CA of its TLS certificate) and
# APETITSPAS_REQUIRE_PG=1: the tests that need the server fail rather than
# skip.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/apetitspas-pg.XXXXXX)
trap '"$here/pg.sh" stop "$dir"' EXIT
trap 'exit 130' INT TERM
"$here/pg.sh" start "$dir"
set -a
. "$dir/env"
set +a
export APETITSPAS_REQUIRE_PG=1
"$@"
