#!/bin/sh
# Screenshots every scene (or the ones named) from a running `npm run mock` into /tmp/keywarden-shots.
set -eu
out=/tmp/keywarden-shots
mkdir -p "$out"
scenes=${*:-"welcome welcome-existing create create-busy unlock unlock-error idle-lock home-empty home search generate detail rename delete settings import import-done export-public export-secret edit rotate rotate-rsa-busy"}
for scene in $scenes; do
  for scheme in light dark; do
    flag=""
    [ "$scheme" = dark ] && flag="--force-dark-mode --blink-settings=preferredColorScheme=0"
    # shellcheck disable=SC2086
    chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
      --disable-sync --no-first-run --hide-scrollbars $flag --virtual-time-budget=4000 \
      --screenshot="$out/$scene-$scheme.png" --window-size=1000,700 "http://localhost:1420/?scene=$scene" \
      >/dev/null 2>&1
  done
done
ls "$out"
