#!/usr/bin/env bash
# Builds a lab compute inside a container booted from the lab image:
# nova-compute with libvirt and QEMU (TCG: virt_type qemu), talking to the
# controller (proxy1) by name. One image serves every compute: Nova takes
# the host name and address at boot. lab.sh commits the container as the
# compute image. Consoles and migration stay unconfigured: that is what the
# roles do.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=settings.sh
. "$HERE/settings.sh"

log "installing nova-compute, libvirt and QEMU"
install_packages crudini nova-compute nova-compute-kvm qemu-utils
slow_start nova-compute

f=/etc/nova/nova.conf
ini "$f" DEFAULT transport_url "$TRANSPORT_URL" DEFAULT rpc_response_timeout "$RPC_TIMEOUT" \
  libvirt virt_type qemu \
  oslo_concurrency lock_path /var/lib/nova/tmp \
  glance api_servers "http://$CONTROLLER:9292"
# The package wrote the build container's address: Nova detects it at boot.
crudini --del "$f" DEFAULT my_ip
service_auth "$f" placement nova
service_auth "$f" neutron nova
# nova-compute.conf is read after nova.conf (nova-compute-kvm says kvm).
ini /etc/nova/nova-compute.conf libvirt virt_type qemu

# Containers have no xattrs, read-only cgroups and no mount namespaces for
# QEMU (same block as lab/prepare.yml).
cat >>/etc/libvirt/qemu.conf <<'CONF'
# BEGIN novaops lab: container-only settings
remember_owner = 0
cgroup_controllers = [ ]
namespaces = [ ]
# END novaops lab: container-only settings
CONF

systemctl enable libvirtd nova-compute >/dev/null 2>&1
log "compute ready"
