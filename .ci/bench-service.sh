#!/usr/bin/env bash
# Issue 16's figures: what the service costs the window and the computer.
#   1. start-up, exec → window mapped (xdotool), under Xvfb: a bare Fyne
#      window (.ci/startup.sh's yardstick) against the window as the
#      service's client (--service) and embedded (--db); medians and ratios;
#   2. the window's memory (VmRSS) 2 s after its sign-in screen showed,
#      client against embedded;
#   3. the service idle (VmRSS, VmHWM, CPU over BENCH_IDLE_SECS) with a
#      daycare of BENCH_ACCOUNTS accounts and one sign-in made in a window;
#   4. BENCH_CLIENTS people signing in at once (password + 6-digit code),
#      separate processes against the service and the same in one process
#      (BenchmarkTwentyClientsSignIn in cmd/internal/rpc);
#   5. (BENCH_WINDOWS > 0) that many real windows started at once against
#      the service: time until all are mapped, their total VmRSS.
# Everything runs here: the binaries are built into a temporary folder, the
# service (as this account: run it as root, as CI does), Xvfb and every
# window are started and stopped by this script. Prints the runs, then a
# Markdown table (also written to $BENCH_OUT when set).
#   bash .ci/bench-service.sh
# Environment: BENCH_RUNS (10), BENCH_RSS_RUNS (3), BENCH_IDLE_SECS (60),
# BENCH_ACCOUNTS (1000), BENCH_CLIENTS (20), BENCH_ROUNDS (3: rounds of the
# sign-ins at once), BENCH_WINDOWS (20; 0 skips), BENCH_OUT (a file).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${BENCH_RUNS:-10}
rss_runs=${BENCH_RSS_RUNS:-3}
idle=${BENCH_IDLE_SECS:-60}
accounts=${BENCH_ACCOUNTS:-1000}
clients=${BENCH_CLIENTS:-20}
rounds=${BENCH_ROUNDS:-3}
windows=${BENCH_WINDOWS:-20}
out=${BENCH_OUT:-}
started=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

work=$(mktemp -d)
# Every process this script starts is in pids (the windows of the moment
# too): the exit kills those still there, waits for them, removes the work.
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
forget() { # pid: it has ended
  local keep=() p
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  pids=("${keep[@]}")
}
stop() { # pid...: SIGTERM, then wait
  local p
  for p in "$@"; do kill "$p" 2>/dev/null || true; done
  for p in "$@"; do wait "$p" 2>/dev/null || true; forget "$p"; done
}

echo "# building into $work"
t0=$(date +%s)
go build -o "$work/apetitspas" ./cmd/apetitspas
go build -o "$work/apetitspas-admin" ./cmd/apetitspas-admin
go build -o "$work/apetitspas-service" ./cmd/apetitspas-service
go build -o "$work/barewindow" ./cmd/apetitspas/testdata/barewindow
go test -c -o "$work/rpc.test" ./cmd/internal/rpc
echo "# built in $(( $(date +%s) - t0 )) s"

mkfifo "$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>"$work/display" >/dev/null 2>&1 &
pids+=($!)
read -r -t 10 disp <"$work/display"
export DISPLAY=":$disp" LANG=fr_CA.UTF-8 XDG_CONFIG_HOME="$work/cfg" XDG_CACHE_HOME="$work/cache"

# The service, on a data folder of this account's alone.
mkdir -m 700 "$work/data" "$work/run"
sock="unix:$work/run/service.sock"
svc=
start_service() {
  "$work/apetitspas-service" run --data "$work/data" --listen "$sock" >>"$work/service.log" 2>&1 &
  svc=$!
  pids+=("$svc")
  local i
  for i in $(seq 600); do
    "$work/apetitspas-admin" --service "$sock" policy show >/dev/null 2>&1 && return 0
    kill -0 "$svc" 2>/dev/null || break
    sleep 0.1
  done
  echo "the service did not answer:" >&2; cat "$work/service.log" >&2; exit 1
}
tool() { "$work/apetitspas-admin" --service "$sock" "$@"; }
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; } # pid field → kB
# (awk in the C locale: the windows' LANG would print 1,5 for 1.5)
mib() { LC_ALL=C awk -v k="$1" 'BEGIN {printf "%.1f MiB", k/1024}'; }
ticks() { local s; s=$(<"/proc/$1/stat"); s=${s##*) }; awk '{print $12 + $13}' <<<"$s"; } # utime+stime
median() { sort -n | LC_ALL=C awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { LC_ALL=C awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }

admin=direction@banc.ca adminpw=motdepasse-admin-banc
start_service
t0=$(date +%s)
echo "$adminpw" | tool setup --daycare "CPE Banc d'essai" --email "$admin" --name "Direction Banc" >/dev/null
{
  echo role,email,name
  for i in $(seq -w 1 "$((accounts - 2))"); do echo "parent,parent$i@banc.ca,Parent Numéro $i"; done
} >"$work/accounts.csv"
printf '%s\n\n' "$adminpw" | tool users import --csv "$work/accounts.csv" --by "$admin" >/dev/null
# The person of the sign-in in a window (section 3): her own password.
printf '%s\n\n%s\n' "$adminpw" nuage-rose-du-matin | tool users add --role parent --email sophie@banc.ca --name "Sophie Banc" --by "$admin" >/dev/null
n_users=$(tool users list --json | grep -c '"email"')
setup_s=$(( $(date +%s) - t0 ))
setup_hwm=$(kib "$svc" VmHWM)
echo "# daycare of $n_users accounts set up through the service in $setup_s s (service VmHWM $(mib "$setup_hwm"))"
# From here on, the service of a computer that starts with its daycare.
stop "$svc"
start_service

db="$work/embedded.db"
echo "$adminpw" | "$work/apetitspas-admin" --db "$db" setup --daycare "CPE Banc d'essai" --email "$admin" --name "Direction Banc" >/dev/null

# One run: start the program, poll for its visible window; ms is exec →
# mapped, win its pid (still running).
ms=0 win=
launch() { # name-pattern command...
  local pattern=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 &
  win=$!
  pids+=("$win")
  until xdotool search --onlyvisible --name "$pattern" >/dev/null 2>&1; do
    kill -0 "$win" 2>/dev/null || { echo "$* ended before its window" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
}

echo "# 1. start-up, $runs runs each: exec → window mapped"
bare=(); client=(); embedded=()
for i in $(seq "$runs"); do
  launch "bare window" "$work/barewindow"; stop "$win"; bare+=("$ms")
  launch "petits pas" "$work/apetitspas" --service "$sock"; stop "$win"; client+=("$ms")
  launch "petits pas" "$work/apetitspas" --db "$db"; stop "$win"; embedded+=("$ms")
  echo "run $i: bare ${bare[-1]} ms, --service ${client[-1]} ms, --db ${embedded[-1]} ms"
done
mb=$(printf '%s\n' "${bare[@]}" | median)
mc=$(printf '%s\n' "${client[@]}" | median)
me=$(printf '%s\n' "${embedded[@]}" | median)

echo "# 2. the window's VmRSS 2 s after its sign-in screen, $rss_runs runs each"
rss_client=(); rss_embedded=()
for i in $(seq "$rss_runs"); do
  launch "petits pas" "$work/apetitspas" --service "$sock"; sleep 2; rss_client+=("$(kib "$win" VmRSS)"); stop "$win"
  launch "petits pas" "$work/apetitspas" --db "$db"; sleep 2; rss_embedded+=("$(kib "$win" VmRSS)"); stop "$win"
  echo "run $i: --service $(mib "${rss_client[-1]}"), --db $(mib "${rss_embedded[-1]}")"
done
rc=$(printf '%s\n' "${rss_client[@]}" | median)
re=$(printf '%s\n' "${rss_embedded[@]}" | median)

echo "# 3. one sign-in in a window, then the service idle for $idle s"
launch "petits pas" "$work/apetitspas" --service "$sock"
sleep 0.5
xdotool type --delay 25 sophie@banc.ca
xdotool key --delay 60 Tab
xdotool type --delay 25 nuage-rose-du-matin
xdotool key --delay 60 Return
for i in $(seq 300); do
  tool audit --json --event login.succeeded --person sophie@banc.ca | grep -q login.succeeded && break
  [ "$i" = 300 ] && { echo "no login.succeeded for sophie@banc.ca in the journal" >&2; exit 1; }
  sleep 0.1
done
sleep 1
stop "$win"
sleep 5 # the sign-out's call and the window's connection gone
c0=$(ticks "$svc")
sleep "$idle"
c1=$(ticks "$svc")
hz=$(getconf CLK_TCK)
idle_cpu=$(LC_ALL=C awk -v t=$((c1 - c0)) -v hz="$hz" -v s="$idle" 'BEGIN{printf "%.3f", 100 * t / hz / s}')
idle_rss=$(kib "$svc" VmRSS) idle_hwm=$(kib "$svc" VmHWM)
echo "service idle: VmRSS $(mib "$idle_rss"), VmHWM $(mib "$idle_hwm"), CPU $((c1 - c0)) ticks in $idle s = $idle_cpu % of one core"

echo "# 4. $clients sign-ins at once (password + code), $rounds rounds"
bench=$(APETITSPAS_BENCH_SERVICE="$sock" APETITSPAS_BENCH_ADMIN="$admin" APETITSPAS_BENCH_ADMIN_PASSWORD="$adminpw" \
  APETITSPAS_BENCH_CLIENTS="$clients" "$work/rpc.test" -test.run '^$' -test.bench '^BenchmarkTwentyClientsSignIn$' \
  -test.benchtime "${rounds}x" -test.count 1 -test.timeout 30m)
echo "$bench" | grep '^Benchmark'
metric() { # sub-benchmark unit
  echo "$bench" | LC_ALL=C awk -v b="/$1" -v u="$2" 'index($1, b) { for (i = 2; i < NF; i++) if ($(i+1) == u) print $i + 0 }'
}
bench_done=$(date +%s)
after_rss=$(kib "$svc" VmRSS) after_hwm=$(kib "$svc" VmHWM)
echo "service after: VmRSS $(mib "$after_rss"), VmHWM $(mib "$after_hwm")"

many=
if [ "$windows" -gt 0 ]; then
  echo "# 5. $windows windows started at once against the service"
  many_pids=()
  t0=$(date +%s%N)
  for i in $(seq "$windows"); do
    "$work/apetitspas" --service "$sock" >/dev/null 2>&1 &
    many_pids+=($!); pids+=($!)
  done
  shown=0
  deadline=$(( $(date +%s) + 180 ))
  while [ "$shown" -lt "$windows" ] && [ "$(date +%s)" -lt "$deadline" ]; do
    shown=$( (xdotool search --onlyvisible --name "petits pas" 2>/dev/null || true) | wc -l)
    sleep 0.05
  done
  t1=$(date +%s%N)
  if [ "$shown" -ge "$windows" ]; then
    many_ms=$(( (t1 - t0) / 1000000 ))
    sleep 2
    total=0
    for p in "${many_pids[@]}"; do total=$(( total + $(kib "$p" VmRSS) )); done
    many="| $windows windows started at once (--service), until all mapped | ${many_ms} ms | total VmRSS $(mib "$total") 2 s later, $(mib $((total / windows))) each; service VmRSS then $(mib "$(kib "$svc" VmRSS)") |"
    echo "all $windows mapped in $many_ms ms; total VmRSS $(mib "$total")"
  else
    many="| $windows windows started at once (--service) | $shown of $windows mapped after 180 s | |"
    echo "only $shown of $windows windows after 180 s"
  fi
  stop "${many_pids[@]}"
fi

end_rss=$(kib "$svc" VmRSS) end_hwm=$(kib "$svc" VmHWM)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$(( $(date +%s) - started ))
table=$(cat <<EOF
## Service figures (issue 16), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $load_start at the start, $load_end at the end; the script took $elapsed s

| Figure | Value | Notes |
|---|---|---|
| Start-up, bare Fyne window (median of $runs) | ${mb} ms | exec → window mapped, under Xvfb |
| Start-up, window as the service's client (\`--service\`) | ${mc} ms | ratio $(ratio "$mc" "$mb") to bare (target ≤ 1.10); daycare of $n_users accounts |
| Start-up, embedded (\`--db\`) | ${me} ms | ratio $(ratio "$me" "$mb") to bare |
| Window VmRSS, service's client (median of $rss_runs) | $(mib "$rc") | 2 s after the sign-in screen showed |
| Window VmRSS, embedded (\`--db\`) | $(mib "$re") | idem |
| Service idle VmRSS / VmHWM | $(mib "$idle_rss") / $(mib "$idle_hwm") | restarted after the setup, then the windows above and one sign-in in a window; the setup itself ($n_users accounts imported, argon2id each) peaked at VmHWM $(mib "$setup_hwm") |
| Service idle CPU over $idle s | $idle_cpu % of one core | utime+stime, /proc/PID/stat |
| $clients sign-ins at once, $clients processes → service: all signed in | $(metric service-processes wall-ms) ms | median of $rounds rounds; password (argon2id, the service's real cost: 19 MiB, t=2) + 6-digit code; the processes connected first (start: $(metric service-processes start-ms) ms) |
| … one sign-in, p50 / p95 | $(metric service-processes p50-ms) / $(metric service-processes p95-ms) ms | over $(metric service-processes sign-ins) sign-ins |
| $clients sign-ins at once in one process (\`app.Local\`, goroutines): all signed in | $(metric in-process-goroutines wall-ms) ms | same cost, a daycare of the test kit |
| … one sign-in, p50 / p95 | $(metric in-process-goroutines p50-ms) / $(metric in-process-goroutines p95-ms) ms | over $(metric in-process-goroutines sign-ins) sign-ins |
| Service VmRSS / VmHWM after the sign-ins at once | $(mib "$after_rss") / $(mib "$after_hwm") | |
| Service VmRSS / VmHWM at the end | $(mib "$end_rss") / $(mib "$end_hwm") | $(( $(date +%s) - bench_done )) s after the sign-ins at once |
${many}
EOF
)
echo
echo "$table"
if [ -n "$out" ]; then echo "$table" >"$out"; fi
