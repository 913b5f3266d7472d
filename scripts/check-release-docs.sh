#!/usr/bin/env bash
# Release documentation checks, on a temporary copy of the collection (the
# checkout is never written to):
#   1. antsibull-docs lint-collection-docs --plugin-docs is clean;
#   2. antsibull-changelog lint is clean;
#   3. antsibull-changelog release for galaxy.yml's version succeeds, and the
#      rendered changelog.yaml and CHANGELOG.rst list every module, filter,
#      role and playbook of the tree exactly once;
#   4. every version_added of the plugins and role argument specs equals
#      galaxy.yml's version (first release) or names a released version.
# Usage: scripts/check-release-docs.sh [REPO_ROOT]  (default: this checkout)
# Needs antsibull-docs, antsibull-changelog, ansible-doc and python3 with
# PyYAML on PATH (the project venv).
set -uo pipefail

ROOT=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd) || exit 2
PYTHON=${PYTHON:-python3}

die() {
    printf 'check-release-docs: %s\n' "$*" >&2
    exit 1
}

[ -f "$ROOT/galaxy.yml" ] || die "$ROOT has no galaxy.yml"
for tool in antsibull-docs antsibull-changelog ansible-doc "$PYTHON"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH (activate the venv: export PATH=$ROOT/.venv/bin:\$PATH)"
done
"$PYTHON" -c 'import yaml' 2>/dev/null || die "$PYTHON has no PyYAML (use the venv's python)"

read -r NAMESPACE NAME VERSION < <("$PYTHON" - "$ROOT/galaxy.yml" <<'EOF'
import sys, yaml
g = yaml.safe_load(open(sys.argv[1]))
print(g.get('namespace', ''), g.get('name', ''), g.get('version', ''))
EOF
)
[ -n "${VERSION:-}" ] || die "galaxy.yml: no namespace, name or version"

WORK=$(mktemp -d /tmp/check-release-docs.XXXXXX) || die "mktemp failed"
trap 'rm -rf "$WORK"' EXIT
COPY="$WORK/ansible_collections/$NAMESPACE/$NAME"
mkdir -p "$COPY"

# The files git knows (tracked and new, not ignored, deleted ones skipped),
# else everything but the VCS, venv and cache directories.
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (
        cd "$ROOT" || exit 1
        git ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' f; do
                if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
            done |
            tar -c --null --no-recursion -T - -f -
    ) | tar -x -C "$COPY" || die "cannot copy $ROOT to $COPY"
else
    tar -C "$ROOT" --exclude=./.git --exclude=./.venv --exclude=./.cache -c -f - . |
        tar -x -C "$COPY" || die "cannot copy $ROOT to $COPY"
fi

# A neutral configuration: the copy is the only novaops collection found.
printf '[defaults]\n' >"$WORK/ansible.cfg"
export ANSIBLE_CONFIG="$WORK/ansible.cfg" ANSIBLE_COLLECTIONS_PATH="$WORK"
export ANSIBLE_NOCOLOR=1 ANSIBLE_LOCAL_TEMP="$WORK/tmp" ANSIBLE_HOME="$WORK/home"

failed=0
fail() {
    printf 'check-release-docs: FAILED: %s\n' "$*" >&2
    failed=1
}

# Ansible's warning about its own internal collection is no finding.
noise() { grep -v "ansible/_protomatter' does not have a MANIFEST.json" || true; }

echo "== antsibull-docs lint-collection-docs --plugin-docs"
out=$(cd "$WORK" && antsibull-docs lint-collection-docs --plugin-docs "$COPY" 2>&1)
rc=$?
out=$(printf '%s' "$out" | noise | sed "s|$COPY/||g")
[ -n "$out" ] && printf '%s\n' "$out"
if [ "$rc" -ne 0 ] || [ -n "$out" ]; then fail "antsibull-docs lint-collection-docs reported problems (rc $rc)"; fi

echo "== antsibull-changelog lint"
out=$(cd "$COPY" && antsibull-changelog lint 2>&1)
rc=$?
out=$(printf '%s' "$out" | noise)
[ -n "$out" ] && printf '%s\n' "$out"
if [ "$rc" -ne 0 ] || [ -n "$out" ]; then fail "antsibull-changelog lint reported problems (rc $rc)"; fi

echo "== antsibull-changelog release --version $VERSION (in a copy)"
out=$(cd "$COPY" && antsibull-changelog release --version "$VERSION" 2>&1)
rc=$?
out=$(printf '%s' "$out" | noise)
[ -n "$out" ] && printf '%s\n' "$out"
# A fragment adding an object the tree already documents is a second listing.
if printf '%s' "$out" | grep -q 'Ignore adding'; then
    fail "a changelog fragment adds a plugin or object that is already listed (see the warnings above)"
fi
if [ "$rc" -ne 0 ]; then
    fail "antsibull-changelog release failed (rc $rc)"
else
    echo "== changelog contents and version_added"
    "$PYTHON" - "$COPY" "$ROOT" "$NAMESPACE.$NAME" "$VERSION" <<'EOF' || fail "changelog or version_added check"
import ast, glob, os, re, sys
import yaml

copy, root, fqcn, version = sys.argv[1:5]
errors = []


def rel(path):
    return os.path.relpath(path, copy)


def stems(pattern):
    return sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(copy, pattern))
                  if os.path.basename(p) != '__init__.py')


def walk_version_added(node, where, out):
    """Every version_added in a docs tree, with where it is."""
    if isinstance(node, dict):
        value = node.get('version_added')
        if isinstance(value, (str, int, float)):
            out.append((where, str(value)))
        for key, sub in node.items():
            if isinstance(sub, (dict, list)):
                walk_version_added(sub, '%s.%s' % (where, key), out)
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            walk_version_added(sub, '%s[%d]' % (where, i), out)


def plugin_docs(path):
    """DOCUMENTATION and RETURN of a plugin file, parsed without importing it."""
    found = {}
    tree = ast.parse(open(path, 'rb').read(), path)
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) \
                and isinstance(stmt.value.value, str):
            for target in stmt.targets:
                if isinstance(target, ast.Name) and target.id in ('DOCUMENTATION', 'RETURN'):
                    found[target.id] = yaml.safe_load(stmt.value.value)
    return found


# -- what the tree has ---------------------------------------------------------------
expected = {
    'module': stems('plugins/modules/*.py'),
    'filter': stems('plugins/filter/*.py'),
    'role': sorted(os.path.basename(os.path.dirname(p)) for p in glob.glob(os.path.join(copy, 'roles/*/'))),
    'playbook': stems('playbooks/*.yml'),
}

# -- version_added --------------------------------------------------------------------
changes = yaml.safe_load(open(os.path.join(copy, 'changelogs/changelog.yaml'))) or {}
releases = changes.get('releases') or {}
earlier = set(str(v) for v in releases) - {version}
allowed = {version} | earlier
stated = {}          # (type, name) -> top-level version_added
found = []
skip_dirs = {'module_utils', 'doc_fragments', 'plugin_utils', 'action'}  # action plugins: documented by their module file
for path in sorted(glob.glob(os.path.join(copy, 'plugins/*/*.py'))):
    ptype = os.path.basename(os.path.dirname(path))
    if ptype in skip_dirs or os.path.basename(path) == '__init__.py':
        continue
    kind = 'module' if ptype == 'modules' else ptype
    name = os.path.splitext(os.path.basename(path))[0]
    try:
        docs = plugin_docs(path)
    except (SyntaxError, yaml.YAMLError) as err:
        errors.append('%s: cannot read the documentation: %s' % (rel(path), err))
        continue
    doc = docs.get('DOCUMENTATION')
    if not isinstance(doc, dict):
        errors.append('%s: no DOCUMENTATION' % rel(path))
        continue
    if 'version_added' not in doc:
        errors.append('%s: DOCUMENTATION has no version_added (expected %s)' % (rel(path), version))
    stated[(kind, name)] = str(doc.get('version_added'))
    for block in ('DOCUMENTATION', 'RETURN'):
        walk_version_added(docs.get(block), '%s:%s' % (rel(path), block), found)
for role in expected['role']:
    spec_path = os.path.join(copy, 'roles', role, 'meta', 'argument_specs.yml')
    if not os.path.exists(spec_path):
        errors.append('roles/%s: no meta/argument_specs.yml (the changelog cannot list the role)' % role)
        continue
    specs = (yaml.safe_load(open(spec_path)) or {}).get('argument_specs') or {}
    for entry, spec in specs.items():
        if not isinstance(spec, dict) or 'version_added' not in spec:
            errors.append('%s: entry point %s has no version_added (expected %s)' % (rel(spec_path), entry, version))
        elif entry == 'main':
            stated[('role', role)] = str(spec['version_added'])
    walk_version_added(specs, '%s:argument_specs' % rel(spec_path), found)
for where, value in found:
    if not earlier and value != version:
        errors.append('%s: version_added %s, galaxy.yml says version %s' % (where, value, version))
    elif value not in allowed:
        errors.append('%s: version_added %s is neither galaxy.yml\'s version %s nor a released version'
                      % (where, value, version))

# -- changelog.yaml: each object exactly once, under its version --------------------


def listed(release, kind):
    if kind == 'module':
        entries = release.get('modules') or []
    elif kind in ('role', 'playbook'):
        entries = (release.get('objects') or {}).get(kind) or []
    else:
        entries = (release.get('plugins') or {}).get(kind) or []
    return [e.get('name') for e in entries if isinstance(e, dict)]


if version not in releases:
    errors.append('changelog.yaml: no release %s after the dry run' % version)
for kind, names in expected.items():
    where = {}
    for rel_version, release in releases.items():
        for name in listed(release or {}, kind):
            where.setdefault(name, []).append(str(rel_version))
    for name in names:
        versions = where.get(name, [])
        want = stated.get((kind, name), version if not earlier else None)
        if len(versions) != 1:
            errors.append('changelog.yaml: %s %s is listed %d times%s (expected once)'
                          % (kind, name, len(versions), ' (%s)' % ', '.join(versions) if versions else ''))
        elif want and versions[0] != want:
            errors.append('changelog.yaml: %s %s is listed under %s, expected %s' % (kind, name, versions[0], want))
    for name in sorted(set(where) - set(names)):
        errors.append('changelog.yaml: %s %s is listed but not in the tree' % (kind, name))

# Fragment entries of this release must not list a new object a second time:
# the subject of an entry ("nova_config - ...", "plan.yml playbook - ...",
# "a and b roles - ...") may not name one.
release = releases.get(version) or {}
new_here = dict((name, kind) for kind in expected for name in listed(release, kind))
kind_words = {'module', 'modules', 'filter', 'filters', 'plugin', 'plugins', 'role', 'roles', 'playbook', 'playbooks'}
for section, items in (release.get('changes') or {}).items():
    for item in items if isinstance(items, list) else []:
        subject = str(item).split(' - ', 1)[0] if ' - ' in str(item) else ''
        words = re.findall(r'[A-Za-z0-9_.]+', subject)
        names = [re.sub(r'\.yml$', '', w[len(fqcn) + 1:] if w.startswith(fqcn + '.') else w) for w in words]
        if not (len(names) == 1 or kind_words & set(names) or any(w.startswith(fqcn + '.') for w in words)):
            continue
        for name in names:
            if name in new_here:
                errors.append('changelog.yaml %s %s: "%s - ..." lists %s %s again (it is already a new %s)'
                              % (version, section, subject, new_here[name], name, new_here[name]))

# -- CHANGELOG.rst: each new object on exactly one line of this release ------------
rst_path = os.path.join(copy, 'CHANGELOG.rst')
if not os.path.exists(rst_path):
    errors.append('the dry run wrote no CHANGELOG.rst')
else:
    lines = open(rst_path).read().splitlines()
    title = 'v%s' % version
    try:
        start = lines.index(title) + 2
    except ValueError:
        errors.append('CHANGELOG.rst: no section %s' % title)
        start = None
    if start is not None:
        end = len(lines)
        for i in range(start, len(lines) - 1):
            if re.match(r'^v\d', lines[i]) and set(lines[i + 1]) == {'='}:
                end = i
                break
        section = lines[start:end]
        for name, kind in sorted(new_here.items()):
            count = sum(1 for line in section if line.startswith('- %s.%s - ' % (fqcn, name)))
            if count != 1:
                errors.append('CHANGELOG.rst %s: %s %s.%s is on %d lines (expected 1)' % (title, kind, fqcn, name, count))

for line in errors:
    print('  ' + line)
if not errors:
    for kind, names in expected.items():
        print('  %d %ss listed once: %s' % (len(names), kind, ', '.join(names)))
    print('  version_added: %d values, all valid for %s' % (len(found), version))
sys.exit(1 if errors else 0)
EOF
fi

if [ "$failed" -ne 0 ]; then
    echo "check-release-docs: release documentation of $NAMESPACE.$NAME $VERSION is NOT ready" >&2
    exit 1
fi
echo "check-release-docs: release documentation of $NAMESPACE.$NAME $VERSION is clean"
