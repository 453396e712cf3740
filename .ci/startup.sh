#!/usr/bin/env bash
# Start-up time: exec → the window is mapped (first frame), for a bare Fyne
# window and for À petits pas on a database with users, alternating runs,
# under Xvfb. Prints every run, the medians and their ratio.
#   bash .ci/startup.sh [RUNS]   (default 7)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/apetitspas" ./cmd/apetitspas
go build -o "$work/apetitspas-admin" ./cmd/apetitspas-admin
go build -o "$work/barewindow" ./cmd/apetitspas/testdata/barewindow
db="$work/startup.db"
echo "tulipe-bleue-colline" | "$work/apetitspas-admin" --db "$db" setup --daycare "CPE Mesure" --email a@mesure.ca --name "Admin Mesure" >/dev/null
mkfifo "$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>"$work/display" >/dev/null 2>&1 &
read -r -t 10 disp <"$work/display"
export DISPLAY=":$disp" LANG=fr_CA.UTF-8 XDG_CONFIG_HOME="$work/cfg" XDG_CACHE_HOME="$work/cache"

# One run: start the program, poll for its visible window, print the ms.
measure() { # name-pattern command...
  local pattern=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 &
  local pid=$!
  until xdotool search --onlyvisible --name "$pattern" >/dev/null 2>&1; do sleep 0.005; done
  t1=$(date +%s%N)
  kill $pid; wait $pid 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

bare=(); app=()
for i in $(seq "$runs"); do
  b=$(measure "bare window" "$work/barewindow"); bare+=("$b")
  a=$(measure "petits pas" "$work/apetitspas" --db "$db"); app+=("$a")
  echo "run $i: bare ${b} ms, apetitspas ${a} ms"
done
mb=$(printf '%s\n' "${bare[@]}" | median)
ma=$(printf '%s\n' "${app[@]}" | median)
echo "median: bare ${mb} ms, apetitspas ${ma} ms, ratio $(awk -v a="$ma" -v b="$mb" 'BEGIN{printf "%.2f", a/b}')"
