#!/usr/bin/env bash
# The Windows build, for real, under Wine and Xvfb (make check-windows):
# the Windows-only tests (the pipe, the security descriptors the service
# builds) run under Wine; then a machine-wide daycare as an older
# installation left it (ProgramData\ApetitsPas: config.toml, data\, keys\
# with the key under DPAPI); a silent install into Program Files, which
# registers and starts the computer's service (apetitspas-service.exe,
# NT SERVICE\ApetitsPas, automatic start) and has it adopt that daycare;
# config.toml then names pipe:ApetitsPas only; a sign-in by keyboard in
# apetitspas.exe with no --db, over the pipe, journaled by the service;
# then the installer again (an update over the running service), and a
# silent uninstall that stops and removes the service and keeps the data.
#
# What Wine cannot do, and what is checked instead:
#   - Wine keeps no ACL on files (it makes one up from the Unix mode) and
#     enforces none: the DACLs of the service's folder and of the retired
#     data\ and keys\ are not read back here; the unit tests parse the
#     descriptors the code builds (cmd/apetitspas-service/datadir_windows_test.go,
#     cmd/internal/rpc/transport_windows_test.go), run below under Wine.
#   - Wine has no virtual accounts: the service is registered with
#     NT SERVICE\ApetitsPas (sc qc is not in Wine's sc.exe; the manager
#     keeps the name) but runs as the prefix's only user.
#   - Wine ignores FILE_FLAG_FIRST_PIPE_INSTANCE (the test says so and
#     skips); the client's check of the pipe's owner is tested instead.
#   - Wine stops its services with the last Wine program: a long-lived
#     program (timeout.exe) keeps the session up between the steps.
set -euo pipefail
cd "$(dirname "$0")/.."
setup=$(ls dist/ApetitsPas-*-setup.exe)
wine=/usr/lib/wine/wine64
wineserver="${wine%/*}/wineserver"
work=$(mktemp -d)
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
keeper=""
cleanup() {
  "$wineserver" -k 2>/dev/null || true
  [ -z "$keeper" ] || kill "$keeper" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
mkfifo "$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>"$work/display" >/dev/null 2>&1 &
xvfb=$!
trap cleanup EXIT
read -r -t 15 disp <"$work/display"
export DISPLAY=":$disp"
fail() { echo "check-windows: $*" >&2; import -window root "$work/failure.png" 2>/dev/null && cp "$work/failure.png" dist/check-windows-failure.png; exit 1; }
# until SECONDS CMD...: polls CMD every half second, true as soon as it is.
until_ok() {
  local end=$((SECONDS + $1)); shift
  while ! "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.5
  done
}
step() { echo "check-windows: $* ($SECONDS s)"; }

"$wine" wineboot -i >/dev/null 2>&1
# Go >= 1.22 programs load bcryptprimitives.dll (ProcessPrng), which Wine 8
# lacks: a test-only stand-in built with mingw.
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  assets/packaging/wine/bcryptprimitives.c assets/packaging/wine/bcryptprimitives.def -ladvapi32
"$wine" timeout /t 3600 /nobreak >/dev/null 2>&1 &
keeper=$!

# Every package, tests included, type-checks and vets for Windows.
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc go vet ./... \
  || fail "go vet for Windows failed"
step "go vet for Windows passed"

# The Windows-only tests, under Wine.
wintest() {
  CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc go test -c -o "$work/$1.test.exe" "./$2"
  (cd "$work" && "$wine" "$work/$1.test.exe" -test.run "$3" -test.v) >"$work/$1.test.log" 2>&1 \
    || { cat "$work/$1.test.log"; fail "the Windows tests of $2 failed under Wine"; }
  grep -E '^(--- |    .*(caller seen|Wine))' "$work/$1.test.log" | sed "s|^|  $1: |"
}
wintest service cmd/apetitspas-service 'DataDirSecurity|DataFolderSecurityDescriptor|Strangers|MakeDataDir'
wintest rpc cmd/internal/rpc 'ServiceSID|Pipe'
step "Windows tests passed under Wine"

# An older installation's machine-wide daycare (what the installer before
# the service made): the service must adopt it.
pd="$WINEPREFIX/drive_c/ProgramData/ApetitsPas"
oldadmin() { "$wine" "$PWD/dist/windows/apetitspas-admin.exe" "$@"; }
oldadmin --db 'C:\ProgramData\ApetitsPas\data\apetitspas.db' configure --key-dir 'C:\ProgramData\ApetitsPas\keys' >/dev/null
keyfile=$(ls "$pd/keys/"*.key 2>/dev/null | head -1)
[ -n "$keyfile" ] || fail "configure made no key in ProgramData\\ApetitsPas\\keys"
grep -q '^dpapi-machine:' "$keyfile" || fail "the machine-wide key is not protected by DPAPI: $(head -c 20 "$keyfile")"
echo "motdepasse-admin" | oldadmin setup --daycare "CPE Wine" --email elodie@cpe.ca --name "Élodie D'Amour" >/dev/null
[ -f "$pd/data/apetitspas.db" ] || fail "setup did not make the machine-wide database"
step "machine-wide daycare of an older installation made"

"$wine" "$setup" /S || fail "the installer failed"
pf="$WINEPREFIX/drive_c/Program Files/ApetitsPas"
for f in apetitspas.exe apetitspas-admin.exe apetitspas-service.exe desinstaller.exe; do
  [ -f "$pf/$f" ] || fail "$f not installed in Program Files"
done
[ -f "$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/À petits pas/À petits pas.lnk" ] || fail "no Start-menu shortcut"
"$wine" reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\ApetitsPas' | grep -q QuietUninstallString || fail "uninstaller not registered"

# The service: registered, running, listening; config.toml names it only.
running() { "$wine" sc query ApetitsPas 2>/dev/null | grep -q 'RUNNING'; }
until_ok 90 running || fail "the service is not running: $("$wine" sc query ApetitsPas 2>&1)"
"$wine" sc query ApetitsPas | tr -d '\r' | grep -E 'SERVICE_NAME|STATE' | sed 's/^/  sc query: /'
grep -qxF "service = 'pipe:ApetitsPas'" "$pd/config.toml" || fail "config.toml does not name the service: $(cat "$pd/config.toml")"
! grep -q '^db' "$pd/config.toml" || fail "config.toml still names the database: $(cat "$pd/config.toml")"
svcdir="$pd/service"
until_ok 60 grep -q 'listening on pipe:ApetitsPas' "$svcdir/service.log" || fail "the service does not listen: $(cat "$svcdir/service.log" 2>&1)"
[ -f "$svcdir/apetitspas.db" ] || fail "the daycare was not adopted into ProgramData\\ApetitsPas\\service"
reg=$("$wine" reg query 'HKLM\System\CurrentControlSet\Services\ApetitsPas' | tr -d '\r')
grep -q 'ObjectName.*NT SERVICE\\ApetitsPas' <<<"$reg" || fail "the service does not run as NT SERVICE\\ApetitsPas: $reg"
grep -q 'Start.*0x2' <<<"$reg" || fail "the service does not start with the computer: $reg"
grep -q 'ImagePath.*apetitspas-service.exe' <<<"$reg" || fail "the service's program: $reg"
step "service registered (NT SERVICE\\ApetitsPas, automatic start) and running"

# Both programs find the service through config.toml, with no --db.
admin() { "$wine" 'C:\Program Files\ApetitsPas\apetitspas-admin.exe' "$@"; }
"$wine" 'C:\Program Files\ApetitsPas\apetitspas-admin.exe' --version | tee "$work/version" | grep -q "apetitspas-admin" || fail "--version"
admin service status --json | tr -d '\r' >"$work/status.json"
grep -q '"active": true' "$work/status.json" && grep -q '"installed": true' "$work/status.json" || fail "service status: $(cat "$work/status.json")"
admin audit --json >"$work/audit.json" || fail "audit through the service: $(cat "$work/audit.json")"
grep -q '"data.adopted"' "$work/audit.json" || fail "no data.adopted in the service's journal"

"$wine" 'C:\Program Files\ApetitsPas\apetitspas.exe' >"$work/gui.log" 2>&1 &
gui=$!
win=""
for _ in $(seq 120); do
  win=$(xdotool search --onlyvisible --name "petits pas" 2>/dev/null | head -1) && [ -n "$win" ] && break
  sleep 0.5
done
[ -n "$win" ] || fail "the window did not appear: $(cat "$work/gui.log")"
# The sign-in screen drawn (the e-mail field takes the keyboard).
sleep 2
xdotool mousemove --window "$win" 500 150
sleep 0.5
xdotool type --delay 30 "elodie@cpe.ca"; xdotool key Tab; xdotool type --delay 30 "motdepasse-admin"; xdotool key Return
signed_in() { admin audit --json | grep -q '"login.succeeded"'; }
until_ok 60 signed_in || fail "no sign-in through the service under Wine"
import -window root dist/check-windows-signed-in.png 2>/dev/null || true
step "signed in by keyboard in the window, over the pipe"
kill "$gui" 2>/dev/null || true

# An update over the running service: stopped, its program replaced,
# installed again (nothing adopted twice), running, the daycare the same.
starts=$(grep -c 'started by the Service Control Manager' "$svcdir/service.log")
"$wine" "$setup" /S || fail "the installer failed the second time"
restarted() { [ "$(grep -c 'started by the Service Control Manager' "$svcdir/service.log")" -gt "$starts" ] && running; }
until_ok 90 restarted || fail "the service did not start again after the update: $(tail -3 "$svcdir/service.log")"
grep -q 'apetitspas-service: stopped$' "$svcdir/service.log" || fail "the update did not stop the service gracefully"
signed_in || fail "the daycare changed with the update"
[ "$(admin audit --json | grep -c '"data.adopted"')" = "$(grep -c '"data.adopted"' "$work/audit.json")" ] || fail "the update adopted again"
step "installed again over the running service: stopped, replaced, running"

"$wine" 'C:\Program Files\ApetitsPas\desinstaller.exe' /S
removed() { [ ! -e "$pf/apetitspas.exe" ] && [ ! -e "$pf/apetitspas-service.exe" ] && ! "$wine" sc query ApetitsPas >/dev/null 2>&1; }
until_ok 90 removed || fail "the uninstaller left the program or the service: $("$wine" sc query ApetitsPas 2>&1)"
tail -1 "$svcdir/service.log" | grep -q 'apetitspas-service: stopped$' || fail "the service was not stopped gracefully: $(tail -3 "$svcdir/service.log")"
[ -f "$svcdir/apetitspas.db" ] || fail "the uninstaller deleted the daycare's data"
[ -f "$pd/config.toml" ] || fail "the uninstaller deleted the configuration"
step "uninstalled: service stopped and removed, data kept"
echo "check-windows: installed silently, $(tr -d '\r' <"$work/version"), service ApetitsPas running and adopting the machine-wide daycare, signed in by keyboard over pipe:ApetitsPas with no --db, uninstalled (service stopped and removed); data kept ($(stat -c %s "$setup") bytes installer)"
