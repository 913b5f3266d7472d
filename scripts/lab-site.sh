#!/usr/bin/env bash
# The main job: install what is needed, bring the lab up (or reuse it),
# run site.yml against it and print what was set up.
# Extra arguments go to ansible-playbook (for example --check --diff).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

scripts/setup.sh
export PATH="$ROOT/.venv/bin:$PATH"
export ANSIBLE_CONFIG="$ROOT/ansible.cfg"

lab/lab.sh up
ansible-playbook lab/prepare.yml
ansible-playbook site.yml "$@"
# Proof: console URLs answer, computes reach each other's libvirt, a canary
# domain live-migrates and, on the lab cloud, a Nova server's consoles answer
# through the proxies and it live-migrates there and back; one line per check.
ansible-playbook playbooks/verify.yml
echo
echo "Lab hosts (name, container, address):"
lab/lab.sh status
echo
echo "Inventory: inventories/lab/hosts.yml (group_vars there hold the lab's settings)"
echo "Run again: .venv/bin/ansible-playbook site.yml    Readiness report: .venv/bin/ansible-playbook playbooks/preflight.yml"
if [ "${NOVAOPS_LAB_CLOUD:-1}" != 0 ]; then
    echo "The cloud: podman exec -it ${NOVAOPS_LAB_PREFIX:-novaops-lab}-proxy1 openstack --os-cloud lab server list"
    echo "  (admin credentials in /etc/openstack/clouds.yaml there; tempest: scripts/check-tempest.sh)"
fi
echo "Take the lab down: lab/lab.sh down"
