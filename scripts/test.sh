#!/usr/bin/env bash
# Every test: install what is needed, then unit tests, ansible-lint
# (production profile), build + offline install + ansible-doc of the
# collection, ansible-test sanity, and every molecule scenario on the lab.
# NOVAOPS_TEST_STEPS="unit lint build sanity molecule" picks steps;
# NOVAOPS_MOLECULE_SCENARIOS="default" picks scenarios.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

"$ROOT/scripts/setup.sh" || exit 1
export PATH="$ROOT/.venv/bin:$PATH"
export ANSIBLE_CONFIG="$ROOT/ansible.cfg"
COLL="$ROOT/.cache/collections/ansible_collections/novaops/console_migration"
WORK=$(mktemp -d /tmp/novaops-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

STEPS=${NOVAOPS_TEST_STEPS:-unit lint build sanity molecule}
passed=0
failed=0
failures=()

run_step() {
    local name=$1
    shift
    printf '\n===== %s =====\n' "$name"
    local start=$SECONDS
    if "$@"; then
        passed=$((passed + 1))
        printf '===== %s: ok (%ss)\n' "$name" $((SECONDS - start))
    else
        failed=$((failed + 1))
        failures+=("$name")
        printf '===== %s: FAILED (%ss)\n' "$name" $((SECONDS - start))
    fi
}

step_unit() {
    (cd "$COLL" && python -m pytest -q -p no:cacheprovider tests/unit)
}

step_lint() {
    ansible-lint --profile production
}

# Build the Galaxy tarball, install it into an empty collections path
# without contacting Galaxy, and render the module docs from there.
step_build() {
    local dist="$WORK/dist" cpath="$WORK/installed"
    mkdir -p "$dist" "$cpath"
    printf '[defaults]\n' >"$WORK/ansible.cfg"
    ansible-galaxy collection build --force --output-path "$dist" . || return 1
    (
        cd "$WORK" || exit 1
        export ANSIBLE_CONFIG="$WORK/ansible.cfg" ANSIBLE_COLLECTIONS_PATH="$cpath"
        ansible-galaxy collection install --offline -p "$cpath" "$dist"/novaops-console_migration-*.tar.gz &&
            ansible-doc novaops.console_migration.nova_config >"$WORK/doc.txt" &&
            grep -q 'nova.conf' "$WORK/doc.txt" &&
            ansible-playbook -i "$ROOT/inventories/lab/hosts.yml" --syntax-check novaops.console_migration.site
    )
}

# ansible-test wants the collection at ansible_collections/NS/NAME: copy the
# files git knows (tracked and new, not ignored) there. Its sanity venvs
# bootstrap pip from outside the package registries, so an ensurepip-based
# stand-in is put in its cache first.
step_sanity() {
    local dest="$WORK/sanity/ansible_collections/novaops/console_migration"
    local pyver pipver cache
    pyver=$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    pipver=$(grep -ho "pip='[0-9.]*'" "$(python -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')"/_internal/python_requirements.py | head -n1 | tr -dc '0-9.')
    cache="$HOME/.ansible/test/cache/get_pip_${pipver//./_}.py"
    mkdir -p "$(dirname "$cache")"
    [ -s "$cache" ] || cp tests/sanity/get_pip_offline.py "$cache"
    mkdir -p "$dest"
    git ls-files -z --cached --others --exclude-standard |
        rsync -a --from0 --files-from=- ./ "$dest/"
    (cd "$dest" && ansible-test sanity --color no --python "$pyver")
}

step_molecule() {
    local scenarios=${NOVAOPS_MOLECULE_SCENARIOS:-}
    if [ -z "$scenarios" ]; then
        for f in molecule/*/molecule.yml; do
            scenarios+=" $(basename "$(dirname "$f")")"
        done
    fi
    local rc=0
    for s in $scenarios; do
        molecule test -s "$s" || rc=1
    done
    return $rc
}

for step in $STEPS; do
    run_step "$step" "step_$step"
done

echo
[ ${#failures[@]} -eq 0 ] || echo "failed steps: ${failures[*]}"
echo "checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
