# Shared set-up for scripts/test and scripts/demo: idempotent, safe to run again.
# Installs uv (pip) when missing, the Debian packages the product and its tests need when root,
# then the locked Python environment (uv sync --frozen).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

SYSTEM_PACKAGES=(
  # pyscard builds from source on Linux; the PC/SC stack and the virtual reader for card tests
  swig libpcsclite-dev pcscd vsmartcard-vpcd pcsc-tools
  # scanning (SANE test backend), voice, PDF checks, printing client, terminal for tmux checks
  sane-utils espeak-ng poppler-utils cups-client tmux
  # QR decoding (zbarimg) to check the QR codes printed on the forms
  zbar-tools
  # fonts (DejaVu is also shipped in assets/), PostgreSQL for the server tests
  fonts-dejavu-core postgresql
  gcc
)

install_system_packages() {
  local missing=()
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  # PostgreSQL may be present as a bare server install without the meta package.
  if [[ " ${missing[*]} " == *" postgresql "* ]] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing=("${missing[@]/postgresql}")
  fi
  local real=()
  for p in "${missing[@]}"; do [[ -n "$p" ]] && real+=("$p"); done
  if ((${#real[@]} == 0)); then
    return 0
  fi
  if [[ $(id -u) -ne 0 ]]; then
    say "not root: cannot install ${real[*]}; tests that need them will be skipped"
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "no apt-get: install ${real[*]} yourself"
    return 0
  fi
  say "installing system packages: ${real[*]}"
  if [[ ! -f /var/lib/apt/periodic/counter-app-updated ]] || ! apt-cache policy "${real[0]}" 2>/dev/null | grep -q Candidate; then
    apt-get update -qq >&2 || true
    mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/counter-app-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${real[@]}" >&2
  # Debian starts pcscd through socket activation; the tests run their own instance.
  if command -v systemctl >/dev/null 2>&1; then
    systemctl stop pcscd.socket pcscd.service >/dev/null 2>&1 || true
  fi
}

ensure_uv() {
  if command -v uv >/dev/null 2>&1; then
    return 0
  fi
  export PATH="$HOME/.local/bin:$PATH"
  if command -v uv >/dev/null 2>&1; then
    return 0
  fi
  say "installing uv with pip"
  python3 -m pip install --quiet --user uv 2>/dev/null \
    || python3 -m pip install --quiet uv 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages uv
  hash -r
  command -v uv >/dev/null 2>&1 || export PATH="$(python3 -m site --user-base)/bin:$PATH"
}

install_system_packages
ensure_uv
say "uv sync --frozen"
uv sync --frozen --quiet >&2
