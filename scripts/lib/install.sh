# Shared set-up of ./scripts/demo and ./scripts/test (sourced, not run).
#
# - system packages through apt (WeasyPrint's Pango and fonts; Chromium for the browser tests),
#   checked with dpkg first so a machine that has them needs neither root nor the network;
# - a virtual environment in .venv with the pinned requirements.lock, then the project itself.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${COMPTOIR_VENV:-$ROOT/.venv}"
PYTHON="$VENV/bin/python"
WEASYPRINT_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31mError: %s\033[0m\n' "$*" >&2; exit 1; }

find_python() {
    local candidate
    for candidate in "${COMPTOIR_PYTHON:-}" python3 python3.13 python3.12 python3.11; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    fail "Comptoir needs Python 3.11 or newer (apt-get install python3 python3-venv)."
}

# ensure_system_packages PACKAGE...: install the Debian/Ubuntu packages that are missing.
ensure_system_packages() {
    local missing=() package
    if ! command -v dpkg >/dev/null 2>&1; then
        say "Not a Debian/Ubuntu system: make sure these are installed: $*"
        return 0
    fi
    for package in "$@"; do
        dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        printf 'These system packages are missing. Install them, then run this command again:\n\n' >&2
        printf '    sudo apt-get update && sudo apt-get install -y %s\n\n' "${missing[*]}" >&2
        exit 1
    fi
    say "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The venv module of Debian's Python lives in a separate package.
python_venv_package() {
    local python="$1"
    if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        echo "python3-venv"
    fi
}

# ensure_venv: create .venv and install requirements.lock and the project, unless already done
# for this exact lock file and pyproject.toml.
ensure_venv() {
    local python="$1" stamp wanted
    stamp="$VENV/.comptoir-installed"
    wanted="$(cat "$ROOT/requirements.lock" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
    if [ -x "$PYTHON" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] \
        && "$PYTHON" -c 'import comptoir, django' >/dev/null 2>&1; then
        return 0
    fi
    if [ ! -x "$PYTHON" ]; then
        say "Creating the virtual environment in ${VENV#"$ROOT"/}"
        "$python" -m venv "$VENV"
    fi
    say "Installing the pinned Python packages (requirements.lock)"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --require-hashes \
        -r "$ROOT/requirements.lock"
    say "Installing Comptoir itself"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps -e "$ROOT"
    echo "$wanted" > "$stamp"
}

# install_everything [EXTRA SYSTEM PACKAGE...]
install_everything() {
    local python packages
    python="$(find_python)"
    packages=("${WEASYPRINT_PACKAGES[@]}" "$@")
    local venv_package
    venv_package="$(python_venv_package "$python")"
    [ -n "$venv_package" ] && packages+=("$venv_package")
    ensure_system_packages "${packages[@]}"
    ensure_venv "$python"
}

# manage COMMAND...: run a Django management command with the project's Python.
manage() {
    "$PYTHON" "$ROOT/manage.py" "$@"
}
