#!/usr/bin/env bash
# Runs tempest's noVNC console and live migration tests against the lab
# cloud, inside the lab's proxy1 (the controller, where the cloud's names
# and console URLs resolve):
#   scripts/check-tempest.sh [PREFIX]     # PREFIX: $NOVAOPS_LAB_PREFIX or novaops-lab
# Installs Debian's python3-tempest in PREFIX-proxy1 if missing, writes
# tempest.conf from the cloud's facts (lab/cloud/tempest-conf.sh), makes a
# fresh tempest workspace in /var/lib/novaops-tempest/ws and runs exactly
# the tests below, one at a time. Every chosen test must pass: one that
# fails, is skipped or does not run fails the check.
# NOVAOPS_TEMPEST_CLOUD (lab), NOVAOPS_TEMPEST_IMAGE (tiny),
# NOVAOPS_TEMPEST_FLAVOR (tiny), NOVAOPS_TEMPEST_FLAVOR_ALT (tiny.alt),
# NOVAOPS_TEMPEST_BACK_AND_FORTH (true: migrate back to the first host too),
# NOVAOPS_TEMPEST_TIMEOUT (2700 s for the run).
# Exit 0: every chosen test passed; 1: a chosen test failed, was skipped
# or did not run; 2: the lab, the cloud or tempest could not be set up.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PREFIX=${1:-${NOVAOPS_LAB_PREFIX:-novaops-lab}}
PROXY=$PREFIX-proxy1
CLOUD=${NOVAOPS_TEMPEST_CLOUD:-lab}
TIMEOUT=${NOVAOPS_TEMPEST_TIMEOUT:-2700}
BASE=/var/lib/novaops-tempest

# The tests that this cloud (two QEMU/TCG computes, no shared storage, no
# volumes, instances without networks) can run. Left out of the same
# classes: volume-backed and volume-attached migration (cinder), migration
# with a trunk port (neutron networking), and the serial console migration
# test (its websocket helper sends str frames: it cannot pass on Python 3).
TESTS=(
    tempest.api.compute.servers.test_novnc.NoVNCConsoleTestJSON.test_novnc
    tempest.api.compute.servers.test_novnc.NoVNCConsoleTestJSON.test_novnc_bad_token
    tempest.api.compute.admin.test_live_migration.LiveMigrationTest.test_live_block_migration
    tempest.api.compute.admin.test_live_migration.LiveMigrationTest.test_live_block_migration_paused
    tempest.api.compute.admin.test_live_migration.LiveAutoBlockMigrationV225Test.test_live_block_migration
    tempest.api.compute.admin.test_live_migration.LiveAutoBlockMigrationV225Test.test_live_block_migration_paused
)

fail() {
    echo "check-tempest: $*" >&2
    exit 2
}

in_proxy() {
    podman exec -i "$PROXY" "$@"
}

command -v podman >/dev/null 2>&1 || fail "podman not found (scripts/setup.sh installs it)"
[ "$(podman container inspect -f '{{.State.Running}}' "$PROXY" 2>/dev/null)" = true ] ||
    fail "container $PROXY is not running (lab/lab.sh up, then the cloud)"
in_proxy test -s /etc/openstack/clouds.yaml ||
    fail "$PROXY has no /etc/openstack/clouds.yaml: the cloud is not set up"
in_proxy openstack --os-cloud "$CLOUD" token issue -f value -c id >/dev/null ||
    fail "cloud $CLOUD does not answer from $PROXY (openstack --os-cloud $CLOUD token issue failed)"

# tempest from Debian (python3-tempest 33 in bookworm); the hosts' apt
# lists may be empty.
if ! in_proxy sh -c 'command -v tempest && command -v stestr' >/dev/null; then
    echo "check-tempest: installing python3-tempest in $PROXY"
    in_proxy bash -c '
        export DEBIAN_FRONTEND=noninteractive
        apt_get() { apt-get -q -y -o DPkg::Lock::Timeout=300 "$@"; }
        ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1 || apt_get update
        apt_get install python3-tempest || { apt_get update && apt_get install python3-tempest; }
    ' >/tmp/novaops-tempest-install.log 2>&1 ||
        { tail -n 20 /tmp/novaops-tempest-install.log >&2; fail "apt-get install python3-tempest failed in $PROXY"; }
fi
version=$(in_proxy dpkg-query -W -f "\${Version}" python3-tempest 2>/dev/null)
echo "check-tempest: tempest ${version:-?} in $PROXY"

in_proxy mkdir -p "$BASE/conf" || fail "cannot create $BASE in $PROXY"
podman cp "$ROOT/lab/cloud/tempest-conf.sh" "$PROXY:$BASE/tempest-conf.sh" ||
    fail "cannot copy lab/cloud/tempest-conf.sh into $PROXY"
in_proxy env NOVAOPS_TEMPEST_CLOUD="$CLOUD" \
    NOVAOPS_TEMPEST_IMAGE="${NOVAOPS_TEMPEST_IMAGE:-tiny}" \
    NOVAOPS_TEMPEST_FLAVOR="${NOVAOPS_TEMPEST_FLAVOR:-tiny}" \
    NOVAOPS_TEMPEST_FLAVOR_ALT="${NOVAOPS_TEMPEST_FLAVOR_ALT:-tiny.alt}" \
    NOVAOPS_TEMPEST_BACK_AND_FORTH="${NOVAOPS_TEMPEST_BACK_AND_FORTH:-true}" \
    bash "$BASE/tempest-conf.sh" "$BASE/conf/tempest.conf" </dev/null ||
    fail "no tempest.conf: the cloud lacks what the tests need (above)"

# One anchored regex a test: test_novnc must not also pick test_novnc_bad_token.
for t in "${TESTS[@]}"; do
    printf '^%s(\\[|$)\n' "${t//./\\.}"
done | in_proxy sh -c "cat >'$BASE/include-list.txt'" || fail "cannot write the include list in $PROXY"

in_proxy bash -c "
    rm -rf '$BASE/ws' '$BASE/workspace.yaml' '$BASE/results.subunit' &&
    tempest init --config-dir '$BASE/conf' --workspace-path '$BASE/workspace.yaml' '$BASE/ws'
" >/tmp/novaops-tempest-init.log 2>&1 ||
    { tail -n 20 /tmp/novaops-tempest-init.log >&2; fail "tempest init failed in $PROXY"; }

NOVA_API_LOG=/var/log/nova/nova-api.log
RABBIT_LOG=/var/log/rabbitmq/rabbit@proxy1.log
log_lines() { in_proxy sh -c "wc -l <'$1' 2>/dev/null || echo 0" </dev/null; }
api_from=$(log_lines "$NOVA_API_LOG")
rabbit_from=$(log_lines "$RABBIT_LOG")

# What the controller's logs say of a failed run: RPC calls of nova-api
# (get_vnc_console, live migration before 2.34) that got no reply, and
# RabbitMQ connections of uwsgi workers closed for missed heartbeats (an
# eventlet-patched API under uwsgi needs [oslo_messaging_rabbit]
# heartbeat_in_pthread = true).
diagnose() {
    local n
    n=$(in_proxy sh -c "tail -n +$((api_from + 1)) '$NOVA_API_LOG' | grep -c 'MessagingTimeout: Timed out waiting for a reply'" </dev/null)
    [ "${n:-0}" -gt 0 ] || return 0
    echo "check-tempest: cloud: nova-api got no reply to $n RPC calls during the run (MessagingTimeout in $NOVA_API_LOG)" >&2
    in_proxy sh -c "tail -n +$((rabbit_from + 1)) '$RABBIT_LOG' | grep -B1 'missed heartbeats' | grep -o '([^)]*uwsgi[^)]*)' | sort -u" </dev/null |
        sed 's/^/check-tempest: cloud: RabbitMQ closed a uwsgi connection for missed heartbeats: /' >&2
}

echo "check-tempest: running ${#TESTS[@]} tests in $PROXY (concurrency 1, at most ${TIMEOUT}s)"
start=$SECONDS
in_proxy bash -c "cd '$BASE/ws' && timeout '$TIMEOUT' tempest run --config-file '$BASE/ws/etc/tempest.conf' --concurrency 1 --include-list '$BASE/include-list.txt'" </dev/null
rc=$?
echo "check-tempest: tempest run exited $rc after $((SECONDS - start))s"
[ "$rc" -eq 124 ] && echo "check-tempest: tempest run timed out after ${TIMEOUT}s" >&2
in_proxy bash -c "cd '$BASE/ws' && stestr last --subunit >'$BASE/results.subunit'" </dev/null ||
    fail "tempest recorded no results (tempest run exited $rc; log: $BASE/ws/logs/tempest.log in $PROXY)"

# Each chosen test: passed, failed, skipped or not run, and why.
in_proxy python3 - "$BASE/results.subunit" "${TESTS[@]}" <<'EOF'
import re
import sys

import subunit
import testtools

path, chosen = sys.argv[1], sys.argv[2:]
records = []
with open(path, 'rb') as stream:
    result = testtools.StreamToDict(records.append)
    result.startTestRun()
    subunit.ByteStreamToStreamResult(stream, non_subunit_name='stdout').run(result)
    result.stopTestRun()
records = [r for r in records if r['id']]


def name(test_id):
    return re.sub(r'\[.*\]$', '', test_id)


def detail(record, *keys, lines=25):
    for key in keys:
        content = record['details'].get(key)
        if content is not None:
            text = content.as_text().strip().splitlines()
            return '\n        '.join(text[-lines:])
    return ''


def seconds(record):
    stamps = [s for s in record['timestamps'] if s is not None]
    return ' (%.0fs)' % (stamps[-1] - stamps[0]).total_seconds() if len(stamps) == 2 else ''


passed, failed, skipped = [], [], []
for test in chosen:
    found = [r for r in records if name(r['id']) == test]
    if found:
        rec = found[-1]
        status = rec['status']
        if status in ('success', 'xfail'):
            passed.append(test)
            print('PASS     %s%s' % (test, seconds(rec)))
        elif status == 'skip':
            skipped.append(test)
            print('SKIPPED  %s: %s' % (test, detail(rec, 'reason') or 'no reason given'))
        else:
            failed.append(test)
            print('FAILED   %s%s (%s)\n        %s' % (
                test, seconds(rec), status, detail(rec, 'traceback', 'reason')))
        continue
    # A class whose setup skips or fails reports setUpClass, not its tests.
    cls = test.rsplit('.', 1)[0]
    holders = [r for r in records if re.search(re.escape(cls) + r'(\)|$)', r['id'])]
    if holders and holders[-1]['status'] == 'skip':
        skipped.append(test)
        print('NOT RUN  %s: class skipped: %s' % (test, detail(holders[-1], 'reason')))
    elif holders:
        failed.append(test)
        print('NOT RUN  %s: %s %s\n        %s' % (
            test, holders[-1]['id'], holders[-1]['status'],
            detail(holders[-1], 'traceback', 'reason')))
    else:
        skipped.append(test)
        print('NOT RUN  %s: not in the results (not found, or the run was cut short)' % test)

print('tempest: %d passed, %d failed, %d skipped' % (len(passed), len(failed), len(skipped)))
sys.exit(1 if failed or skipped else 0)
EOF
status=$?
case $status in
    0) echo "check-tempest: all ${#TESTS[@]} chosen tests passed" ;;
    1)
        diagnose
        echo "check-tempest: FAILED: a chosen test failed, was skipped or did not run (log: $BASE/ws/logs/tempest.log in $PROXY)" >&2
        ;;
    *) fail "reading the results failed ($BASE/results.subunit in $PROXY)" ;;
esac
exit "$status"
