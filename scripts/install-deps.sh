#!/usr/bin/env bash
# Installs what Keywarden needs on a Debian or Ubuntu machine that already has Rust and
# Node: system libraries, the UI's npm packages and, for tests, the end-to-end tooling.
#
#   scripts/install-deps.sh run    what building and running the desktop app needs
#   scripts/install-deps.sh test   everything: the above plus Xvfb, WebKitWebDriver,
#                                  tauri-driver, cargo-fuzz and the Python venv for tests
#
# Idempotent: each part checks first and does nothing when it is already in place, so a
# second run takes a second or two. Uses sudo only when not root.
set -euo pipefail

mode=${1:-test}
case "$mode" in
  run | test) ;;
  *)
    echo "usage: $0 run|test" >&2
    exit 2
    ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# The version of tauri-driver the e2e harness is written against.
tauri_driver_version=2.1.0
# The version of cargo-fuzz that scripts/test.sh fuzz runs.
cargo_fuzz_version=0.13.2

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf '[install-deps] %s\n' "$*"; }

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi

# --- system packages ------------------------------------------------------------------
# Tauri v2's Linux prerequisites (WebKitGTK 4.1 and friends).
apt_run=(
  libwebkit2gtk-4.1-dev
  build-essential
  pkg-config
  curl
  wget
  file
  libxdo-dev
  libssl-dev
  libayatana-appindicator3-dev
  librsvg2-dev
)
# The end-to-end tests: a virtual display, the WebKitGTK WebDriver
# (/usr/bin/WebKitWebDriver), a session bus for the app, and python3 -m venv. The
# interop tests: the independent tools that must agree with Keywarden's key formats
# (age-keygen, ssh-keygen, openssl) and that open a recovery kit without Keywarden
# (pdftoppm and pdftotext from poppler-utils, zbarimg from zbar-tools, age). The golden
# images of the sheets: the fonts poppler draws Helvetica and Courier with. xclip reads
# the clipboard the app writes a copied secret to, and wipes.
apt_test=(
  xvfb
  xclip
  xauth
  webkit2gtk-driver
  dbus
  python3-venv
  age
  openssh-client
  openssl
  poppler-utils
  fonts-urw-base35
  zbar-tools
)

want=("${apt_run[@]}")
if [ "$mode" = test ]; then
  want+=("${apt_test[@]}")
fi

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for pkg in "${want[@]}"; do
  if ! installed "$pkg"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  say "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}"
else
  say "apt: all ${#want[@]} packages present"
fi

# --- UI packages ----------------------------------------------------------------------
# npm ci writes node_modules/.package-lock.json; it is older than package-lock.json
# when the lock file changed since the last install.
if [ -f ui/package-lock.json ]; then
  stamp=ui/node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ ui/package-lock.json -nt "$stamp" ]; then
    say "npm: npm ci in ui/"
    log=$(mktemp)
    if npm ci --prefix ui --no-audit --no-fund >"$log" 2>&1; then
      cat "$log"
    else
      # npm ci refuses a lock file that lacks an optional dependency the registry does
      # not have (vite's napi-windows-process-start-time on this machine's registry),
      # though npm install wrote that lock itself. npm install --no-save then installs
      # the same versions from the lock and leaves the lock file alone.
      if grep -q "package.json and package-lock.json or npm-shrinkwrap.json are in sync" "$log"; then
        say "npm: WARNING npm ci says the lock file is out of sync:"
        grep "Missing:\|Invalid:" "$log" | sed 's/^npm error /    /' || true
        say "npm: installing from the lock file with npm install --no-save instead"
        npm install --prefix ui --no-save --no-audit --no-fund
      else
        cat "$log"
        rm -f "$log"
        exit 1
      fi
    fi
    rm -f "$log"
    touch "$stamp"
  else
    say "npm: ui/node_modules is up to date"
  fi
else
  say "npm: no ui/package-lock.json yet, skipping"
fi

if [ "$mode" = run ]; then
  exit 0
fi

# --- Rust components for make lint ----------------------------------------------------
if cargo fmt --version >/dev/null 2>&1 && cargo clippy --version >/dev/null 2>&1; then
  say "rust: rustfmt and clippy present"
else
  say "rust: rustup component add rustfmt clippy"
  rustup component add rustfmt clippy
fi

# --- tauri-driver ---------------------------------------------------------------------
if command -v tauri-driver >/dev/null 2>&1 &&
  cargo install --list | grep -q "^tauri-driver v${tauri_driver_version}:"; then
  say "tauri-driver: v${tauri_driver_version} present"
else
  say "tauri-driver: cargo install tauri-driver@${tauri_driver_version}"
  cargo install tauri-driver --version "$tauri_driver_version" --locked
fi

# --- cargo-fuzz ----------------------------------------------------------------------
if cargo install --list | grep -q "^cargo-fuzz v${cargo_fuzz_version}:"; then
  say "cargo-fuzz: v${cargo_fuzz_version} present"
else
  say "cargo-fuzz: cargo install cargo-fuzz@${cargo_fuzz_version}"
  cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked
fi

# --- Python venv for tests/e2e --------------------------------------------------------
venv=tests/.venv
stamp=$venv/.requirements.sha256
req_sum=$(sha256sum tests/requirements.txt | cut -d' ' -f1)
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$req_sum" ]; then
  say "venv: $venv is up to date"
else
  say "venv: creating $venv from tests/requirements.txt"
  rm -rf "$venv"
  # The system Python, not a pyenv shim or an activated venv, so the venv outlives them.
  py=python3
  if [ -x /usr/bin/python3 ]; then
    py=/usr/bin/python3
  fi
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r tests/requirements.txt
  echo "$req_sum" >"$stamp"
fi
