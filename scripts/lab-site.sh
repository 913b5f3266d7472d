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
ansible-playbook lab/summary.yml
echo
echo "Lab hosts: lab/lab.sh status    Inventory: inventories/lab/hosts.yml"
echo "Run again: ansible-playbook site.yml    Take the lab down: lab/lab.sh down"
