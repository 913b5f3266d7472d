#!/usr/bin/env bash
# Every test: install what is needed, then unit tests, ansible-lint
# (production profile), build + offline install + ansible-doc of the
# collection, the Galaxy import and release docs, the execution environment
# context, the AWX-style checkout, ansible-test sanity, and every molecule
# scenario on the lab.
# NOVAOPS_TEST_STEPS="unit lint build galaxy ee awx sanity molecule" picks steps;
# NOVAOPS_MOLECULE_SCENARIOS="default" picks scenarios.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

"$ROOT/scripts/setup.sh" || exit 1
export PATH="$ROOT/.venv/bin:$PATH"
export ANSIBLE_CONFIG="$ROOT/ansible.cfg"
COLL="$ROOT/collections/ansible_collections/novaops/console_migration"
WORK=$(mktemp -d /tmp/novaops-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

STEPS=${NOVAOPS_TEST_STEPS:-unit lint build galaxy ee awx sanity molecule}
passed=0
failed=0
failures=()
times=()

run_step() {
    local name=$1
    shift
    printf '\n===== %s =====\n' "$name"
    local start=$SECONDS
    if "$@"; then
        passed=$((passed + 1))
        times+=("$(printf '%-10s ok     %5ss' "$name" $((SECONDS - start)))")
        printf '===== %s: ok (%ss)\n' "$name" $((SECONDS - start))
    else
        failed=$((failed + 1))
        failures+=("$name")
        times+=("$(printf '%-10s FAILED %5ss' "$name" $((SECONDS - start)))")
        printf '===== %s: FAILED (%ss)\n' "$name" $((SECONDS - start))
    fi
}

step_unit() {
    (cd "$COLL" && python -m pytest -q -p no:cacheprovider tests/unit)
}

step_lint() {
    ansible-lint --profile production
}

# The Galaxy tarball, built once per run.
TARBALL=
tarball() {
    [ -n "$TARBALL" ] && [ -f "$TARBALL" ] && return 0
    mkdir -p "$WORK/dist"
    ansible-galaxy collection build --force --output-path "$WORK/dist" . >/dev/null || return 1
    TARBALL=$(ls "$WORK"/dist/novaops-console_migration-*.tar.gz)
}

# What only a checkout needs: the lab, tests, scripts, changelog fragments.
DEV_ONLY='^(\.ci|\.cache|\.venv|collections|lab|molecule|scripts|tests|inventories/lab|changelogs/fragments)(/|$)|^(site\.yml|ansible\.cfg|execution-environment\.yml|requirements-dev\.txt|\.ansible-lint|\.yamllint|\.gitignore)$'

# Build the Galaxy tarball without dev-only files, install it into an empty
# collections path without contacting Galaxy, render every module's and
# role's docs from there and syntax-check its site playbook.
step_build() {
    local cpath="$WORK/installed" dev m r
    tarball || return 1
    dev=$(tar -tzf "$TARBALL" | sed 's#^\./##; s#/$##' | grep -E "$DEV_ONLY")
    if [ -n "$dev" ]; then
        echo "dev-only files in $(basename "$TARBALL"):"
        printf '%s\n' "$dev" | sed 's/^/  /'
        return 1
    fi
    mkdir -p "$cpath"
    printf '[defaults]\n' >"$WORK/ansible.cfg"
    (
        cd "$WORK" || exit 1
        export ANSIBLE_CONFIG="$WORK/ansible.cfg" ANSIBLE_COLLECTIONS_PATH="$cpath"
        ansible-galaxy collection install --offline -p "$cpath" "$TARBALL" || exit 1
        for m in "$ROOT"/plugins/modules/*.py; do
            m=$(basename "$m" .py)
            if ! ansible-doc "novaops.console_migration.$m" >"$WORK/doc.txt" 2>&1 ||
                ! grep -q "novaops.console_migration.$m" "$WORK/doc.txt"; then
                echo "ansible-doc novaops.console_migration.$m failed:"
                cat "$WORK/doc.txt"
                exit 1
            fi
        done
        for r in "$ROOT"/roles/*/; do
            r=$(basename "$r")
            if ! ansible-doc -t role "novaops.console_migration.$r" >"$WORK/doc.txt" 2>&1 ||
                ! grep -q 'ENTRY POINT: .*main' "$WORK/doc.txt"; then
                echo "ansible-doc -t role novaops.console_migration.$r failed:"
                cat "$WORK/doc.txt"
                exit 1
            fi
        done
        ansible-playbook -i "$ROOT/inventories/lab/hosts.yml" --syntax-check novaops.console_migration.site
    )
}

# galaxy-importer as Galaxy runs it (ansible-lint on, ansible-test off):
# no error and no warning; then the collection docs lint and the changelog
# as a release renders it.
step_galaxy() {
    local out="$WORK/galaxy-importer.log"
    tarball || return 1
    printf '[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nRUN_ANSIBLE_LINT = True\n' >"$WORK/galaxy-importer.cfg"
    # (it writes importer_result.json into the current directory)
    if ! (cd "$WORK" && GALAXY_IMPORTER_CONFIG="$WORK/galaxy-importer.cfg" python -m galaxy_importer.main "$TARBALL") >"$out" 2>&1 ||
        grep -qE '^(WARNING|ERROR)' "$out"; then
        cat "$out"
        echo "galaxy-importer: the import failed or warned"
        return 1
    fi
    grep -q 'Linting collection via ansible-lint' "$out" || { cat "$out"; echo "galaxy-importer did not run ansible-lint"; return 1; }
    scripts/check-release-docs.sh "$ROOT"
}

# ansible-builder's context for the execution environment names the
# collection, its collection dependencies and its Python requirements.
step_ee() {
    scripts/check-ee.sh
}

# A checkout used as an AWX/AAP project resolves the collection without
# scripts/setup.sh.
step_awx() {
    scripts/check-awx-project.sh
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
    # not collections/: its link to the checkout's root is no file of the collection
    git ls-files -z --cached --others --exclude-standard |
        grep -zv '^collections/' |
        rsync -a --from0 --ignore-missing-args --files-from=- ./ "$dest/"
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
    local t r
    for s in $scenarios; do
        t=$SECONDS r=ok
        molecule test -s "$s" || { rc=1; r=FAILED; }
        times+=("$(printf '%-10s %-6s %5ss  (scenario %s)' molecule "$r" $((SECONDS - t)) "$s")")
    done
    return $rc
}

for step in $STEPS; do
    run_step "$step" "step_$step"
done

echo
echo "step times:"
printf '  %s\n' "${times[@]}"
[ ${#failures[@]} -eq 0 ] || echo "failed steps: ${failures[*]}"
echo "checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
