# À petits pas — the two commands of the README:
#   make run    installs what is missing, then opens the app
#   make test   installs what the tests need, then vet + race tests + end-to-end
SHELL := /bin/bash
GO    ?= go
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian/Ubuntu packages for Fyne's cgo build (GLFW + OpenGL + X11 headers).
APT_BUILD := gcc pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev
# Extra packages for the tests: a virtual X server and the tools that drive
# it, read its screen and compute codes independently.
APT_TEST  := xvfb xdotool x11-utils imagemagick zbar-tools oathtool

BIN := bin

.PHONY: run demo test deps deps-test vet unit e2e build startup bench clean screenshots

## run: install what is missing, then open the app on the user's database
run: deps
	$(GO) run ./cmd/apetitspas

## demo: open a separate demo database (sample daycare, passwords in the README)
demo: deps
	$(GO) run ./cmd/apetitspas --demo

## test: what CI runs (.ci/run)
test: deps-test vet unit e2e

## build: both programs into bin/
build: deps
	$(GO) build -o $(BIN)/apetitspas ./cmd/apetitspas
	$(GO) build -o $(BIN)/apetitspas-admin ./cmd/apetitspas-admin

# Installs only the packages that are not there yet (apt-get update once).
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installation des paquets manquants / installing missing packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	@command -v $(GO) >/dev/null || { echo "Go est introuvable / Go not found: installation de golang-go"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq golang-go; }
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

unit:
	$(GO) test -race -count=1 ./...

## e2e: the real binaries under Xvfb, driven by xdotool
e2e:
	E2E_SCREENSHOTS=$(CURDIR)/.e2e-screenshots $(GO) test -tags e2e -count=1 -timeout 20m -run TestEndToEnd -v ./cmd/apetitspas

## screenshots: refresh the README pictures from an end-to-end run
screenshots: e2e
	cp .e2e-screenshots/main.png .e2e-screenshots/moncompte.png .e2e-screenshots/mfa-qr.png assets/screenshots/

## startup: exec → first window, bare Fyne window vs the sign-in window
startup: deps-test
	bash .ci/startup.sh

## bench: Go benchmarks (login timing, user search)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 20x ./app ./data

clean:
	rm -rf $(BIN) .e2e-screenshots
