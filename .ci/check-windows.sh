#!/usr/bin/env bash
# The Windows build, for real, under Wine and Xvfb (make check-windows):
# silent install into Program Files, shortcut and uninstaller in place,
# apetitspas-admin.exe --version, a sign-in by keyboard in apetitspas.exe on a
# fresh database, then a silent uninstall that keeps the users' data.
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
admin() { "$wine" 'C:\Program Files\ApetitsPas\apetitspas-admin.exe' --db 'C:\users\Public\wine.db' "$@"; }
"$wine" 'C:\Program Files\ApetitsPas\apetitspas-admin.exe' --version | tee "$work/version" | grep -q "apetitspas-admin" || fail "--version"
echo "motdepasse-admin" | admin setup --daycare "CPE Wine" --email elodie@cpe.ca --name "Élodie D'Amour" >/dev/null

"$wine" 'C:\Program Files\ApetitsPas\apetitspas.exe' --db 'C:\users\Public\wine.db' >"$work/gui.log" 2>&1 &
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
[ -f "$WINEPREFIX/drive_c/users/Public/wine.db" ] || fail "the uninstaller deleted the users' data"
echo "check-windows: installed silently, $(cat "$work/version"), signed in by keyboard, uninstalled; user data kept ($(stat -c %s "$setup") bytes installer)"
