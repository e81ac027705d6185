#!/usr/bin/env bash
# Fails when the engine crate (keywarden-core) depends, directly or through another crate,
# on Tauri, serde_json or tokio. DESIGN.md section 2: the engine has no Tauri, no wire
# format and no async runtime; wire types live in src-tauri. Dev-dependencies (tests,
# benches) are not counted: only normal and build dependencies ship with the engine.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

crate=keywarden-core
# Extended regular expression over crate names.
forbidden='^(tauri|tauri-.*|serde_json|tokio)$'

tree=$(cargo tree -p "$crate" -e normal,build --prefix none --format '{p}')
# Lines look like `tokio v1.45.1` (plus ` (*)` or a path); keep `tokio@1.45.1`.
found=$(printf '%s\n' "$tree" | awk -v re="$forbidden" '$1 ~ re {sub(/^v/, "", $2); print $1 "@" $2}' | sort -u)

if [ -z "$found" ]; then
  count=$(printf '%s\n' "$tree" | awk '{print $1}' | sort -u | wc -l)
  echo "check-engine-deps: ok, $crate's $count normal and build dependencies include no tauri, serde_json or tokio"
  exit 0
fi

echo "check-engine-deps: FAILED, $crate depends on:" $found >&2
echo >&2
echo "The engine must not depend on Tauri, serde_json or an async runtime (DESIGN.md," >&2
echo "section 2): wire types belong in src-tauri, and the engine stays usable from the CLI" >&2
echo "and from tests without them. Use a dev-dependency for tests, or move the code to" >&2
echo "src-tauri. Here is how each one gets in:" >&2
for name in $found; do
  echo >&2
  echo "--- cargo tree -p $crate -e normal,build -i $name" >&2
  cargo tree -p "$crate" -e normal,build -i "$name" >&2 || true
done
exit 1
