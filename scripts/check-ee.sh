#!/usr/bin/env bash
# Checks execution-environment.yml without a container runtime or network:
# builds the collection tarball into a temp dir, runs `ansible-builder
# create` into a temp context and checks that the context installs
# novaops.console_migration with ansible.posix, ansible.utils and
# community.crypto, and that the build's introspection (run here on the
# tarball installed offline plus the dependencies bundled with the ansible
# package) names netaddr, cryptography and the ssh client.
# Needs the venv on PATH (ansible-galaxy, ansible-builder). Leaves the
# checkout untouched.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d /tmp/novaops-check-ee.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

fail() {
    echo "check-ee: $*" >&2
    exit 1
}

for tool in ansible-galaxy ansible-builder python; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool not on PATH (put the venv's bin first)"
done

# ansible-builder reads paths relative to the definition: give it a copy
# next to the freshly built tarball.
mkdir -p "$WORK/ee" "$WORK/installed" "$WORK/home"
cp "$ROOT/execution-environment.yml" "$WORK/ee/" || fail "no execution-environment.yml"
export HOME="$WORK/home" ANSIBLE_CONFIG="$WORK/ansible.cfg"
printf '[defaults]\n' >"$ANSIBLE_CONFIG"

(cd "$ROOT" && ansible-galaxy collection build --force --output-path "$WORK/ee" .) >"$WORK/build.log" 2>&1 ||
    { cat "$WORK/build.log" >&2; fail "ansible-galaxy collection build failed"; }
(cd "$WORK" && ansible-builder create -f ee/execution-environment.yml --context "$WORK/context" -v1) >"$WORK/create.log" 2>&1 ||
    { cat "$WORK/create.log" >&2; fail "ansible-builder create failed"; }

# What the galaxy and builder stages would do: install the requirements
# file's collection tarball (no Galaxy: no dependencies), add the
# dependencies from the ansible package, run the context's introspect.py.
python - "$WORK" <<'EOF' || exit 1
import importlib
import json
import os
import subprocess
import sys
import tarfile

import yaml

work = sys.argv[1]
build = os.path.join(work, 'context', '_build')
problems = []

with tarfile.open(next(os.path.join(work, 'ee', f) for f in os.listdir(os.path.join(work, 'ee'))
                       if f.endswith('.tar.gz'))) as built:
    manifest = json.load(built.extractfile('MANIFEST.json'))['collection_info']
tarball = '%s-%s-%s.tar.gz' % (manifest['namespace'], manifest['name'], manifest['version'])

req_path = os.path.join(build, 'requirements.yml')
requirements = {}
if os.path.exists(req_path):
    with open(req_path, encoding='utf-8') as handle:
        requirements = yaml.safe_load(handle) or {}
files = [c['name'] for c in requirements.get('collections', [])
         if isinstance(c, dict) and c.get('type') == 'file']
wanted = [f for f in files if os.path.basename(f) == tarball]
if not wanted:
    problems.append('_build/requirements.yml installs no %s (type: file); it names %s: '
                    'follow galaxy.yml version in execution-environment.yml' % (tarball, files or 'nothing'))
elif not os.path.isfile(os.path.join(build, wanted[0])):
    problems.append('_build/%s is missing: additional_build_files must copy the built tarball there' % wanted[0])
else:
    with tarfile.open(os.path.join(build, wanted[0])) as shipped:
        info = json.load(shipped.extractfile('MANIFEST.json'))['collection_info']
        names = shipped.getnames()
    if '%s.%s' % (info['namespace'], info['name']) != 'novaops.console_migration':
        problems.append('_build/%s is not novaops.console_migration' % wanted[0])
    for dep in ('ansible.posix', 'ansible.utils', 'community.crypto'):
        if dep not in info.get('dependencies', {}):
            problems.append('the tarball\'s MANIFEST.json dependencies lack %s' % dep)
    if 'collections/ansible_collections' in names:
        problems.append('the tarball holds collections/ (build_ignore it in galaxy.yml)')
    if 'meta/execution-environment.yml' not in names:
        problems.append('the tarball has no meta/execution-environment.yml')

if problems:
    sys.exit('check-ee: ' + '\ncheck-ee: '.join(problems))

# Galaxy stage, offline.
installed = os.path.join(work, 'installed')
env = dict(os.environ, ANSIBLE_GALAXY_DISABLE_GPG_VERIFY='1')
run = subprocess.run(['ansible-galaxy', 'collection', 'install', '--offline', '--no-deps',
                      '-p', installed, '-r', 'requirements.yml'],
                     cwd=build, env=env, capture_output=True, text=True)
if run.returncode:
    sys.exit('check-ee: ansible-galaxy could not install _build/requirements.yml:\n' + run.stdout + run.stderr)
for dep in ('ansible.posix', 'ansible.utils', 'community.crypto'):
    namespace, name = dep.split('.')
    try:
        module = importlib.import_module('ansible_collections.%s.%s' % (namespace, name))
    except ImportError:
        sys.exit('check-ee: %s is not installed with ansible in this venv (needed to introspect it)' % dep)
    os.makedirs(os.path.join(installed, 'ansible_collections', namespace), exist_ok=True)
    os.symlink(list(module.__path__)[0], os.path.join(installed, 'ansible_collections', namespace, name))

# Builder stage: the introspection the Containerfile runs.
cmd = [sys.executable, os.path.join(build, 'scripts', 'introspect.py'), 'introspect', '--sanitize']
for option, name in (('--user-pip', 'requirements.txt'), ('--user-bindep', 'bindep.txt')):
    if os.path.exists(os.path.join(build, name)):
        cmd.append('%s=%s' % (option, name))
cmd.append(installed)
run = subprocess.run(cmd, cwd=build, capture_output=True, text=True)
if run.returncode:
    sys.exit('check-ee: introspect.py failed:\n' + run.stdout + run.stderr)
found = yaml.safe_load(run.stdout) or {}
python_reqs = found.get('python') or []
system_reqs = found.get('system') or []


def named(lines, package, origin=None):
    for line in lines:
        text, _, source = line.partition('# from collection ')
        words = text.replace('>', ' ').replace('=', ' ').replace('<', ' ').replace('[', ' ').split()
        if words and words[0] == package and (origin is None or source.strip() == origin):
            return True
    return False


for package, origin in (('netaddr', 'novaops.console_migration'), ('cryptography', 'novaops.console_migration')):
    if not named(python_reqs, package, origin):
        problems.append('introspection names no Python package %s%s' % (
            package, ' from novaops.console_migration' if origin else ''))
for package in ('openssh-clients', 'sshpass'):
    if not named(system_reqs, package):
        problems.append('introspection names no system package %s' % package)
if not named(system_reqs, 'openssh-clients', 'novaops.console_migration'):
    problems.append('the collection\'s bindep.txt (meta/execution-environment.yml) names no openssh-clients')

if problems:
    sys.exit('check-ee: ' + '\ncheck-ee: '.join(problems))
print('check-ee: context installs %s with %s; introspection: %s' % (
    wanted[0], ', '.join(sorted(info['dependencies'])),
    ', '.join(line.split('#')[0].strip() for line in python_reqs)))
EOF
