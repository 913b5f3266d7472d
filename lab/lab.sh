#!/usr/bin/env bash
# Test lab for novaops.console_migration: a few systemd containers on a private
# podman network (rootful podman). See lab/README.md.
#
#   lab/lab.sh image|up|down|status|inventory|help
set -euo pipefail

LAB_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd) || exit 1
IMAGE_DIR=$LAB_DIR/image

PREFIX=${NOVAOPS_LAB_PREFIX:-novaops-lab}
NET=$PREFIX-net
SUBNET=${NOVAOPS_LAB_SUBNET:-10.231.0.0/24}
CACHE=${NOVAOPS_LAB_CACHE:-/var/cache/novaops-lab}
read -r -a HOSTS <<<"${NOVAOPS_LAB_HOSTS:-proxy1 compute1 compute2}"
read -r -a EXTRA_ARGS <<<"${NOVAOPS_LAB_EXTRA_ARGS:-}"
# Debian suite of the base image; lab/image/recipe.sh names bookworm, and a
# copy of it with another SUITE builds the others (same recipe hash as tag).
SUITE=${NOVAOPS_LAB_SUITE:-bookworm}
case $SUITE in
  bullseye) SUITE_VERSION=11 ;;
  bookworm) SUITE_VERSION=12 ;;
  trixie) SUITE_VERSION=13 ;;
  *) SUITE_VERSION= ;;
esac
IMAGE_REPO=localhost/novaops-lab-debian$SUITE_VERSION
CLOUD_DIR=$LAB_DIR/cloud
# 1: proxy hosts run the lab cloud's control plane, computes nova-compute
# (images built once from lab/cloud/); 0: plain hosts of the lab image.
CLOUD=${NOVAOPS_LAB_CLOUD:-1}
# Cloud hosts boot their services too (nova waits for its conductor).
if [[ $CLOUD == 1 ]]; then TIMEOUT=${NOVAOPS_LAB_TIMEOUT:-600}; else TIMEOUT=${NOVAOPS_LAB_TIMEOUT:-90}; fi
# Per-host apt archive caches. apt locks /var/cache/apt/archives/lock, and that
# lock holds across containers sharing the directory: two labs running at once
# must not share a host's cache, so a non-default prefix gets its own set.
if [[ $PREFIX == novaops-lab ]]; then
  APT_CACHE=$CACHE/apt
else
  APT_CACHE=$CACHE/apt-$PREFIX
fi

log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

check_suite() {
  [[ -n $SUITE_VERSION ]] \
    || die "NOVAOPS_LAB_SUITE is '$SUITE'; expected bullseye (Debian 11), bookworm (Debian 12) or trixie (Debian 13)"
}

# The cloud images (lab/cloud/) are Debian 12's OpenStack: bookworm only.
check_suite_cloud() {
  local note=' (the default)'
  check_suite
  [[ -z ${NOVAOPS_LAB_CLOUD:-} ]] || note=
  [[ $CLOUD != 1 || $SUITE == bookworm ]] \
    || die "NOVAOPS_LAB_CLOUD=1$note needs NOVAOPS_LAB_SUITE=bookworm: the cloud images are built from Debian 12's OpenStack; set NOVAOPS_LAB_CLOUD=0 for plain $SUITE hosts"
}

usage() {
  cat <<'EOF'
usage: lab/lab.sh COMMAND

  image      make sure the lab images exist (build what changed: the base
             image of NOVAOPS_LAB_SUITE, and with NOVAOPS_LAB_CLOUD=1 the
             controller and compute images of lab/cloud/); prints the image
             references
  up         create/start the lab network and containers, wait for systemd;
             prints "host container ip" per host
  down       remove the lab containers and network (keeps image and cache)
  status     list the lab containers with state and IP
  inventory  print a YAML Ansible inventory for the lab
  doctor     check what the lab needs on this machine (root, podman, OCI
             runtime, network DNS, ulimits, debootstrap, free disk, mirror)
             and print the fix for each missing piece

Environment: NOVAOPS_LAB_PREFIX (novaops-lab), NOVAOPS_LAB_HOSTS ("proxy1
compute1 compute2"), NOVAOPS_LAB_SUBNET (10.231.0.0/24), NOVAOPS_LAB_CACHE
(/var/cache/novaops-lab), NOVAOPS_LAB_IMAGE (use this image, never build),
NOVAOPS_LAB_RUNTIME (OCI runtime; "default" = podman's own choice),
NOVAOPS_LAB_EXTRA_ARGS (extra podman run args), NOVAOPS_LAB_TIMEOUT (90 s, 600 s
with the cloud),
NOVAOPS_LAB_MIN_FREE_GB (10), NOVAOPS_LAB_CLOUD (1: proxy* run the control plane,
compute* nova-compute; 0: plain hosts), NOVAOPS_LAB_CLOUD_TIMEOUT (900 s),
NOVAOPS_LAB_SUITE (bookworm; bullseye, bookworm or trixie: the Debian release
of the hosts, image localhost/novaops-lab-debian11/12/13; the cloud is
bookworm only, so the other suites need NOVAOPS_LAB_CLOUD=0).
EOF
}

need_podman() {
  command -v podman >/dev/null 2>&1 || die "podman is not installed (scripts/setup.sh installs it; lab/lab.sh doctor lists what is missing)"
  [[ $(id -u) -eq 0 ]] || die "run as root: the lab uses rootful podman"
}

check_hosts() {
  ((${#HOSTS[@]} > 0)) || die "NOVAOPS_LAB_HOSTS is empty"
  local h
  for h in "${HOSTS[@]}"; do
    [[ $h =~ ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ ]] \
      || die "bad host name '$h' in NOVAOPS_LAB_HOSTS (use a-z, 0-9, -)"
  done
  [[ $PREFIX =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$ ]] || die "bad NOVAOPS_LAB_PREFIX '$PREFIX'"
}

# --- prerequisites --------------------------------------------------------------

# Where podman looks for netavark/aardvark-dns, and for CNI plugins.
HELPER_DIRS=(/usr/local/libexec/podman /usr/local/lib/podman /usr/libexec/podman /usr/lib/podman)
CNI_DIRS=(/usr/local/libexec/cni /usr/libexec/cni /usr/local/lib/cni /usr/lib/cni /opt/cni/bin)

find_in() { # name dir...
  local name=$1 d
  shift
  for d in "$@"; do [[ -x $d/$name ]] && return 0; done
  return 1
}

network_backend() { podman info --format '{{.Host.NetworkBackend}}' 2>/dev/null || true; }

# What the network backend lacks for name resolution between containers
# (empty when it has DNS). Fresh machines get netavark + aardvark-dns; a
# machine whose podman already settled on CNI needs the dnsname plugin.
dns_gap() {
  case $1 in
    netavark) find_in aardvark-dns "${HELPER_DIRS[@]}" || echo "aardvark-dns (apt-get install aardvark-dns)" ;;
    cni) find_in dnsname "${CNI_DIRS[@]}" \
      || echo "the CNI dnsname plugin (apt-get install golang-github-containernetworking-plugin-dnsname)" ;;
    *) echo "a network backend podman knows (it reports '${1:-nothing}'; apt-get install netavark aardvark-dns)" ;;
  esac
}

# The OCI runtime the lab runs containers with ("default" = podman's choice).
lab_runtime() {
  local rt=${NOVAOPS_LAB_RUNTIME:-}
  if [[ -z $rt ]]; then
    if command -v runc >/dev/null 2>&1 || [[ -x /usr/sbin/runc || -x /usr/bin/runc ]]; then
      rt=runc
    else
      rt=default
    fi
  fi
  printf '%s\n' "$rt"
}

# crun refuses cgroup v1 and hybrid hierarchies.
cgroup_hybrid() {
  [[ -d /sys/fs/cgroup/unified ]] || [[ $(stat -fc %T /sys/fs/cgroup 2>/dev/null) != cgroup2fs ]]
}

# Free GiB on the filesystem holding PATH (or its nearest existing parent).
free_gb() {
  local p=$1
  while [[ ! -e $p ]]; do p=$(dirname "$p"); done
  df -P -B1G "$p" | awk 'NR == 2 { print $4 }'
}

cmd_doctor() {
  local missing=0 v rt backend gap n p min=${NOVAOPS_LAB_MIN_FREE_GB:-10}
  row() { # ok|MISSING what detail [fix]
    printf '%-8s %-12s %s\n' "$1" "$2" "$3"
    [[ -z ${4:-} ]] || printf '%-8s %-12s fix: %s\n' '' '' "$4"
    [[ $1 == ok ]] || missing=$((missing + 1))
  }
  if [[ $(id -u) -eq 0 ]]; then row ok root "running as root"
  else row MISSING root "the lab uses rootful podman" "run lab/lab.sh as root"; fi

  if command -v podman >/dev/null 2>&1; then
    v=$(podman version --format '{{.Client.Version}}' 2>/dev/null || echo unknown)
    if [[ $v =~ ^[4-9]\. ]]; then row ok podman "podman $v"
    else row MISSING podman "podman $v (4.x or later needed)" "apt-get install podman (scripts/setup.sh)"; fi
  else
    row MISSING podman "podman is not installed" "apt-get install podman (scripts/setup.sh)"
  fi

  rt=$(lab_runtime)
  if [[ $rt == default ]]; then
    if cgroup_hybrid; then
      row MISSING runtime "no runc, and crun cannot run on this host's cgroup v1/hybrid hierarchy" \
        "apt-get install runc (scripts/setup.sh)"
    else
      row ok runtime "podman's default runtime (cgroup v2)"
    fi
  elif command -v "$rt" >/dev/null 2>&1; then
    row ok runtime "$rt ($("$rt" --version 2>/dev/null | sed -n 1p))"
  else
    row MISSING runtime "$rt is not installed" "apt-get install $rt, or set NOVAOPS_LAB_RUNTIME"
  fi

  if command -v podman >/dev/null 2>&1; then
    backend=$(network_backend)
  elif find_in netavark "${HELPER_DIRS[@]}"; then
    backend=netavark
  else
    backend=
  fi
  if [[ -z $backend ]]; then
    row MISSING dns "no podman network backend with DNS" "apt-get install netavark aardvark-dns (scripts/setup.sh)"
  elif gap=$(dns_gap "$backend") && [[ -z $gap ]]; then
    row ok dns "$backend with name resolution between the lab hosts"
  else
    row MISSING dns "$backend without DNS: the lab hosts cannot resolve each other" "install $gap (scripts/setup.sh)"
  fi
  if command -v iptables >/dev/null 2>&1; then
    row ok iptables "for the lab network's NAT rules"
  else
    row MISSING iptables "podman's network backend sets up the lab network's NAT with iptables" \
      "apt-get install iptables (scripts/setup.sh)"
  fi

  n=$(ulimit -Hn)
  if [[ $n == unlimited ]] || ((n >= 16384)); then row ok nofile "hard limit $n (containers get 16384)"
  else row MISSING nofile "hard limit $n, the containers get 16384" "raise root's hard nofile limit to 16384 (limits.conf or the service's LimitNOFILE)"; fi
  n=$(ulimit -Hu)
  if [[ $n == unlimited ]] || ((n >= 8192)); then row ok nproc "hard limit $n (containers get 8192)"
  else row MISSING nproc "hard limit $n, the containers get 8192" "raise root's hard nproc limit to 8192"; fi

  if [[ -n ${NOVAOPS_LAB_IMAGE:-} ]]; then
    row ok image "NOVAOPS_LAB_IMAGE=$NOVAOPS_LAB_IMAGE (no build)"
  elif command -v debootstrap >/dev/null 2>&1; then
    v=$(dpkg-query -W -f='${Version}' debootstrap 2>/dev/null)
    if [[ -e /usr/share/debootstrap/scripts/$SUITE ]]; then row ok debootstrap "debootstrap $v ($SUITE)"
    else row MISSING debootstrap "debootstrap $v does not know $SUITE" "apt-get install debootstrap (a newer one), or set NOVAOPS_LAB_IMAGE"; fi
  else
    row MISSING debootstrap "needed to build the lab image" "apt-get install debootstrap (scripts/setup.sh), or set NOVAOPS_LAB_IMAGE"
  fi

  for p in /var/lib/containers "$CACHE"; do
    n=$(free_gb "$p")
    if ((n >= min)); then row ok disk "$n GiB free for $p"
    else row MISSING disk "$n GiB free for $p, the lab needs $min" "free space there (or set NOVAOPS_LAB_CACHE)"; fi
  done

  if timeout 5 bash -c '</dev/tcp/deb.debian.org/80' 2>/dev/null; then
    row ok mirror "deb.debian.org answers (image build, packages in the hosts)"
  else
    row MISSING mirror "deb.debian.org does not answer" "the lab needs http://deb.debian.org for the image and the hosts' packages"
  fi

  if ((missing)); then
    log "$missing missing: scripts/setup.sh installs the packages named above"
    return 1
  fi
  log "everything the lab needs is here"
}

# --- image --------------------------------------------------------------------

# First 12 hex of a sha256 over every file under lab/image (path + content).
recipe_hash() {
  (cd "$IMAGE_DIR" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) \
    | sha256sum | cut -c1-12
}

image_ref() {
  if [[ -n ${NOVAOPS_LAB_IMAGE:-} ]]; then
    printf '%s\n' "$NOVAOPS_LAB_IMAGE"
  else
    printf '%s:%s\n' "$IMAGE_REPO" "$(recipe_hash)"
  fi
}

ROOTFS_TMP=
cleanup_rootfs() {
  [[ -n $ROOTFS_TMP && -d $ROOTFS_TMP ]] || return 0
  # never rm -rf through a mount left behind by an interrupted debootstrap
  local m
  while read -r m; do umount -l "$m" 2>/dev/null || true; done < <(
    awk -v r="$ROOTFS_TMP/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r)
  rm -rf --one-file-system "$ROOTFS_TMP"
  ROOTFS_TMP=
}

build_image() {
  local ref=$1 t0=$SECONDS
  command -v debootstrap >/dev/null 2>&1 \
    || die "debootstrap is not installed (apt-get install debootstrap), or set NOVAOPS_LAB_IMAGE"
  mkdir -p "$CACHE/build"
  ROOTFS_TMP=$(mktemp -d "$CACHE/build/rootfs.XXXXXX")
  trap cleanup_rootfs EXIT
  local build_log=$CACHE/build/last-build.log recipe=$IMAGE_DIR/recipe.sh debs=$CACHE/debootstrap
  if [[ $SUITE != bookworm ]]; then
    build_log=$CACHE/build/last-build-$SUITE.log debs=$CACHE/debootstrap-$SUITE
    recipe=$ROOTFS_TMP/recipe-$SUITE.sh
    sed "s/^SUITE=bookworm\$/SUITE=$SUITE/" "$IMAGE_DIR/recipe.sh" >"$recipe"
    grep -qx "SUITE=$SUITE" "$recipe" || die "lab/image/recipe.sh has no line SUITE=bookworm to replace"
  fi
  log "building $ref ($SUITE: debootstrap from deb.debian.org, about a minute; log: $build_log)"
  if ! NOVAOPS_LAB_DEBOOTSTRAP_CACHE=$debs \
    bash "$recipe" "$ROOTFS_TMP/rootfs" >"$build_log" 2>&1; then
    tail -n 25 "$build_log" >&2
    die "image recipe failed (full log: $build_log)"
  fi
  log "importing rootfs as $ref"
  tar --numeric-owner -C "$ROOTFS_TMP/rootfs" -c . \
    | podman import --quiet --change 'CMD ["/sbin/init"]' \
        --change "LABEL novaops.lab.recipe=${ref##*:}" --change "LABEL novaops.lab.suite=$SUITE" \
        - "$ref" >/dev/null \
    || die "podman import failed"
  cleanup_rootfs
  trap - EXIT
  log "image $ref built in $((SECONDS - t0)) s"
  return 0
}

ensure_image() {
  local ref
  ref=$(image_ref)
  if podman image exists "$ref"; then
    return 0
  fi
  if [[ -n ${NOVAOPS_LAB_IMAGE:-} ]]; then
    log "pulling $ref"
    podman pull "$ref" >&2 || die "cannot pull NOVAOPS_LAB_IMAGE=$ref"
    return 0
  fi
  # serialise builds between concurrent labs (different prefixes)
  mkdir -p "$CACHE"
  if [[ $SUITE == bookworm ]]; then exec 9>"$CACHE/image.lock"; else exec 9>"$CACHE/image-$SUITE.lock"; fi
  if ! flock -n 9; then
    log "another lab is building the image; waiting for it"
    flock 9
  fi
  if ! podman image exists "$ref"; then
    build_image "$ref"
  fi
  flock -u 9
  exec 9>&-
}

# --- cloud images -------------------------------------------------------------

# What a host runs: controller (proxy*) or compute (compute*) with the cloud on.
host_role() {
  [[ $CLOUD == 1 ]] || { echo base; return; }
  case $1 in
    proxy*) echo controller ;;
    compute*) echo compute ;;
    *) echo base ;;
  esac
}

# A role's image: the base image's recipe plus settings.sh and <role>.sh.
cloud_ref() {
  local role=$1 h
  h=$( { image_ref; cat "$CLOUD_DIR/settings.sh" "$CLOUD_DIR/$role.sh"; } | sha256sum | cut -c1-12)
  printf 'localhost/novaops-lab-%s:%s\n' "$role" "$h"
}

host_image() {
  local role
  role=$(host_role "$1")
  if [[ $role == base ]]; then image_ref; else cloud_ref "$role"; fi
}

# Capabilities beyond NET_ADMIN/NET_RAW. nova-compute's privsep daemon keeps
# CAP_SYS_ADMIN (mounts, namespaces for disk images) and CAP_DAC_READ_SEARCH
# (reading instance files it does not own), and fails to start without them.
role_caps() {
  case $1 in
    compute) printf '%s\n' --cap-add SYS_ADMIN --cap-add DAC_READ_SEARCH ;;
  esac
}

# Boots the base image as HOSTNAME, runs lab/cloud/ROLE.sh in it and commits
# the stopped container as REF.
build_cloud_image() { # role hostname ref
  local role=$1 host=$2 ref=$3 name=$PREFIX-build-$1 t0=$SECONDS a state i
  local build_log=$CACHE/build/$role.log
  local -a args=(--name "$name" --hostname "$host" --systemd=always
    --cap-add NET_ADMIN --cap-add NET_RAW
    --ulimit nofile=16384:16384 --ulimit nproc=8192:8192
    -v "$CACHE/apt/build-$role:/var/cache/apt/archives:Z")
  while read -r a; do [[ -n $a ]] && args+=("$a"); done < <(runtime_args; role_caps "$role")
  mkdir -p "$CACHE/apt/build-$role" "$CACHE/build"
  podman rm -f -t 5 "$name" >/dev/null 2>&1 || true
  log "building $ref (log: $build_log)"
  podman run -d "${args[@]}" "$(image_ref)" /sbin/init >/dev/null 2>"$build_log" \
    || { cat "$build_log" >&2; die "cannot start the $role build container"; }
  for ((i = 0; i < TIMEOUT; i++)); do
    state=$(podman exec "$name" systemctl is-system-running 2>/dev/null || true)
    [[ $state == running || $state == degraded ]] && break
    sleep 1
  done
  if ! { podman exec "$name" mkdir -p /root/novaops-cloud &&
    podman cp "$CLOUD_DIR/." "$name:/root/novaops-cloud/" &&
    podman exec "$name" bash "/root/novaops-cloud/$role.sh" &&
    podman exec "$name" rm -rf /root/novaops-cloud; } >>"$build_log" 2>&1; then
    tail -n 25 "$build_log" >&2
    podman rm -f -t 5 "$name" >/dev/null 2>&1 || true
    die "the $role image recipe failed (full log: $build_log)"
  fi
  podman stop -t 120 "$name" >/dev/null
  podman commit --quiet --change 'CMD ["/sbin/init"]' \
    --change "LABEL novaops.lab.recipe=${ref##*:}" "$name" "$ref" >/dev/null \
    || die "podman commit of the $role image failed"
  podman rm -f "$name" >/dev/null
  log "image $ref built in $((SECONDS - t0)) s"
}

# Builds the missing cloud images of this lab's hosts, in parallel.
ensure_cloud_images() {
  [[ $CLOUD == 1 ]] || return 0
  local h role ref t0=$SECONDS rc=0
  local -A want=()
  for h in "${HOSTS[@]}"; do
    role=$(host_role "$h")
    [[ $role == base ]] && continue
    ref=$(cloud_ref "$role")
    podman image exists "$ref" || want[$role]=$ref
  done
  ((${#want[@]})) || return 0
  exec 8>"$CACHE/cloud.lock"
  flock 8
  local -a pids=()
  for role in "${!want[@]}"; do
    podman image exists "${want[$role]}" && continue
    if [[ $role == controller ]]; then h=proxy1; else h=compute1; fi
    # (without the lock's descriptor: a container's conmon would keep it)
    build_cloud_image "$role" "$h" "${want[$role]}" 8>&- &
    pids+=($!)
  done
  for h in "${pids[@]}"; do wait "$h" || rc=1; done
  flock -u 8
  exec 8>&-
  ((rc == 0)) || die "building the cloud images failed"
  log "cloud images (${!want[*]}) built cold in $((SECONDS - t0)) s"
}

# --- containers -----------------------------------------------------------------

runtime_args() {
  local rt
  rt=$(lab_runtime)
  [[ $rt == default ]] || printf '%s\n' --runtime "$rt"
}

# The podman run arguments for one host (without image and command).
run_args() {
  local host=$1 a
  local -a args=(
    --name "$PREFIX-$host" --hostname "$host"
    --network "$NET" --network-alias "$host"
    --systemd=always
    --cap-add NET_ADMIN --cap-add NET_RAW
    --ulimit nofile=16384:16384 --ulimit nproc=8192:8192
  )
  while read -r a; do [[ -n $a ]] && args+=("$a"); done < <(runtime_args; role_caps "$(host_role "$host")")
  args+=(
    --label "novaops.lab=$PREFIX" --label "novaops.lab.host=$host"
    -v "$APT_CACHE/$host:/var/cache/apt/archives:Z"
  )
  args+=("${EXTRA_ARGS[@]}")
  printf '%s\n' "${args[@]}"
}

container_ip() {
  podman inspect --format "{{with index .NetworkSettings.Networks \"$NET\"}}{{.IPAddress}}{{end}}" \
    "$1" 2>/dev/null || true
}

dns_enabled() { [[ $(podman network inspect --format '{{.DNSEnabled}}' "$1" 2>/dev/null) == true ]]; }

ensure_network() {
  local gap
  gap=$(dns_gap "$(network_backend)") || true
  [[ -z $gap ]] || die "podman's network backend has no DNS, so the lab hosts could not resolve each other: missing $gap (lab/lab.sh doctor)"
  if podman network exists "$NET"; then
    local have
    have=$(podman network inspect --format '{{range .Subnets}}{{.Subnet}} {{end}}' "$NET")
    [[ " $have " == *" $SUBNET "* ]] \
      || die "network $NET has subnet ${have% } but NOVAOPS_LAB_SUBNET is $SUBNET: run 'lab/lab.sh down' first"
    dns_enabled "$NET" && return 0
    log "network $NET was created without DNS: recreating it and its hosts"
    remove_lab
  fi
  log "creating network $NET ($SUBNET)"
  podman network create --driver bridge --subnet "$SUBNET" \
    --label "novaops.lab=$PREFIX" "$NET" >/dev/null || die "cannot create network $NET"
  dns_enabled "$NET" || die "podman created $NET without DNS (backend $(network_backend)): see lab/lab.sh doctor"
}

# Run in each host: every other lab host (name=address) resolves to its
# address and answers (a TCP reset counts: the host is reached).
REACH_PY='
import socket, sys
me = socket.gethostname()
bad = []
for arg in sys.argv[1:]:
    name, want = arg.split("=", 1)
    if name == me:
        continue
    try:
        got = socket.getaddrinfo(name, None, socket.AF_INET)[0][4][0]
    except OSError as e:
        bad.append("%s does not resolve (%s)" % (name, e))
        continue
    if got != want:
        bad.append("%s resolves to %s, its address is %s" % (name, got, want))
    s = socket.socket()
    s.settimeout(3)
    try:
        s.connect((got, 9))
    except ConnectionRefusedError:
        pass
    except OSError as e:
        bad.append("%s (%s) does not answer: %s" % (name, got, e))
    finally:
        s.close()
print("\n".join(bad))
sys.exit(1 if bad else 0)
'

check_network() {
  local h out failed=0
  local -a peers=()
  for h in "${HOSTS[@]}"; do peers+=("$h=$(container_ip "$PREFIX-$h")"); done
  for h in "${HOSTS[@]}"; do
    if ! out=$(podman exec "$PREFIX-$h" python3 -c "$REACH_PY" "${peers[@]}" 2>&1); then
      while read -r line; do [[ -n $line ]] && log "$h: $line"; done <<<"$out"
      failed=1
    fi
  done
  ((failed == 0)) || die "the lab hosts do not all resolve and reach each other on $NET (backend $(network_backend)): see lab/lab.sh doctor"
  log "every host resolves and reaches every other by name"
}

ensure_container() {
  local host=$1 image=$2 image_id=$3
  local name=$PREFIX-$host
  local -a args
  mapfile -t args < <(run_args "$host")
  # a hash of the run arguments: a change (extra args, runtime...) recreates
  local spec
  spec=$(printf '%s\n' "$image" "${args[@]}" | sha256sum | cut -c1-12)
  if podman container exists "$name"; then
    local cur_image cur_spec state
    IFS='|' read -r cur_image cur_spec state < <(podman inspect --format \
      '{{.Image}}|{{index .Config.Labels "novaops.lab.spec"}}|{{.State.Status}}' "$name")
    if [[ $cur_image == "$image_id" && $cur_spec == "$spec" ]]; then
      if [[ $state == running ]] && ! podman exec "$name" true >/dev/null 2>&1; then
        # "running" in podman's records with its processes gone (they ended
        # with the session that started them): podman cannot start it again
        state=stale
      elif [[ $state != running ]]; then
        log "starting $name"
        podman start "$name" >/dev/null || die "cannot start $name"
      else
        log "keeping $name"
      fi
      [[ $state == stale ]] || return 0
    fi
    if [[ ${state:-} == stale ]]; then
      log "recreating $name (its processes are gone)"
    else
      log "recreating $name (image or settings changed)"
    fi
    podman rm -f -t 5 "$name" >/dev/null || die "cannot remove $name"
  else
    log "creating $name"
  fi
  mkdir -p "$APT_CACHE/$host"
  local err
  if ! err=$(podman run -d "${args[@]}" --label "novaops.lab.spec=$spec" "$image" /sbin/init 2>&1 >/dev/null); then
    printf '%s\n' "$err" >&2
    die "podman run failed for $name"
  fi
  # conmon's harmless "failed to connect to syslog" (no syslog in a sandbox)
  err=$(grep -v 'failed to connect to syslog' <<<"$err" || true)
  [[ -z $err ]] || printf '%s\n' "$err" >&2
}

wait_systemd() {
  local deadline=$((SECONDS + TIMEOUT)) h name state
  local -a pending=("${HOSTS[@]}") left
  log "waiting for systemd in ${#pending[@]} container(s) (max ${TIMEOUT} s)"
  while :; do
    left=()
    for h in "${pending[@]}"; do
      name=$PREFIX-$h
      state=$(podman exec "$name" systemctl is-system-running 2>/dev/null || true)
      case $state in
        running) ;;
        degraded)
          log "$name is degraded; failed units:"
          podman exec "$name" systemctl --failed --no-legend --plain >&2 || true
          ;;
        *) left+=("$h") ;;
      esac
    done
    ((${#left[@]} == 0)) && return 0
    pending=("${left[@]}")
    if ((SECONDS >= deadline)); then
      for h in "${pending[@]}"; do
        name=$PREFIX-$h
        state=$(podman exec "$name" systemctl is-system-running 2>&1 || true)
        log "$name: systemd state '${state:-unknown}'; pending jobs:"
        podman exec "$name" systemctl list-jobs --no-legend >&2 2>/dev/null || true
        podman logs --tail 20 "$name" >&2 2>/dev/null || true
      done
      die "systemd did not come up within ${TIMEOUT} s in: ${pending[*]}"
    fi
    sleep 1
  done
}

# With the cloud on: wait until every nova service of the lab's hosts is up,
# then map the computes into the cell.
wait_cloud() {
  [[ $CLOUD == 1 ]] || return 0
  local h ctl='' deadline=$((SECONDS + ${NOVAOPS_LAB_CLOUD_TIMEOUT:-900})) up services=() missing
  for h in "${HOSTS[@]}"; do
    case $(host_role "$h") in
      controller) [[ -n $ctl ]] || ctl=$PREFIX-$h; services+=("nova-conductor@$h" "nova-scheduler@$h") ;;
      compute) services+=("nova-compute@$h") ;;
    esac
  done
  [[ -n $ctl ]] || return 0
  log "waiting for the cloud's services (max ${NOVAOPS_LAB_CLOUD_TIMEOUT:-900} s)"
  while :; do
    up=$(podman exec -e OS_CLOUD=lab "$ctl" openstack compute service list -f value -c Binary -c Host -c State 2>/dev/null \
      | awk '$3 == "up" { print $1 "@" $2 }' || true)
    missing=()
    for h in "${services[@]}"; do grep -qx "$h" <<<"$up" || missing+=("$h"); done
    ((${#missing[@]} == 0)) && break
    ((SECONDS < deadline)) || die "cloud services not up: ${missing[*]} (journalctl -u <service> in the host)"
    sleep 10
  done
  podman exec "$ctl" su -s /bin/sh nova -c 'nova-manage cell_v2 discover_hosts' >/dev/null \
    || die "nova-manage cell_v2 discover_hosts failed in $ctl"
  log "cloud up: ${services[*]}; openstack --os-cloud lab in $ctl"
}

cmd_image() {
  local h
  need_podman
  check_suite_cloud
  ensure_image
  ensure_cloud_images
  for h in "${HOSTS[@]}"; do host_image "$h"; done | sort -u
}

cmd_up() {
  local t0=$SECONDS image image_id h
  need_podman
  check_hosts
  check_suite_cloud
  ensure_image
  ensure_cloud_images
  ensure_network
  for h in "${HOSTS[@]}"; do
    image=$(host_image "$h")
    image_id=$(podman image inspect --format '{{.Id}}' "$image") || die "cannot inspect image $image"
    ensure_container "$h" "$image" "$image_id"
  done
  wait_systemd
  check_network
  wait_cloud
  log "lab $PREFIX up in $((SECONDS - t0)) s"
  for h in "${HOSTS[@]}"; do
    printf '%s %s %s\n' "$h" "$PREFIX-$h" "$(container_ip "$PREFIX-$h")"
  done
}

lab_containers() {
  podman ps -a --filter "label=novaops.lab=$PREFIX" --format '{{.Names}}'
}

# Removes the lab's containers and network.
remove_lab() {
  local -a names=()
  local n h
  while read -r n; do [[ -n $n ]] && names+=("$n"); done < <(lab_containers)
  for h in "${HOSTS[@]}"; do
    podman container exists "$PREFIX-$h" && [[ " ${names[*]} " != *" $PREFIX-$h "* ]] \
      && names+=("$PREFIX-$h")
  done
  if ((${#names[@]})); then
    log "removing ${names[*]}"
    podman rm -f -t 5 "${names[@]}" >/dev/null || die "cannot remove containers"
  fi
  if podman network exists "$NET"; then
    log "removing network $NET"
    podman network rm "$NET" >/dev/null || die "cannot remove network $NET"
  fi
}

cmd_down() {
  need_podman
  remove_lab
  log "lab $PREFIX is down"
}

cmd_status() {
  need_podman
  local n line host state image
  printf '%-12s %-28s %-10s %-15s %s\n' HOST CONTAINER STATE IP IMAGE
  while read -r n; do
    [[ -n $n ]] || continue
    line=$(podman inspect --format \
      '{{index .Config.Labels "novaops.lab.host"}}|{{.State.Status}}|{{.ImageName}}' "$n")
    IFS='|' read -r host state image <<<"$line"
    printf '%-12s %-28s %-10s %-15s %s\n' "${host:--}" "$n" "$state" \
      "$(container_ip "$n")" "$image"
  done < <(lab_containers | sort)
  podman network exists "$NET" || log "network $NET does not exist (lab is down)"
}

cmd_inventory() {
  need_podman
  local -a hosts=() proxies=() computes=() others=()
  local n h
  while read -r n; do
    [[ -n $n ]] || continue
    h=$(podman inspect --format '{{index .Config.Labels "novaops.lab.host"}}' "$n")
    hosts+=("${h:-${n#"$PREFIX"-}}")
  done < <(lab_containers | sort)
  if ((${#hosts[@]} == 0)); then
    log "no containers for lab $PREFIX: inventory from NOVAOPS_LAB_HOSTS"
    check_hosts
    hosts=("${HOSTS[@]}")
  fi
  for h in "${hosts[@]}"; do
    case $h in
      proxy*) proxies+=("$h") ;;
      compute*) computes+=("$h") ;;
      *) others+=("$h") ;;
    esac
  done
  emit_hosts() { # indent host...
    local ind=$1 x
    shift
    if (($# == 0)); then printf '%shosts: {}\n' "$ind"; return; fi
    printf '%shosts:\n' "$ind"
    for x in "$@"; do
      printf '%s  %s:\n' "$ind" "$x"
      printf '%s    ansible_connection: containers.podman.podman\n' "$ind"
      printf '%s    ansible_host: %s\n' "$ind" "$PREFIX-$x"
      printf '%s    ansible_python_interpreter: /usr/bin/python3\n' "$ind"
    done
  }
  printf '# Ansible inventory for lab %s (generated by lab/lab.sh inventory)\n' "$PREFIX"
  printf 'all:\n'
  ((${#others[@]} == 0)) || emit_hosts '  ' "${others[@]}"
  printf '  children:\n'
  printf '    nova_console_proxy:\n'
  emit_hosts '      ' "${proxies[@]}"
  printf '    nova_compute:\n'
  emit_hosts '      ' "${computes[@]}"
}

main() {
  local cmd=${1:-}
  case $cmd in
    help | -h | --help | '') ;;
    *) check_suite ;;
  esac
  case $cmd in
    image) cmd_image ;;
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    inventory) cmd_inventory ;;
    doctor) cmd_doctor ;;
    help | -h | --help) usage ;;
    '') usage >&2; exit 2 ;;
    *) log "unknown command '$cmd'"; usage >&2; exit 2 ;;
  esac
}

main "$@"
