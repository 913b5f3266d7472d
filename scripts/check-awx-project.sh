#!/usr/bin/env bash
# Checks that a checkout works as an AWX/AAP project without scripts/setup.sh:
# in a fresh copy of the files git knows (no .cache, ANSIBLE_COLLECTIONS_PATH
# unset), novaops.console_migration resolves next to the playbooks
# (collections/ansible_collections), site.yml passes --syntax-check with the
# lab inventory and ansible-doc renders every module of plugins/modules.
# Needs the venv on PATH. Leaves the checkout untouched.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d /tmp/novaops-check-awx.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
COPY="$WORK/project"
COLL=novaops.console_migration

for tool in git rsync ansible-playbook ansible-doc; do
    command -v "$tool" >/dev/null 2>&1 || { echo "check-awx-project: $tool not on PATH" >&2; exit 1; }
done

mkdir -p "$COPY" "$WORK/home"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
    rsync -a --from0 --ignore-missing-args --files-from=- ./ "$COPY/") ||
    { echo "check-awx-project: copying the checkout failed" >&2; exit 1; }

unset ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS
export HOME="$WORK/home" ANSIBLE_CONFIG="$COPY/ansible.cfg" ANSIBLE_NOCOLOR=1
cd "$COPY" || exit 1
failures=()

if [ -e .cache ]; then
    failures+=(".cache is in the copy (it must stay untracked)")
fi
link=collections/ansible_collections/novaops/console_migration
if [ ! -L "$link" ] || [ "$(cd "$link" 2>/dev/null && pwd -P)" != "$(pwd -P)" ]; then
    failures+=("$link is not a link to the checkout's root")
fi

if ! ansible-playbook --syntax-check -i inventories/lab/hosts.yml site.yml >"$WORK/syntax.log" 2>&1; then
    cat "$WORK/syntax.log" >&2
    failures+=("ansible-playbook --syntax-check site.yml")
fi

# ansible-doc has no playbook: --playbook-dir gives it the copy's root.
for module in plugins/modules/*.py; do
    name=$(basename "$module" .py)
    [ "$name" = __init__ ] && continue
    out=$(ansible-doc --playbook-dir "$COPY" -t module "$COLL.$name" 2>&1)
    case $out in
        "> MODULE $COLL.$name "*) ;;
        *)
            printf '%s\n' "$out" >&2
            failures+=("ansible-doc $COLL.$name")
            ;;
    esac
done

if [ ${#failures[@]} -ne 0 ]; then
    printf 'check-awx-project: failed: %s\n' "${failures[@]}" >&2
    exit 1
fi
echo "check-awx-project: site.yml and every module of $COLL resolve from a fresh copy"
