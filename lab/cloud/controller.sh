#!/usr/bin/env bash
# Builds the lab's control plane inside a container booted from the lab image
# with hostname proxy1: MariaDB, RabbitMQ, memcached, keystone, glance (file
# store), placement, nova-api/conductor/scheduler with cells v2 and
# neutron-server (ML2, no networks), and tempest for the test suite
# (scripts/check-tempest.sh). Databases synced, keystone bootstrapped,
# cells mapped, a tiny image and two flavors created; lab.sh then commits the
# container as the controller image. The console proxies are not installed:
# the console_proxy role does that, as on any cloud.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=settings.sh
. "$HERE/settings.sh"

log "installing the control plane"
install_packages crudini mariadb-server python3-pymysql rabbitmq-server memcached python3-memcache \
  keystone glance-api placement-api nova-api nova-conductor nova-scheduler neutron-server \
  python3-openstackclient python3-novaclient python3-tempest

# Small worker counts: the lab runs beside the molecule scenarios.
for f in /etc/*/*uwsgi*.ini; do
  [[ -f $f ]] || continue
  ini "$f" uwsgi processes 2 uwsgi threads 2
done
slow_start nova-conductor nova-scheduler

log "MariaDB and RabbitMQ"
systemctl start mariadb
for db in keystone glance placement nova_api nova nova_cell0 neutron; do
  user=${db%%_*}
  mysql -e "CREATE DATABASE IF NOT EXISTS $db;
    CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$PASSWORD';
    GRANT ALL PRIVILEGES ON $db.* TO '$user'@'localhost';"
done
systemctl start rabbitmq-server memcached
rabbitmqctl add_user openstack "$PASSWORD" >/dev/null 2>&1 || rabbitmqctl change_password openstack "$PASSWORD"
rabbitmqctl set_permissions openstack '.*' '.*' '.*'

db_url() { printf 'mysql+pymysql://%s:%s@localhost/%s' "${1%%_*}" "$PASSWORD" "$1"; }

log "keystone"
ini /etc/keystone/keystone.conf database connection "$(db_url keystone)" token provider fernet \
  cache enabled true cache backend dogpile.cache.memcached cache memcache_servers localhost:11211
su -s /bin/sh keystone -c 'keystone-manage db_sync'
keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone
keystone-manage credential_setup --keystone-user keystone --keystone-group keystone
keystone-manage bootstrap --bootstrap-password "$PASSWORD" \
  --bootstrap-admin-url "$KEYSTONE_URL" --bootstrap-internal-url "$KEYSTONE_URL" \
  --bootstrap-public-url "$KEYSTONE_URL" --bootstrap-region-id "$REGION"
systemctl start keystone

mkdir -p /etc/openstack
cat >/etc/openstack/clouds.yaml <<YAML
# The lab cloud's admin: openstack --os-cloud lab ...
clouds:
  lab:
    auth:
      auth_url: $KEYSTONE_URL
      username: admin
      password: $PASSWORD
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: $REGION
    identity_api_version: 3
YAML
chmod 0600 /etc/openstack/clouds.yaml
export OS_CLOUD=lab
os() { openstack "$@" >/dev/null; }
for _ in $(seq 60); do openstack token issue >/dev/null 2>&1 && break; sleep 2; done
os project create --domain default --description "Service project" service
for user in $SERVICE_USERS; do
  os user create --domain default --password "$PASSWORD" "$user"
  os role add --project service --user "$user" admin
done
endpoint() { # type name port path
  os service create --name "$2" "$1"
  for iface in public internal admin; do
    os endpoint create --region "$REGION" "$1" "$iface" "http://$CONTROLLER:$3$4"
  done
}
endpoint image glance 9292 ''
endpoint placement placement 8778 ''
endpoint compute nova 8774 /v2.1
endpoint network neutron 9696 ''

log "glance"
f=/etc/glance/glance-api.conf
ini "$f" database connection "$(db_url glance)" paste_deploy flavor keystone \
  DEFAULT enabled_backends file:file glance_store default_backend file \
  file filesystem_store_datadir /var/lib/glance/images/ DEFAULT workers 1 \
  keystone_authtoken www_authenticate_uri "http://$CONTROLLER:5000" \
  keystone_authtoken memcached_servers localhost:11211
service_auth "$f" keystone_authtoken glance
su -s /bin/sh glance -c 'glance-manage db_sync' >/dev/null

log "placement"
f=/etc/placement/placement.conf
ini "$f" placement_database connection "$(db_url placement)" api auth_strategy keystone \
  keystone_authtoken memcached_servers localhost:11211
service_auth "$f" keystone_authtoken placement
su -s /bin/sh placement -c 'placement-manage db sync'

log "nova"
f=/etc/nova/nova.conf
ini "$f" DEFAULT transport_url "$TRANSPORT_URL" DEFAULT rpc_response_timeout "$RPC_TIMEOUT" \
  api_database connection "$(db_url nova_api)" database connection "$(db_url nova)" \
  api auth_strategy keystone keystone_authtoken memcached_servers localhost:11211 \
  keystone_authtoken www_authenticate_uri "http://$CONTROLLER:5000" \
  DEFAULT osapi_compute_workers 1 DEFAULT metadata_workers 1 \
  conductor workers 1 scheduler workers 1 \
  scheduler discover_hosts_in_cells_interval 30 \
  oslo_concurrency lock_path /var/lib/nova/tmp
service_auth "$f" keystone_authtoken nova
service_auth "$f" placement nova
service_auth "$f" neutron nova
# The package wrote the build container's address: Nova detects it at boot.
crudini --del "$f" DEFAULT my_ip
# nova-api runs in uwsgi workers, whose eventlet heartbeat stalls between
# requests: RabbitMQ closes their connections and the next RPC call waits
# for its timeout. nova-api alone sends heartbeats from a thread, as
# oslo.messaging advises for WSGI services (in the eventlet services,
# conductor and scheduler, a thread's heartbeat stalls instead), with one
# thread per uwsgi worker (eventlet's hub cannot switch between threads).
ini /etc/nova/nova-api-heartbeat.conf oslo_messaging_rabbit heartbeat_in_pthread true
ini /etc/nova/nova-api-uwsgi.ini uwsgi threads 1
mkdir -p /etc/systemd/system/nova-api.service.d
printf '[Service]\nEnvironment="OS_NOVA_CONFIG_FILES=api-paste.ini;nova.conf;nova-api-heartbeat.conf"\n' \
  >/etc/systemd/system/nova-api.service.d/novaops-lab.conf
systemctl daemon-reload
su -s /bin/sh nova -c 'nova-manage api_db sync'
su -s /bin/sh nova -c 'nova-manage cell_v2 map_cell0'
su -s /bin/sh nova -c 'nova-manage cell_v2 create_cell --name cell1' || true
su -s /bin/sh nova -c 'nova-manage db sync'

log "neutron"
f=/etc/neutron/neutron.conf
ini "$f" database connection "$(db_url neutron)" DEFAULT core_plugin ml2 \
  DEFAULT transport_url "$TRANSPORT_URL" DEFAULT auth_strategy keystone \
  DEFAULT api_workers 1 DEFAULT rpc_workers 1 DEFAULT rpc_state_report_workers 1 \
  DEFAULT notify_nova_on_port_status_changes true DEFAULT notify_nova_on_port_data_changes true \
  keystone_authtoken memcached_servers localhost:11211 \
  keystone_authtoken www_authenticate_uri "http://$CONTROLLER:5000" \
  oslo_concurrency lock_path /var/lib/neutron/tmp
service_auth "$f" keystone_authtoken neutron
service_auth "$f" nova nova
f=/etc/neutron/plugins/ml2/ml2_conf.ini
ini "$f" ml2 type_drivers flat ml2 tenant_network_types '' ml2 mechanism_drivers '' \
  ml2 extension_drivers port_security,qos
# neutron 21 defines Port.port_forwardings only once a worker has run a
# query: until then every port listing (nova makes one per server) fails
# with HTTP 500. One API worker, and one query after each start.
ini /etc/neutron/neutron-api-uwsgi.ini uwsgi processes 1
cat >/usr/local/sbin/novaops-lab-neutron-warmup <<'SH'
#!/bin/sh
for _ in $(seq 90); do
  OS_CLOUD=lab openstack network list >/dev/null 2>&1 && exit 0
  sleep 2
done
exit 0
SH
chmod 0755 /usr/local/sbin/novaops-lab-neutron-warmup
mkdir -p /etc/systemd/system/neutron-api.service.d
printf '[Unit]\nAfter=keystone.service\n[Service]\nExecStartPost=+/usr/local/sbin/novaops-lab-neutron-warmup\n' \
  >/etc/systemd/system/neutron-api.service.d/novaops-lab.conf
systemctl daemon-reload
su -s /bin/sh neutron -c 'neutron-db-manage --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade head' >/dev/null

log "a tiny image and two flavors"
systemctl start glance-api placement-api nova-api
for _ in $(seq 90); do openstack image list >/dev/null 2>&1 && openstack flavor list >/dev/null 2>&1 && break; sleep 2; done
truncate -s 1M /tmp/tiny.img
os image create --public --disk-format raw --container-format bare --file /tmp/tiny.img tiny
rm -f /tmp/tiny.img
os flavor create --ram 64 --disk 1 --vcpus 1 --public tiny
os flavor create --ram 96 --disk 1 --vcpus 1 --public tiny.alt

log "services start at boot"
systemctl enable mariadb rabbitmq-server memcached keystone glance-api placement-api \
  nova-api nova-conductor nova-scheduler neutron-api neutron-rpc-server >/dev/null 2>&1
systemctl disable nova-api-metadata >/dev/null 2>&1 || true
log "controller ready"
