# shellcheck shell=bash disable=SC2034
# Settings shared by the lab cloud's build scripts (sourced, not run).
# Lab only: one password for every service account; nothing here leaves
# the lab's own network.
CONTROLLER=proxy1
REGION=RegionOne
PASSWORD=novaops-lab
KEYSTONE_URL=http://$CONTROLLER:5000/v3
TRANSPORT_URL=rabbit://openstack:$PASSWORD@$CONTROLLER:5672/
# A 2-core machine running TCG guests beside the tests answers RPC calls
# (console URLs, migration checks) slower than Nova's default 60 s allows.
RPC_TIMEOUT=180
# Services' users in the service project.
SERVICE_USERS="glance placement nova neutron"

export DEBIAN_FRONTEND=noninteractive

log() { printf 'cloud: %s\n' "$*" >&2; }

# Install without starting anything: the image is committed stopped.
install_packages() {
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 0755 /usr/sbin/policy-rc.d
  apt-get update -qq
  apt-get install -y -q --no-install-recommends "$@"
  rm -f /usr/sbin/policy-rc.d
}

# crudini --set for many options: ini FILE then SECTION OPTION VALUE triples.
ini() {
  local file=$1
  shift
  while (($# >= 3)); do
    crudini --set "$file" "$1" "$2" "$3"
    shift 3
  done
}

# [keystone_authtoken]-style service credentials into SECTION of FILE.
service_auth() { # file section user
  ini "$1" "$2" auth_url "$KEYSTONE_URL" "$2" auth_type password \
    "$2" project_domain_name Default "$2" user_domain_name Default \
    "$2" project_name service "$2" username "$3" "$2" password "$PASSWORD" \
    "$2" region_name "$REGION"
}

# Type=notify services that start slowly on a busy 2-core host.
slow_start() {
  local unit
  for unit in "$@"; do
    mkdir -p "/etc/systemd/system/$unit.service.d"
    printf '[Service]\nTimeoutStartSec=600\n' >"/etc/systemd/system/$unit.service.d/novaops-lab.conf"
  done
  systemctl daemon-reload
}
