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
# domain live-migrates; ends with one line per check.
ansible-playbook playbooks/verify.yml
echo
echo "Lab hosts (name, container, address):"
lab/lab.sh status
echo
echo "Inventory: inventories/lab/hosts.yml (group_vars there hold the lab's settings)"
echo "Run again: .venv/bin/ansible-playbook site.yml    Readiness report: .venv/bin/ansible-playbook playbooks/preflight.yml"
echo "The cloud: podman exec novaops-lab-proxy1 openstack --os-cloud lab server list"
echo "Take the lab down: lab/lab.sh down"
