#!/usr/bin/env bash
# Build recipe for the lab image: a Debian 12 (bookworm) rootfs that boots
# systemd as PID 1 inside a rootful podman container.
#
#   recipe.sh ROOTFS
#
# Fills the empty (or absent) directory ROOTFS. lab.sh then imports it with
#   tar -C ROOTFS -c . | podman import - localhost/novaops-lab-debian12:<hash>
# where <hash> is the first 12 hex digits of a sha256 over every file in this
# directory (lab/image/): changing this file (or any file beside it) makes
# lab.sh build a new image; nothing else does.
#
# Optional environment:
#   NOVAOPS_LAB_DEBOOTSTRAP_CACHE  absolute directory for debootstrap's .deb
#                                  cache (speeds up rebuilds; content-neutral)
#
# Network: only deb.debian.org is contacted.
set -euo pipefail

ROOTFS=${1:?usage: recipe.sh ROOTFS}
SUITE=bookworm
MIRROR=http://deb.debian.org/debian
SECURITY_MIRROR=http://deb.debian.org/debian-security
INCLUDE=systemd,systemd-sysv,python3,iproute2,sudo,ca-certificates

log() { printf 'recipe: %s\n' "$*" >&2; }

command -v debootstrap >/dev/null 2>&1 \
  || { log "debootstrap is not installed (apt-get install debootstrap)"; exit 1; }

mkdir -p "$ROOTFS"
cache_args=()
if [[ -n ${NOVAOPS_LAB_DEBOOTSTRAP_CACHE:-} ]]; then
  mkdir -p "$NOVAOPS_LAB_DEBOOTSTRAP_CACHE"
  cache_args=(--cache-dir="$NOVAOPS_LAB_DEBOOTSTRAP_CACHE")
fi

log "debootstrap $SUITE (minbase + $INCLUDE) into $ROOTFS"
debootstrap --variant=minbase --include="$INCLUDE" "${cache_args[@]}" \
  "$SUITE" "$ROOTFS" "$MIRROR" >&2

# --- apt ----------------------------------------------------------------------
log "apt sources and settings"
cat >"$ROOTFS/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF
cat >"$ROOTFS/etc/apt/apt.conf.d/90novaops-lab" <<'EOF'
// novaops lab image only: keep test hosts small and keep downloaded .debs
// (the lab bind-mounts a persistent per-host cache at /var/cache/apt/archives).
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Binary::apt::APT::Keep-Downloaded-Packages "true";
APT::Keep-Downloaded-Packages "true";
EOF

# --- systemd in a container -----------------------------------------------------
# Measured: with nothing masked this image already boots to
# `systemctl is-system-running` = running under podman --systemd=always (udev is
# not installed; units such as fstrim/e2scrub skip themselves by condition).
# Masked anyway, for test reliability rather than boot state:
#  - the apt timers, so no background `apt-get update` holds the dpkg lock
#    while a test installs packages;
#  - the console/tty gettys: nothing logs in (ansible uses `podman exec`), and
#    with `podman run -t` console-getty would grab the terminal.
log "masking container-irrelevant units"
mask_units=(
  apt-daily.timer
  apt-daily-upgrade.timer
  getty@tty1.service
  console-getty.service
)
for unit in "${mask_units[@]}"; do
  ln -sfn /dev/null "$ROOTFS/etc/systemd/system/$unit"
done

# Each container gets its own machine id: an empty /etc/machine-id makes systemd
# generate one at boot (from podman's container uuid, or random).
: >"$ROOTFS/etc/machine-id"
rm -f "$ROOTFS/var/lib/dbus/machine-id"

# podman provides the hostname, /etc/hosts and /etc/resolv.conf at run time.
rm -f "$ROOTFS/etc/hostname"
rm -f "$ROOTFS/etc/resolv.conf"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
  >"$ROOTFS/etc/hosts"

# No root password, no login: ansible reaches the hosts with `podman exec`.

# --- shrink -------------------------------------------------------------------
log "cleaning apt lists and caches"
rm -rf "$ROOTFS"/var/lib/apt/lists/*
rm -f "$ROOTFS"/var/cache/apt/*.bin
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/cache/apt/archives/partial/*
rm -f "$ROOTFS"/var/log/*.log "$ROOTFS"/var/log/apt/* 2>/dev/null || true
mkdir -p "$ROOTFS/var/lib/apt/lists/partial" "$ROOTFS/var/cache/apt/archives/partial"

log "rootfs ready"
