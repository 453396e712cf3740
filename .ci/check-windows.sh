#!/usr/bin/env bash
# The Windows build, for real, under Wine and Xvfb (make check-windows):
# silent install into Program Files, shortcut and uninstaller in place,
# apetitspas-admin.exe --version, the machine-wide place (ProgramData\ApetitsPas:
# config.toml, data\, keys\ with the key protected by DPAPI), a sign-in by
# keyboard in apetitspas.exe on a fresh database found through that
# configuration (no --db), then a silent uninstall that keeps the data.
set -euo pipefail
cd "$(dirname "$0")/.."
setup=$(ls dist/ApetitsPas-*-setup.exe)
wine=/usr/lib/wine/wine64
work=$(mktemp -d)
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() { "${wine%/*}/wineserver" -k 2>/dev/null || true; kill "$xvfb" 2>/dev/null || true; rm -rf "$work"; }
mkfifo "$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>"$work/display" >/dev/null 2>&1 &
xvfb=$!
trap cleanup EXIT
read -r -t 15 disp <"$work/display"
export DISPLAY=":$disp"
fail() { echo "check-windows: $*" >&2; import -window root "$work/failure.png" 2>/dev/null && cp "$work/failure.png" dist/check-windows-failure.png; exit 1; }

"$wine" wineboot -i >/dev/null 2>&1
# Go >= 1.22 programs load bcryptprimitives.dll (ProcessPrng), which Wine 8
# lacks: a test-only stand-in built with mingw.
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  assets/packaging/wine/bcryptprimitives.c assets/packaging/wine/bcryptprimitives.def -ladvapi32

"$wine" "$setup" /S
"${wine%/*}/wineserver" -w
pf="$WINEPREFIX/drive_c/Program Files/ApetitsPas"
for f in apetitspas.exe apetitspas-admin.exe desinstaller.exe; do
  [ -f "$pf/$f" ] || fail "$f not installed in Program Files"
done
[ -f "$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/À petits pas/À petits pas.lnk" ] || fail "no Start-menu shortcut"
"$wine" reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\ApetitsPas' | grep -q QuietUninstallString || fail "uninstaller not registered"
# The machine-wide place, made by the installer for every Windows account.
pd="$WINEPREFIX/drive_c/ProgramData/ApetitsPas"
[ -f "$pd/config.toml" ] || fail "no ProgramData\\ApetitsPas\\config.toml after install"
grep -qxF "db = 'C:\\ProgramData\\ApetitsPas\\data\\apetitspas.db'" "$pd/config.toml" || fail "config.toml does not name the data folder: $(cat "$pd/config.toml")"
[ -d "$pd/data" ] || fail "no ProgramData\\ApetitsPas\\data"
keyfile=$(ls "$pd/keys/"*.key 2>/dev/null | head -1)
[ -n "$keyfile" ] || fail "no key in ProgramData\\ApetitsPas\\keys"
grep -q '^dpapi-machine:' "$keyfile" || fail "the key is not protected by DPAPI: $(head -c 20 "$keyfile")"
# No --db: both programs find the daycare through config.toml.
admin() { "$wine" 'C:\Program Files\ApetitsPas\apetitspas-admin.exe' "$@"; }
"$wine" 'C:\Program Files\ApetitsPas\apetitspas-admin.exe' --version | tee "$work/version" | grep -q "apetitspas-admin" || fail "--version"
echo "motdepasse-admin" | admin setup --daycare "CPE Wine" --email elodie@cpe.ca --name "Élodie D'Amour" >/dev/null
[ -f "$pd/data/apetitspas.db" ] || fail "setup did not make the database in ProgramData\\ApetitsPas\\data"
[ "$(ls "$pd/keys/"*.key | wc -l)" = 1 ] || fail "setup made another key instead of using the installer's"

"$wine" 'C:\Program Files\ApetitsPas\apetitspas.exe' >"$work/gui.log" 2>&1 &
win=""
for _ in $(seq 120); do
  win=$(xdotool search --onlyvisible --name "petits pas" 2>/dev/null | head -1) && [ -n "$win" ] && break
  sleep 0.5
done
[ -n "$win" ] || fail "the window did not appear: $(cat "$work/gui.log")"
sleep 2
xdotool mousemove --window "$win" 500 150
sleep 0.5
xdotool type --delay 30 "elodie@cpe.ca"; xdotool key Tab; xdotool type --delay 30 "motdepasse-admin"; xdotool key Return
for _ in $(seq 60); do
  admin audit --json | grep -q '"login.succeeded"' && break
  sleep 0.5
done
admin audit --json | grep -q '"login.succeeded"' || fail "no sign-in under Wine"
import -window root dist/check-windows-signed-in.png 2>/dev/null || true
"${wine%/*}/wineserver" -k; sleep 1

"$wine" 'C:\Program Files\ApetitsPas\desinstaller.exe' /S
"${wine%/*}/wineserver" -w; sleep 2
[ ! -e "$pf/apetitspas.exe" ] || fail "the uninstaller left the program"
[ -f "$pd/data/apetitspas.db" ] || fail "the uninstaller deleted the daycare's data"
[ -f "$keyfile" ] && [ -f "$pd/config.toml" ] || fail "the uninstaller deleted the key or the configuration"
echo "check-windows: installed silently, $(cat "$work/version"), ProgramData\\ApetitsPas configured (key under DPAPI), signed in by keyboard with no --db, uninstalled; data kept ($(stat -c %s "$setup") bytes installer)"
