#!/usr/bin/env bash
# Writes a tempest.conf for the lab cloud. Runs inside the controller
# (proxy1), where the cloud's names resolve:
#   bash lab/cloud/tempest-conf.sh OUT
# Facts come from the cloud itself: the admin credentials of cloud
# NOVAOPS_TEMPEST_CLOUD (lab) in clouds.yaml, the ids of the image
# NOVAOPS_TEMPEST_IMAGE (tiny) and of the flavors NOVAOPS_TEMPEST_FLAVOR
# (tiny) and NOVAOPS_TEMPEST_FLAVOR_ALT (tiny.alt), the services in the
# catalog, the compute API's newest microversion and the nova-compute
# services that are up. NOVAOPS_TEMPEST_BACK_AND_FORTH (true) migrates
# each server back to its first host as well.
# Exit 0 when written, 2 when a fact is missing (the message names it).
set -uo pipefail
OUT=${1:?usage: tempest-conf.sh OUT}

fail() {
    echo "tempest-conf: $*" >&2
    exit 2
}

facts=$(
    NOVAOPS_TEMPEST_CLOUD=${NOVAOPS_TEMPEST_CLOUD:-lab} \
        NOVAOPS_TEMPEST_IMAGE=${NOVAOPS_TEMPEST_IMAGE:-tiny} \
        NOVAOPS_TEMPEST_FLAVOR=${NOVAOPS_TEMPEST_FLAVOR:-tiny} \
        NOVAOPS_TEMPEST_FLAVOR_ALT=${NOVAOPS_TEMPEST_FLAVOR_ALT:-tiny.alt} \
        python3 - <<'EOF'
# Prints the facts as shell assignments; problems on stderr, exit 2.
import os
import shlex
import sys

import openstack

env = os.environ.get
problems = []


def out(name, value):
    # oslo.config expands $name: a literal $ is written $$
    print('%s=%s' % (name, shlex.quote(str(value).replace('$', '$$'))))


try:
    conn = openstack.connect(cloud=env('NOVAOPS_TEMPEST_CLOUD'))
    auth = conn.config.config['auth']
    conn.authorize()
except Exception as exc:
    sys.exit('cloud %s: %s' % (env('NOVAOPS_TEMPEST_CLOUD'), exc))


def domain_name(kind):
    name = auth.get('%s_domain_name' % kind)
    if name:
        return name
    dom_id = auth.get('%s_domain_id' % kind) or auth.get('domain_id') or 'default'
    return conn.identity.get_domain(dom_id).name


def facts():
    auth_url = auth['auth_url'].rstrip('/')
    if not auth_url.endswith('/v3'):
        auth_url += '/v3'
    out('AUTH_URL', auth_url)
    out('ADMIN_USER', auth['username'])
    out('ADMIN_PASSWORD', auth['password'])
    out('ADMIN_PROJECT', auth['project_name'])
    out('ADMIN_USER_DOMAIN', domain_name('user'))
    out('ADMIN_PROJECT_DOMAIN', domain_name('project'))
    out('REGION', conn.config.get_region_name() or 'RegionOne')

    types = {s.type for s in conn.identity.services() if s.is_enabled}
    for opt, stype in (('NOVA', 'compute'), ('GLANCE', 'image'),
                       ('NEUTRON', 'network'), ('CINDER', 'volumev3'),
                       ('SWIFT', 'object-store')):
        out('HAS_' + opt, str(stype in types).lower())
    for needed in ('compute', 'image', 'placement'):
        if needed not in types:
            problems.append('no %s service in the catalog' % needed)

    image = conn.image.find_image(env('NOVAOPS_TEMPEST_IMAGE'))
    if image is None:
        problems.append('no image named %s' % env('NOVAOPS_TEMPEST_IMAGE'))
    else:
        if image.status != 'active':
            problems.append('image %s is %s, not active' % (image.name, image.status))
        out('IMAGE_ID', image.id)
        print('# image %s: %s, %s bytes' % (image.id, image.disk_format, image.size),
              file=sys.stderr)
    for var, name in (('FLAVOR_ID', env('NOVAOPS_TEMPEST_FLAVOR')),
                      ('FLAVOR_ALT_ID', env('NOVAOPS_TEMPEST_FLAVOR_ALT'))):
        flavor = conn.compute.find_flavor(name)
        if flavor is None:
            problems.append('no flavor named %s' % name)
            continue
        out(var, flavor.id)
        print('# flavor %s (%s): %s vCPU, %s MiB, %s GiB disk' % (
            name, flavor.id, flavor.vcpus, flavor.ram, flavor.disk), file=sys.stderr)
        if not flavor.disk:
            # policy os_compute_api:servers:create:zero_disk_flavor: admin only
            problems.append('flavor %s has a 0 GiB disk: nova refuses image-backed '
                            'servers of such flavors to non-admin users' % name)
        elif image is not None and image.size and image.size > flavor.disk * 1024 ** 3:
            problems.append('flavor %s: disk %s GiB is smaller than image %s'
                            % (name, flavor.disk, image.name))

    computes = [s.host for s in conn.compute.services()
                if s.binary == 'nova-compute' and s.state == 'up' and s.status == 'enabled']
    print('# nova-compute up and enabled: %s' % (' '.join(sorted(computes)) or 'none'),
          file=sys.stderr)
    if len(computes) < 2:
        problems.append('live migration needs 2 nova-compute services up and '
                        'enabled, found %d' % len(computes))

    try:
        data = conn.compute.get_endpoint_data()
        maxv = data.max_microversion
        out('MAX_MICROVERSION', '%d.%d' % tuple(maxv[:2]) if maxv else 'latest')
    except Exception:
        out('MAX_MICROVERSION', 'latest')

    if 'network' in types:
        # nova asks neutron for the project's networks on every boot. The
        # tests name no network (none for 2.37+, none chosen before): one
        # network visible to every project is taken, two fail the boot.
        try:
            shared = [n.name for n in conn.network.networks(is_shared=True)]
        except Exception as exc:
            problems.append('the network service does not answer: %s' % exc)
            shared = []
        if shared:
            print('# warning: shared networks %s: servers of the tests attach to them'
                  % ', '.join(shared), file=sys.stderr)


try:
    facts()
except Exception as exc:
    problems.append('asking the cloud failed: %s' % exc)

for problem in problems:
    print('tempest-conf: %s' % problem, file=sys.stderr)
sys.exit(2 if problems else 0)
EOF
) || fail "facts of the cloud are missing (see above)"
eval "$facts"

BACK_AND_FORTH=${NOVAOPS_TEMPEST_BACK_AND_FORTH:-true}
TLS_INSECURE=false
case $AUTH_URL in https:*) TLS_INSECURE=true ;; esac

mkdir -p "$(dirname "$OUT")" || fail "cannot create $(dirname "$OUT")"
cat >"$OUT" <<EOF || fail "cannot write $OUT"
# Lab cloud: no networks for instances, no shared storage, no volumes.
[DEFAULT]
debug = true

[auth]
use_dynamic_credentials = true
# Instances boot without networks: no project network, subnet or router.
create_isolated_networks = false
admin_username = $ADMIN_USER
admin_password = $ADMIN_PASSWORD
admin_project_name = $ADMIN_PROJECT
admin_domain_name = $ADMIN_USER_DOMAIN
admin_user_domain_name = $ADMIN_USER_DOMAIN
admin_project_domain_name = $ADMIN_PROJECT_DOMAIN
default_credentials_domain_name = $ADMIN_PROJECT_DOMAIN

[identity]
uri_v3 = $AUTH_URL
auth_version = v3
region = $REGION
v3_endpoint_type = public
disable_ssl_certificate_validation = $TLS_INSECURE

[identity-feature-enabled]
api_v2 = false
api_v3 = true

[service_available]
nova = $HAS_NOVA
glance = $HAS_GLANCE
neutron = $HAS_NEUTRON
cinder = $HAS_CINDER
swift = $HAS_SWIFT
horizon = false

[compute]
region = $REGION
endpoint_type = publicURL
image_ref = $IMAGE_ID
image_ref_alt = $IMAGE_ID
flavor_ref = $FLAVOR_ID
flavor_ref_alt = $FLAVOR_ALT_ID
min_compute_nodes = 2
max_microversion = $MAX_MICROVERSION
# QEMU TCG: slow boots and block migrations
build_timeout = 600

[compute-feature-enabled]
vnc_console = true
spice_console = false
# The serial console test (LiveMigrationRemoteConsolesV26Test) is not run.
serial_console = false
live_migration = true
# No shared instance storage: disks are copied (block migration).
block_migration_for_live_migration = true
live_migrate_back_and_forth = $BACK_AND_FORTH
can_migrate_between_any_hosts = true
volume_backed_live_migration = false
block_migrate_cinder_iscsi = false
pause = true

[image]
region = $REGION

[image-feature-enabled]
api_v2 = true
api_v1 = false

[network]
region = $REGION

[placement]
region = $REGION

[validation]
# Instances have no network: nothing to ping or ssh into.
run_validation = false
EOF
chmod 600 "$OUT"
echo "tempest-conf: wrote $OUT (region $REGION, image $IMAGE_ID, flavors $FLAVOR_ID $FLAVOR_ALT_ID, compute API up to $MAX_MICROVERSION)"
