# Keywarden: build, run and test from a fresh Debian/Ubuntu machine with Rust and Node.
#
#   make run    install what is missing, then start the desktop app (tauri dev)
#   make test   install what is missing, then run every test (scripts/test.sh)
#   make lint   rustfmt and clippy, as CI runs them
#
# One part of the tests: scripts/test.sh engine-deps|rust|ui|interop|e2e|fuzz (after make test once).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# cargo install puts tauri-driver here; make it visible even in a bare environment.
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)

TAURI := ui/node_modules/.bin/tauri

.PHONY: help run test lint

help:
	@sed -n '3,7p' Makefile | sed 's/^# \{0,1\}//'

## Start the desktop app on its default vault (Vite dev server plus a debug build).
run:
	scripts/install-deps.sh run
	$(TAURI) dev

## Every test: engine dependency rule, Rust, UI, interop, end-to-end, fuzz. Non-zero if any fails.
test:
	scripts/install-deps.sh test
	scripts/test.sh

## Formatting and lints, warnings as errors; fuzz/ is a workspace of its own.
lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo fmt --manifest-path fuzz/Cargo.toml -- --check
	cargo clippy --manifest-path fuzz/Cargo.toml --all-targets -- -D warnings
