#!/usr/bin/env bash
# Installs what a checkout needs on a Debian 12 controller (run as root):
# Debian packages for the lab and a Python venv with the pinned tool chain.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${NOVAOPS_VENV:-$ROOT/.venv}
# The lab: podman with runc (crun fails on cgroup v1/hybrid hosts) and the
# netavark backend with aardvark-dns, so the lab hosts resolve each other by
# name (podman's own backend; without it apt picks CNI, which has no DNS);
# iptables for the network's NAT; debootstrap builds the image. The
# controller side: openssh-client (ssh-keygen makes the migration SSH keys,
# as bindep.txt says), rsync and git for the tests, shellcheck for
# ansible-test sanity (which skips the shell scripts without it).
APT_PACKAGES=(podman runc netavark aardvark-dns iptables debootstrap debian-archive-keyring openssh-client rsync git ca-certificates python3-venv shellcheck)
# A podman that already settled on CNI (it keeps the backend it first used)
# resolves names with the dnsname plugin instead.
CNI_DNS_PACKAGE=golang-github-containernetworking-plugin-dnsname

log() { printf '==> %s\n' "$*" >&2; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: run as root to install: $*" >&2
        exit 1
    fi
    log "apt-get install $*"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

install_apt_packages() {
    local missing=() pkg
    for pkg in "${APT_PACKAGES[@]}"; do
        installed "$pkg" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
    if [ "$(podman info --format '{{.Host.NetworkBackend}}' 2>/dev/null)" = cni ] &&
        ! installed "$CNI_DNS_PACKAGE"; then
        apt_install "$CNI_DNS_PACKAGE"
    fi
}

# The newest Python from 3.11 on: NOVAOPS_PYTHON, then pyenv's, then PATH.
pick_python() {
    local candidates=()
    [ -n "${NOVAOPS_PYTHON:-}" ] && candidates+=("$NOVAOPS_PYTHON")
    for minor in 13 12; do
        for p in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3."$minor".*/bin/python3; do
            [ -x "$p" ] && candidates+=("$p")
        done
        command -v "python3.$minor" >/dev/null 2>&1 && candidates+=("python3.$minor")
    done
    candidates+=(python3)
    for py in "${candidates[@]}"; do
        if "$py" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            echo "$py"
            return 0
        fi
    done
    echo "setup: no Python >= 3.11 found (set NOVAOPS_PYTHON)" >&2
    exit 1
}

make_venv() {
    local stamp="$VENV/.novaops-requirements"
    local want
    want=$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" | sha256sum | cut -c1-16)
    if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    local py
    py=$(pick_python)
    log "venv $VENV ($("$py" --version))"
    [ -x "$VENV/bin/python" ] || "$py" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -r "$ROOT/requirements-dev.txt"
    echo "$want" >"$stamp"
}

install_apt_packages
make_venv
log "ready: $VENV ($("$VENV/bin/ansible" --version 2>/dev/null | sed -n 1p))"
