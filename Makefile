# À petits pas — the two commands of the README:
#   make run    installs what is missing, then opens the app
#   make test   installs what the tests need, then vet + race tests + end-to-end
# and the developers' fast loop:
#   make check  gofmt, go vet, unit tests (no display, no end-to-end)
SHELL := /bin/bash
GO    ?= go
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian/Ubuntu packages for Fyne's cgo build (GLFW + OpenGL + X11 headers).
APT_BUILD := gcc pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev
# Extra packages for the tests: a virtual X server and the tools that drive
# it, read its screen and compute codes independently.
APT_TEST  := xvfb xdotool x11-utils imagemagick zbar-tools oathtool sqlite3
# The throwaway PostgreSQL server of the tests (.ci/pg.sh) and its TLS
# certificates.
APT_PG    := postgresql openssl

BIN := bin
# Tools installed with go install, pinned (never @latest). staticcheck and
# govulncheck are pinned by go.mod's tool lines instead (go get -tool
# PKG@VERSION to change one) and run with go tool.
FYNE_TOOLS_VERSION := v1.7.4
ACTIONLINT_VERSION := v1.7.12
# One source of truth for the version: FyneApp.toml (assets/version.go is
# kept equal by a test).
VERSION := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
BUILD   := $(shell sed -n 's/^ *Build *= *\([0-9]*\)/\1/p' FyneApp.toml)
DIST    := dist
WINDIST := $(DIST)/windows
SETUP   := $(DIST)/ApetitsPas-$(VERSION)-setup.exe
APT_WINDOWS := gcc-mingw-w64-x86-64 nsis imagemagick binutils-mingw-w64-x86-64 file
APT_WINE    := wine64 xvfb xdotool imagemagick
WINCC   := x86_64-w64-mingw32-gcc
# apt-get waits up to 10 minutes for another installer's lock (unattended
# upgrades, a colleague's apt) instead of failing at once.
APT_GET := $(SUDO) apt-get -o DPkg::Lock::Timeout=600
# Every go test has an explicit time limit, generous enough for a loaded
# 2-core machine (Go's default is 10 minutes a package): the tool's tests under
# the race detector passed 30 minutes at a load average of 25.
UNIT_TIMEOUT  := 45m
CHECK_TIMEOUT := 15m
BENCH_TIMEOUT := 30m

.PHONY: run demo test check deps deps-test vet vet-windows unit bench-import e2e two-users build startup bench bench-service faults bench-security bench-backup fuzz clean screenshots passwords \
	package-windows package-check check-windows package-linux package-macos deps-windows actionlint

## run: install what is missing, then open the app on the user's database
run: deps
	$(GO) run ./cmd/apetitspas

## demo: open a separate demo database (sample daycare, passwords in the README)
demo: deps
	$(GO) run ./cmd/apetitspas --demo

## test: what CI runs (.ci/run)
test: deps-test vet vet-windows check-generated unit e2e e2e-pg two-users service-linux rpc-os-users service-users service-e2e actionlint package-check check-windows

## check: the fast loop while developing: gofmt, go vet, unit tests
check: vet
	$(GO) test -short -count=1 -timeout $(CHECK_TIMEOUT) ./...

## build: both programs into bin/
build: deps
	$(GO) build -o $(BIN)/apetitspas ./cmd/apetitspas
	$(GO) build -o $(BIN)/apetitspas-admin ./cmd/apetitspas-admin
	$(GO) build -o $(BIN)/apetitspas-service ./cmd/apetitspas-service

# Installs only the packages that are not there yet (apt-get update once).
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installation des paquets manquants / installing missing packages:$$missing"; \
	  $(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	@command -v $(GO) >/dev/null || { echo "Go est introuvable / Go not found: installation de golang-go"; \
	  $(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq golang-go; }
	$(call apt_install,$(APT_BUILD))

deps-test: deps
	$(call apt_install,$(APT_TEST) locales)
	@# A real French locale for the end-to-end run (LANG=fr_CA.UTF-8).
	@locale -a 2>/dev/null | grep -qi '^fr_CA.utf8$$' || { \
	  $(SUDO) sed -i 's/^# *fr_CA.UTF-8/fr_CA.UTF-8/' /etc/locale.gen 2>/dev/null; \
	  grep -q '^fr_CA.UTF-8' /etc/locale.gen 2>/dev/null || echo 'fr_CA.UTF-8 UTF-8' | $(SUDO) tee -a /etc/locale.gen >/dev/null; \
	  $(SUDO) locale-gen >/dev/null; }

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags e2e ./cmd/apetitspas
	$(GO) tool staticcheck ./...
	$(GO) tool staticcheck -tags e2e ./cmd/apetitspas
	@$(MAKE) --no-print-directory vuln

# govulncheck needs the Go vulnerability database (vuln.go.dev). Where it
# cannot be reached (a machine without the Internet: this one's network
# holds only the package registries) the check is skipped with a message;
# VULN_REQUIRED=1 (a CI runner with the Internet) makes that a failure.
VULN_DB := https://vuln.go.dev

.PHONY: vuln
## vuln: govulncheck (pinned in go.mod) on every package, against $(VULN_DB)
vuln:
	@if curl -fsS --max-time 10 -o /dev/null $(VULN_DB)/index/db.json.gz 2>/dev/null; then \
	  echo "$(GO) tool govulncheck ./..."; $(GO) tool govulncheck ./...; \
	elif [ -n "$(VULN_REQUIRED)" ]; then \
	  echo "govulncheck : base $(VULN_DB) injoignable / vulnerability database unreachable (VULN_REQUIRED)"; exit 1; \
	else \
	  echo "govulncheck ignoré : base $(VULN_DB) injoignable / skipped: vulnerability database unreachable"; \
	fi

## unit: every test with the race detector, then the store's and the services'
## tests again on PostgreSQL (a throwaway server, stopped afterwards)
unit:
	$(call apt_install,$(APT_PG))
	.ci/with-pg.sh env GO="$(GO)" UNIT_TIMEOUT=$(UNIT_TIMEOUT) .ci/unit.sh

## e2e: the real binaries under Xvfb, driven by xdotool
e2e:
	E2E_SCREENSHOTS=$(CURDIR)/.e2e-screenshots $(GO) test -tags e2e -count=1 -timeout 20m -run TestEndToEnd -v ./cmd/apetitspas

.PHONY: e2e-pg bench-pg

## e2e-pg: two "PCs" (two app processes, each with its own home, key folder
## and X display, the key moved by keys export/import) on one throwaway
## PostgreSQL server: a reset and the staff policy on PC B seen at the next
## sign-in on PC A, ten wrong passwords split between both PCs lock; a third PC
## started while the server is away waits, then loses it and gets it back
e2e-pg:
	$(call apt_install,$(APT_PG))
	.ci/with-pg.sh env E2E_SCREENSHOTS=$(CURDIR)/.e2e-screenshots $(GO) test -tags e2e -count=1 -timeout 20m \
	  -run '^TestTwoPCsOnPostgreSQL$$' -v ./cmd/apetitspas

## bench-pg: the figures of the PostgreSQL issue on a throwaway server: sign-in
## by 20 PCs at once (and SQLite with one PC), the search over 50,000 accounts
## per keystroke, wrong passwords from 4 processes × 16 connections, db move of
## 50,000 accounts and 1,000,000 events (about 10 minutes)
bench-pg:
	$(call apt_install,$(APT_PG))
	.ci/with-pg.sh bash -c '$(GO) test -run "^$$" -bench "^BenchmarkSignInPCs$$" -benchtime 10x -timeout $(BENCH_TIMEOUT) ./app && \
	  $(GO) test -run "^$$" -bench "^BenchmarkUsersSearchKeystroke$$" -timeout $(BENCH_TIMEOUT) ./data && \
	  APETITSPAS_TEST_STORE=postgres $(GO) test -run "^$$" -bench "^BenchmarkLockoutSpread$$" -benchtime 1x -count 3 -timeout $(BENCH_TIMEOUT) ./app && \
	  $(GO) test -run "^$$" -bench "^BenchmarkDBMoveOfALargeDaycare$$" -benchtime 1x -timeout 60m ./cmd/apetitspas-admin'

## two-users: two real Unix accounts (useradd, group apetitspas, removed afterwards)
## share the machine-wide daycare made by `apetitspas-admin configure` and both sign
## in with AMF (oathtool codes); as root (sudo otherwise); part of make test
two-users: deps-test
	$(SUDO) env PATH="$$PATH" APETITSPAS_TWO_USERS=1 $(GO) test -count=1 -timeout 10m \
	    -run '^TestTwoUnixUsersShareTheMachineWideDaycare$$' -v ./cmd/apetitspas-admin

.PHONY: service-linux

## service-linux: `apetitspas-admin service install` (the real program, as root, umask 077)
## into a temporary root with a real system account (useradd, removed afterwards),
## adopting a throwaway person's own daycare: the data folder is the account's alone
## (the person, even in its group, can neither list, read nor write it), the account
## verifies the adopted daycare, uninstall keeps the data; systemctl is a fake one
## (no systemd needed); as root (sudo otherwise)
service-linux: deps
	$(SUDO) env PATH="$$PATH" APETITSPAS_OS_USERS=1 $(GO) test -count=1 -timeout 10m \
	    -run '^TestServiceInstallWithRealAccounts$$' -v ./cmd/apetitspas-admin

.PHONY: service-users service-e2e

## service-e2e: the window as the service's client under Xvfb: the service as its
## own account, the window and the tool as an ordinary one (first run, QR code and
## oathtool's codes, AMF imposed, a reset, a backup, the service killed under the
## open window and back); as root (it adds two accounts and removes them)
service-e2e: deps-test
	$(SUDO) env PATH="$$PATH" E2E_SCREENSHOTS=$(CURDIR)/.e2e-screenshots $(GO) test -tags e2e -count=1 -timeout 20m \
	    -run '^TestEndToEndThroughTheService$$' -v ./cmd/apetitspas

## service-users: the local service for real: apetitspas-service runs as a system
## account of its own (useradd, removed afterwards); an ordinary account runs the
## real tool as its client (setup, enrollment with oathtool codes, an employee, the
## staff policy, a reset, a backup) and can neither read nor write the database, its
## -wal, the key or the configuration (sqlite3 too); break-glass is refused to her and
## accepted from root with root's name; as root (sudo otherwise)
service-users: deps-test
	$(SUDO) env PATH="$$PATH" APETITSPAS_OS_USERS=1 $(GO) test -count=1 -timeout 15m \
	    -run '^TestTheServiceHoldsTheDataAgainstAnOrdinaryAccount$$' -v ./cmd/apetitspas-admin

## screenshots: every screen and dialog (Fyne test driver, no display) at 800×600,
## 1366×768 and 1920×1080, French and English, light and dark, into screenshots/;
## the README's pictures are copied from it into assets/screenshots/
SHOTS := $(CURDIR)/screenshots
screenshots:
	rm -rf $(SHOTS) && mkdir -p $(SHOTS)
	SCREENS_SHOTS=$(SHOTS) $(GO) test -count=1 -timeout 20m -run '^TestScreenshots$$' ./screens/
	cp $(SHOTS)/home-admin-fr-light-1366x768.png assets/screenshots/main.png
	cp $(SHOTS)/account-on-fr-light-1366x768.png assets/screenshots/moncompte.png
	cp $(SHOTS)/qr-fr-light-800x600.png assets/screenshots/mfa-qr.png
	cp $(SHOTS)/login-fr-light-800x600.png assets/screenshots/login.png
	cp $(SHOTS)/home-fr-dark-1366x768.png assets/screenshots/home-dark.png
	@echo "$$(ls $(SHOTS) | wc -l) captures dans $(SHOTS)"

## startup: exec → first window, bare Fyne window vs the sign-in window
startup: deps-test
	bash .ci/startup.sh

## bench-service: issue 16's figures (about 6 minutes): window start-up as the
## service's client and embedded vs a bare Fyne window, the window's memory, the
## service idle, 20 sign-ins at once, 20 windows at once (.ci/bench-service.sh)
bench-service: deps-test
	bash .ci/bench-service.sh

## faults: kill -9 of the service at random moments during resets, imports and
## backups (50 runs), and of a client mid-action (15 runs); also in unit
## (APETITSPAS_FAULT_RUNS, APETITSPAS_FAULT_CLIENT_RUNS, APETITSPAS_FAULT_SEED)
faults:
	$(GO) test -count=1 -v -run '^TestKilling' -timeout 40m ./cmd/apetitspas-service

## bench: Go benchmarks (login timing, user search)
bench:
	$(GO) test -run '^$$' -bench '^Benchmark(Login|AdminSearch|Users)' -benchtime 20x -timeout $(BENCH_TIMEOUT) ./app ./data

## bench-import: the import of 600 accounts (real argon2id costs) on every
## core and on one (taskset -c 0), and argon2id alone: each run, the medians
## and the ratios (issue 17's figure: at most 0.70 on 2 cores; an idle
## machine, about 10 minutes with the default 5 runs: BENCH_IMPORT_RUNS)
BENCH_IMPORT_RUNS ?= 5
bench-import:
	bash .ci/bench-import.sh $(BENCH_IMPORT_RUNS)

## bench-security: the figures of the security issues (about 6 minutes): sign-in
## timing, the lockout across processes, audit verify on 1,000,000 rows, a
## sign-in and an administrator's action with the state root at 10-5,000 accounts
bench-security:
	$(GO) test -run '^$$' -bench '^BenchmarkLogin' -benchtime 30x -count 5 -timeout $(BENCH_TIMEOUT) ./app
	$(GO) test -run '^$$' -bench '^BenchmarkLockoutAcrossProcesses$$' -benchtime 1x -count 3 -timeout $(BENCH_TIMEOUT) ./app
	$(GO) test -run '^$$' -bench '^BenchmarkVerifyMillionRows$$' -benchtime 3x -timeout $(BENCH_TIMEOUT) ./app
	$(GO) test -run '^$$' -bench '^BenchmarkSignInAndAdminAction$$' -benchtime 200x -count 3 -timeout $(BENCH_TIMEOUT) ./app

## passwords: regenerate the list of common passwords (assets/passwords:
## common.txt.gz and SOURCES.md, both committed) from the pinned sources of
## assets/passwords/gen (Go module proxy and npm registry: needs the network
## and npm). Neither make test nor the CI runs it. The package embeds the
## list, so the generator needs a file there to build: an empty one will do.
passwords:
	@[ -f assets/passwords/common.txt.gz ] || : > assets/passwords/common.txt.gz
	$(GO) run ./assets/passwords/gen -out assets/passwords

## fuzz: each fuzz target for FUZZTIME (default 60s)
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParseImport$$' -fuzztime $(FUZZTIME) -timeout $(BENCH_TIMEOUT) ./app
	$(GO) test -run '^$$' -fuzz '^FuzzParseCode$$' -fuzztime $(FUZZTIME) -timeout $(BENCH_TIMEOUT) ./app
	$(GO) test -run '^$$' -fuzz '^FuzzValidateEmailAndName$$' -fuzztime $(FUZZTIME) -timeout $(BENCH_TIMEOUT) ./app
	$(GO) test -run '^$$' -fuzz '^FuzzCheckPassword$$' -fuzztime $(FUZZTIME) -timeout $(BENCH_TIMEOUT) ./app
	$(GO) test -run '^$$' -fuzz '^FuzzParseRecoveryCode$$' -fuzztime $(FUZZTIME) -timeout $(BENCH_TIMEOUT) ./app
	$(GO) test -run '^$$' -fuzz '^FuzzParseReactivationCode$$' -fuzztime $(FUZZTIME) -timeout $(BENCH_TIMEOUT) ./app
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeStateRoot$$' -fuzztime $(FUZZTIME) -timeout $(BENCH_TIMEOUT) ./app
	$(GO) test -run '^$$' -fuzz '^FuzzRecoverySet$$' -fuzztime $(FUZZTIME) -timeout $(BENCH_TIMEOUT) ./app
	$(GO) test -run '^$$' -fuzz '^FuzzRedactURL$$' -fuzztime $(FUZZTIME) -timeout $(BENCH_TIMEOUT) ./data
	$(GO) test -run '^$$' -fuzz '^FuzzParseConfig$$' -fuzztime $(FUZZTIME) -timeout $(BENCH_TIMEOUT) ./data

## bench-backup: backup and restore of 50,000 accounts and 1,000,000 events,
## and kill -9 during 50 backups and 50 restores (APETITSPAS_FIG_USERS,
## APETITSPAS_FIG_ROWS, APETITSPAS_FIG_KILLS to change them; about 15 minutes)
bench-backup:
	$(GO) test -run '^$$' -bench '^BenchmarkBackupAndRestoreOfALargeDaycare$$' -benchtime 1x -timeout 60m ./cmd/apetitspas-admin
	$(GO) test -run '^$$' -bench '^BenchmarkBackupKilled$$' -benchtime 1x -timeout 90m ./cmd/apetitspas-admin

deps-windows: deps
	$(call apt_install,$(APT_WINDOWS))

# windows_exe NAME PKG SUBSYSTEM DESCRIPTION: cross-compiles one program
# with its icon, version and manifest resources, -trimpath and stripped.
define windows_exe
	sed -e 's/@NAME@/$(1)/g' -e 's/@VERSION@/$(VERSION)/g' -e 's/@BUILD@/$(BUILD)/g' -e 's/@DESC@/$(4)/g' \
	    -e 's/@VMAJ@/$(word 1,$(subst ., ,$(VERSION)))/' -e 's/@VMIN@/$(word 2,$(subst ., ,$(VERSION)))/' \
	    -e 's/@VPAT@/$(word 3,$(subst ., ,$(VERSION)))/' assets/packaging/apetitspas.rc.in > $(WINDIST)/$(1).rc
	cd $(WINDIST) && x86_64-w64-mingw32-windres -c 65001 -O coff -o $(CURDIR)/$(2)/rsrc_windows_amd64.syso $(1).rc
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$(WINCC) $(GO) build -trimpath \
	    -ldflags "-s -w $(if $(filter gui,$(3)),-H windowsgui)" -o $(WINDIST)/$(1).exe ./$(2); \
	  status=$$?; rm -f $(2)/rsrc_windows_amd64.syso; exit $$status
endef

## package-windows: dist/ApetitsPas-VERSION-setup.exe (cross-built here with mingw-w64 and NSIS)
package-windows: deps-windows
	rm -rf $(WINDIST) $(SETUP) && mkdir -p $(WINDIST)
	convert assets/icon.png -define icon:auto-resize=256,128,64,48,32,16 $(WINDIST)/apetitspas.ico
	cp assets/packaging/apetitspas.manifest $(WINDIST)/
	$(call windows_exe,apetitspas,cmd/apetitspas,gui,À petits pas)
	$(call windows_exe,apetitspas-admin,cmd/apetitspas-admin,console,Outil du technicien À petits pas)
	$(call windows_exe,apetitspas-service,cmd/apetitspas-service,console,Service À petits pas)
	$(call sign,$(WINDIST)/apetitspas.exe)
	$(call sign,$(WINDIST)/apetitspas-admin.exe)
	$(call sign,$(WINDIST)/apetitspas-service.exe)
	makensis -V2 -WX -DVERSION=$(VERSION) -DBUILD=$(BUILD) -DDISTDIR=$(CURDIR)/$(WINDIST) \
	    -DOUTFILE=$(CURDIR)/$(SETUP) assets/packaging/apetitspas.nsi
	$(call sign,$(SETUP))
	@ls -l $(SETUP) $(WINDIST)/*.exe | awk '{printf "%-50s %6.1f Mo\n", $$9, $$5/1048576}'

# Optional code signing: SIGN_CERT (a .pfx file) and SIGN_PASS in the
# environment; skipped with a message otherwise.
define sign
	@if [ -n "$$SIGN_CERT" ] && [ -n "$$SIGN_PASS" ]; then \
	  osslsigncode sign -pkcs12 "$$SIGN_CERT" -pass "$$SIGN_PASS" -n "À petits pas" \
	    $${SIGN_TIMESTAMP_URL:+-ts "$$SIGN_TIMESTAMP_URL"} -in $(1) -out $(1).signed && mv $(1).signed $(1) && echo "signé : $(1)"; \
	else echo "Signature ignorée (SIGN_CERT et SIGN_PASS absents) : $(1)"; fi
endef

## package-check: the Windows installer from a clean state, checked (part of make test)
package-check: package-windows
	@file $(SETUP) | grep -q 'PE32+ executable (GUI)' || { file $(SETUP); echo "installateur : pas un PE 64 bits"; exit 1; }
	@x86_64-w64-mingw32-objdump -x $(WINDIST)/apetitspas.exe | grep -q 'Subsystem.*(Windows GUI)' || { echo "apetitspas.exe n'est pas un programme graphique"; exit 1; }
	@x86_64-w64-mingw32-objdump -x $(WINDIST)/apetitspas-admin.exe | grep -q 'Subsystem.*(Windows CUI)' || { echo "apetitspas-admin.exe n'est pas un programme console"; exit 1; }
	@x86_64-w64-mingw32-objdump -x $(WINDIST)/apetitspas-service.exe | grep -q 'Subsystem.*(Windows CUI)' || { echo "apetitspas-service.exe n'est pas un programme console"; exit 1; }
	@x86_64-w64-mingw32-objdump -p $(WINDIST)/apetitspas.exe | sed -n 's/^\tDLL Name: //p' | sort -u | tr '\n' ' ' | sed 's/^/DLL : /'; echo
	@echo "package-check : $(SETUP) ($$(stat -c %s $(SETUP)) octets), sous-systèmes GUI/console vérifiés"

## package-linux: the tarball of `fyne package -os linux` (desktop file, icon, Makefile install)
package-linux: deps
	@command -v fyne >/dev/null || $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_TOOLS_VERSION)
	mkdir -p $(DIST)
	@# fyne package rewrites FyneApp.toml's build number: keep the tree clean.
	cp FyneApp.toml $(DIST)/.FyneApp.toml.keep
	cd cmd/apetitspas && PATH="$$PATH:$$($(GO) env GOPATH)/bin" fyne package -os linux --release \
	    --app-id ca.apetitspas.desktop --name "À petits pas" --icon ../../assets/icon.png \
	    --app-version $(VERSION) --app-build $(BUILD); status=$$?; \
	  cd ../.. && mv $(DIST)/.FyneApp.toml.keep FyneApp.toml; \
	  mv cmd/apetitspas/*.tar.xz $(DIST)/ 2>/dev/null; exit $$status
	@ls -l $(DIST)/*.tar.xz

## package-macos: on a Mac — .app with `fyne package -os darwin`, then a .dmg with hdiutil;
## signed and notarized when MACOS_SIGN_IDENTITY / MACOS_NOTARY_PROFILE are set.
package-macos:
	@[ "$$(uname)" = Darwin ] || { echo "package-macos se lance sur un Mac (clang et le SDK macOS) / run on a Mac"; exit 1; }
	@command -v fyne >/dev/null || $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_TOOLS_VERSION)
	mkdir -p $(DIST)
	cp FyneApp.toml $(DIST)/.FyneApp.toml.keep
	cd cmd/apetitspas && PATH="$$PATH:$$($(GO) env GOPATH)/bin" fyne package -os darwin --release \
	    --app-id ca.apetitspas.desktop --name "À petits pas" --icon ../../assets/icon.png \
	    --app-version $(VERSION) --app-build $(BUILD); status=$$?; \
	  cd ../.. && mv $(DIST)/.FyneApp.toml.keep FyneApp.toml; exit $$status
	rm -rf $(DIST)/"À petits pas.app" && mv cmd/apetitspas/"À petits pas.app" $(DIST)/
	CGO_ENABLED=1 $(GO) build -trimpath -ldflags "-s -w" -o $(DIST)/"À petits pas.app"/Contents/MacOS/apetitspas-admin ./cmd/apetitspas-admin
	CGO_ENABLED=1 $(GO) build -trimpath -ldflags "-s -w" -o $(DIST)/"À petits pas.app"/Contents/MacOS/apetitspas-service ./cmd/apetitspas-service
	@if [ -n "$$MACOS_SIGN_IDENTITY" ]; then \
	  codesign --force --deep --options runtime --timestamp --sign "$$MACOS_SIGN_IDENTITY" $(DIST)/"À petits pas.app"; \
	else echo "Signature macOS ignorée (MACOS_SIGN_IDENTITY absent)"; fi
	hdiutil create -volname "À petits pas" -srcfolder $(DIST)/"À petits pas.app" -ov -format UDZO $(DIST)/ApetitsPas-$(VERSION).dmg
	@if [ -n "$$MACOS_NOTARY_PROFILE" ]; then \
	  xcrun notarytool submit $(DIST)/ApetitsPas-$(VERSION).dmg --keychain-profile "$$MACOS_NOTARY_PROFILE" --wait && \
	  xcrun stapler staple $(DIST)/ApetitsPas-$(VERSION).dmg; \
	else echo "Notarisation ignorée (MACOS_NOTARY_PROFILE absent)"; fi

## actionlint: check the release workflow (part of make test)
actionlint:
	@command -v actionlint >/dev/null || [ -x "$$($(GO) env GOPATH)/bin/actionlint" ] || $(GO) install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" actionlint .github/workflows/*.yml

## vet-windows: go vet of every package as Windows builds it (cgo with
## mingw-w64), early in make test so that a Windows-only compile error
## fails in minutes, not after the hour the stages before check-windows take
vet-windows: deps-windows
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$(WINCC) $(GO) vet ./...

## check-windows: install, run (sign in by keyboard) and uninstall the Windows build under Wine + Xvfb
check-windows: package-check
	$(call apt_install,$(APT_WINE))
	bash .ci/check-windows.sh

clean:
	rm -rf $(BIN) .e2e-screenshots $(DIST)

# The API between the service and its clients (cmd/internal/rpc): its .proto
# files, and the Go code generated from them by buf and two plugins, pinned,
# into bin/tools (never @latest, never the system's).
BUF_VERSION                   := v1.75.0
PROTOC_GEN_GO_VERSION         := v1.36.12
PROTOC_GEN_CONNECT_GO_VERSION := v1.21.1
TOOLS := $(CURDIR)/$(BIN)/tools
RPC   := cmd/internal/rpc
GEN_PATH := PATH="$(TOOLS):$$PATH"

.PHONY: tools-gen generate check-generated rpc-os-users

## tools-gen: buf, protoc-gen-go and protoc-gen-connect-go into bin/tools, each
## rebuilt only when its version is not the pinned one (building buf the first
## time: 3½ minutes on 2 cores with its downloads, up to 6½ on a busy machine)
tools-gen:
	@[ "$$($(TOOLS)/buf --version 2>/dev/null)" = "$(BUF_VERSION:v%=%)" ] || { echo "go install buf@$(BUF_VERSION)"; \
	  GOBIN=$(TOOLS) $(GO) install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION); }
	@[ "$$($(TOOLS)/protoc-gen-go --version 2>/dev/null)" = "protoc-gen-go $(PROTOC_GEN_GO_VERSION)" ] || { echo "go install protoc-gen-go@$(PROTOC_GEN_GO_VERSION)"; \
	  GOBIN=$(TOOLS) $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION); }
	@[ "$$($(TOOLS)/protoc-gen-connect-go --version 2>/dev/null)" = "$(PROTOC_GEN_CONNECT_GO_VERSION:v%=%)" ] || { echo "go install protoc-gen-connect-go@$(PROTOC_GEN_CONNECT_GO_VERSION)"; \
	  GOBIN=$(TOOLS) $(GO) install connectrpc.com/connect/cmd/protoc-gen-connect-go@$(PROTOC_GEN_CONNECT_GO_VERSION); }

## generate: lint the .proto files, then regenerate cmd/internal/rpc/gen (commit it)
generate: tools-gen
	cd $(RPC) && $(GEN_PATH) buf lint && $(GEN_PATH) buf generate --clean

## check-generated: fails when cmd/internal/rpc/gen is not what the .proto files
## give (regenerated into a temporary folder and compared), or they are not
## linted and formatted
check-generated: tools-gen
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cd $(RPC) && \
	  $(GEN_PATH) buf lint && $(GEN_PATH) buf format --diff --exit-code && \
	  $(GEN_PATH) buf generate --output "$$tmp" && \
	  { diff -r "$$tmp/gen" gen || { echo "$(RPC)/gen est périmé : make generate / is stale: run make generate"; exit 1; }; }

## rpc-os-users: the service learns a client's account from the operating system:
## a throwaway Unix account (useradd, removed afterwards) and root call it; as root
## (and root's sign-in, its token in the throwaway account's hands, is refused to it)
rpc-os-users:
	$(SUDO) env PATH="$$PATH" APETITSPAS_OS_USERS=1 $(GO) test -count=1 -timeout 5m \
	    -run '^TestCallerIsTheOSAccount$$' -v ./$(RPC)
	$(SUDO) env PATH="$$PATH" APETITSPAS_OS_USERS=1 $(GO) test -count=1 -timeout 5m \
	    -run '^TestSessionOfOneOSAccountRefusedToAnother$$' -v ./$(RPC)
