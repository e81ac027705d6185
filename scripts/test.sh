#!/usr/bin/env bash
# Runs Keywarden's tests, step by step, and fails if any step fails. `make test` runs it
# after scripts/install-deps.sh test; it runs every step even when an earlier one fails,
# then prints a summary.
#
#   scripts/test.sh                  all steps
#   scripts/test.sh rust e2e         only these steps
#
# Steps:
#   engine-deps  keywarden-core must not depend on tauri, serde_json or tokio
#   rust         the workspace's tests (cargo nextest, plus doc tests; or cargo test)
#   ui           svelte-check and vitest
#   interop      pytest tests/interop: independent tools read what Keywarden writes (an
#                independent Python reader of the vault format, against the real CLI)
#   e2e          build the real app with its frontend embedded, then pytest tests/e2e
#                under Xvfb (tests/e2e/conftest.py starts Xvfb and tauri-driver)
#   fuzz         build the cargo-fuzz targets (fuzz/) and run each for FUZZ_SECONDS
#                (default 20) from its seeds; fails on any crash, timeout or leak
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

all_steps=(engine-deps rust ui interop e2e fuzz)
steps=("$@")
if [ "${#steps[@]}" -eq 0 ]; then
  steps=("${all_steps[@]}")
fi

banner() { printf '\n===== %s =====\n' "$*"; }

# Runs a command, echoing it first; returns its status.
run() {
  printf '+ %s\n' "$*"
  "$@"
}

step_engine_deps() {
  run scripts/check-engine-deps.sh
}

step_rust() {
  if cargo nextest --version >/dev/null 2>&1; then
    # nextest does not run doc tests; cargo test --doc does.
    # --no-fail-fast: one run shows every failing test, not just the first.
    run cargo nextest run --workspace --no-fail-fast || return 1
    run cargo test --doc --workspace
  else
    run cargo test --workspace
  fi
}

step_ui() {
  local status=0
  run npm --prefix ui run check || status=1
  run npm --prefix ui test || status=1
  return "$status"
}

step_interop() {
  run cargo build -p keywarden-cli || return 1
  KEYWARDEN_BIN="${CARGO_TARGET_DIR:-target}/debug/keywarden" run tests/.venv/bin/python -m pytest tests/interop
}

step_e2e() {
  # `tauri build` (unlike `cargo build`) runs the config's beforeBuildCommand and embeds
  # ui/dist in the binary; --debug keeps it in target/debug next to the other builds.
  # It must come after the Rust tests: cargo test also writes target/debug/keywarden-app,
  # without the embedded frontend.
  run ui/node_modules/.bin/tauri build --debug --no-bundle || return 1
  # Test a snapshot of that binary: a cargo build or test started meanwhile (another
  # terminal, an editor) would replace target/debug/keywarden-app with one that has no
  # frontend. A hard link keeps the built file even when cargo replaces the name.
  local target=${CARGO_TARGET_DIR:-target}
  mkdir -p "$target/e2e"
  ln -f "$target/debug/keywarden-app" "$target/e2e/keywarden-app" 2>/dev/null ||
    cp -f "$target/debug/keywarden-app" "$target/e2e/keywarden-app" || return 1
  KEYWARDEN_APP="$target/e2e/keywarden-app" run tests/.venv/bin/python -m pytest tests/e2e
}

step_fuzz() {
  local seconds=${FUZZ_SECONDS:-20}
  local target=${CARGO_TARGET_DIR:-target}
  # cargo-fuzz passes nightly flags (-Zsanitizer=address); RUSTC_BOOTSTRAP=1 lets the
  # stable toolchain accept them, for this step only (local -x). It builds for the host
  # triple in release mode, apart from the other builds.
  local -x RUSTC_BOOTSTRAP=1
  run cargo fuzz build || return 1
  local targets
  mapfile -t targets < <(cargo fuzz list)
  if [ "${#targets[@]}" -eq 0 ]; then
    echo "cargo fuzz list found no fuzz target"
    return 1
  fi
  local name status=0 summary=()
  for name in "${targets[@]}"; do
    # The corpus grows across local runs; the committed seeds are only read.
    local corpus="$target/fuzz-corpus/$name" log="$target/fuzz-logs/$name.log"
    mkdir -p "$corpus" "$(dirname "$log")"
    printf '+ cargo fuzz run %s (%s s)\n' "$name" "$seconds"
    if cargo fuzz run "$name" "$corpus" "fuzz/seeds/$name" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      >"$log" 2>&1; then
      summary+=("$(printf '%-10s ok      %s' "$name" \
        "$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" | tail -1)")")
    else
      status=1
      tail -n 40 "$log"
      summary+=("$(printf '%-10s FAILED  %s (log: %s)' "$name" \
        "$(grep -o 'Test unit written to .*' "$log" | tail -1)" "$log")")
    fi
  done
  printf '  %s\n' "${summary[@]}"
  return "$status"
}

declare -A result=()
declare -A took=()
failed=0
for step in "${steps[@]}"; do
  case "$step" in
    engine-deps | rust | ui | interop | e2e | fuzz) ;;
    *)
      echo "unknown step: $step (steps: ${all_steps[*]})" >&2
      exit 2
      ;;
  esac
  banner "test step: $step"
  start=$SECONDS
  if "step_${step//-/_}"; then
    result[$step]=ok
  else
    result[$step]=FAILED
    failed=1
  fi
  took[$step]=$((SECONDS - start))
  echo "----- $step: ${result[$step]} (${took[$step]} s)"
done

banner "test summary"
for step in "${steps[@]}"; do
  printf '  %-12s %-7s %5s s\n' "$step" "${result[$step]}" "${took[$step]}"
done
if [ "$failed" -ne 0 ]; then
  echo "make test: some steps FAILED"
  exit 1
fi
echo "make test: every step succeeded"
