# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Migration and console readiness checks over every host's ``migration_facts``, pure, no Ansible imports.

:func:`preflight` takes ``facts`` (host -> the ``migration_facts`` result of
the module of that name, or the whole registered result) and ``settings``
(see :data:`DEFAULTS`) and returns::

    {'rows': {host: {check: {'status': 'ok'|'warn'|'fail'|'n/a', 'reason': text}}},
     'problems': ['host: check: reason', ...],   # every fail
     'warnings': ['host: check: reason', ...],   # every warn
     'suggestions': [...], 'cpu_baseline': text or None,
     'table': text, 'ok': bool}

Checks (:data:`CHECKS`): ``subnet``, ``cpu``, ``resolution``, ``ids``,
``kvm``, ``libvirt``, ``storage`` on compute hosts, ``proxy_reach`` on
console proxy hosts; a check that does not apply to a host is ``n/a``.

Checks that compare the computes (subnet without allowed subnets, cpu, ids,
shared storage source) take as reference the value most computes have, the
value of the first compute (in ``settings['computes']`` order) on a tie;
the hosts that differ from it fail, so that with two computes the second
one is named.  Failing checks never raise: only malformed ``settings`` raise
:class:`PreflightError`.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ipaddress

from ansible_collections.novaops.console_migration.plugins.module_utils.common import unique
from ansible_collections.novaops.console_migration.plugins.module_utils.role_defaults import LIVE_MIGRATION

CHECKS = ('subnet', 'cpu', 'resolution', 'ids', 'kvm', 'libvirt', 'storage', 'proxy_reach')
COMPUTE_CHECKS = ('subnet', 'cpu', 'resolution', 'ids', 'kvm', 'libvirt', 'storage')
PROXY_CHECKS = ('proxy_reach',)
STATUSES = ('ok', 'warn', 'fail', 'n/a')

DEFAULTS = {
    'computes': [],
    'proxies': [],
    'migration_address': {},
    'proxyclient_address': {},
    'allowed_subnets': [],
    'align_ids': LIVE_MIGRATION['live_migration_align_ids'],
    'block_migration': False,
    'cpu_baseline': None,
    'peer_names': {},
}

ALIGNED = 'ok (will be aligned)'
ALIGNED_PREFIX = 'will be aligned: '
CPU_MODE_GENERIC = ('set cpu_mode=custom with a model every host supports ([libvirt] cpu_mode = custom and '
                    'cpu_models = <model> in nova.conf of every compute; the common model of the hosts\' CPU flags '
                    'is unknown: compute it with virsh cpu-baseline over the computes\' cpu_xml)')
FLAG_SAMPLE = 8


class PreflightError(Exception):
    """Malformed ``settings``; ``problems`` holds one line per problem."""

    def __init__(self, problems):
        self.problems = list(problems)
        super(PreflightError, self).__init__('\n'.join(self.problems))


# -- helpers ------------------------------------------------------------------------

def _cell(status, reason):
    return {'status': status, 'reason': reason}


def _ip(text):
    """Canonical address text, or None if ``text`` is no address."""
    if text is None:
        return None
    try:
        return str(ipaddress.ip_address(u'%s' % str(text).strip()))
    except ValueError:
        return None


def _bool(value, key, problems):
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str) and value.strip().lower() in ('true', 'yes', 'on', '1', 'false', 'no', 'off', '0', ''):
        return value.strip().lower() in ('true', 'yes', 'on', '1')
    problems.append('%s: %r is not a boolean (expected true or false)' % (key, value))
    return False


def _list(value, key, problems):
    if value is None or value == '':
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(',') if v.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    problems.append('%s: %r is not a list (expected e.g. [compute1, compute2])' % (key, value))
    return []


def _dict(value, key, problems):
    if value is None or value == '':
        return {}
    if isinstance(value, dict):
        return dict(value)
    problems.append('%s: %r is not a dictionary (expected host: address)' % (key, value))
    return {}


def normalize_settings(settings):
    """``settings`` with defaults, checked; PreflightError listing every problem."""
    if not isinstance(settings, dict):
        raise PreflightError(['settings: %r is not a dictionary (expected {computes: [...], proxies: [...], ...})'
                              % (settings,)])
    problems = []
    s = dict(DEFAULTS)
    s.update(settings)
    result = {
        'computes': _list(s['computes'], 'computes', problems),
        'proxies': _list(s['proxies'], 'proxies', problems),
        'migration_address': _dict(s['migration_address'], 'migration_address', problems),
        'proxyclient_address': _dict(s['proxyclient_address'], 'proxyclient_address', problems),
        'peer_names': _dict(s['peer_names'], 'peer_names', problems),
        'align_ids': _bool(s['align_ids'], 'align_ids', problems),
        'block_migration': _bool(s['block_migration'], 'block_migration', problems),
        'cpu_baseline': (str(s['cpu_baseline']).strip() or None) if s['cpu_baseline'] is not None else None,
        'allowed_subnets': [],
    }
    for text in _list(s['allowed_subnets'], 'allowed_subnets', problems):
        try:
            result['allowed_subnets'].append(ipaddress.ip_network(u'%s' % text.strip(), strict=False))
        except ValueError:
            problems.append('allowed_subnets: %r is not a CIDR (expected e.g. 10.0.0.0/24)' % text)
    if problems:
        raise PreflightError(problems)
    return result


def unwrap_facts(value):
    """``(facts, None)`` from a ``migration_facts`` result or a registered result, else ``(None, why)``."""
    if not isinstance(value, dict):
        return None, 'no migration_facts result for this host (did the task run?)'
    if value.get('failed'):
        return None, 'migration_facts failed: %s' % (value.get('msg') or 'no message')
    if value.get('skipped') or value.get('unreachable'):
        return None, 'migration_facts did not run (%s)' % ('skipped' if value.get('skipped') else 'unreachable')
    if 'migration_facts' in value:
        value = value['migration_facts']
        if not isinstance(value, dict):
            return None, 'migration_facts result is not a dictionary'
    return value, None


def reference(values, order):
    """The value most hosts of ``values`` (host -> hashable) have; the first host's of ``order`` on a tie."""
    counts = {}
    for host in order:
        if host in values:
            counts[values[host]] = counts.get(values[host], 0) + 1
    best = None
    for host in order:
        if host in values and (best is None or counts[values[host]] > counts[best]):
            best = values[host]
    return best


def _hosts_with(values, value, order):
    return [h for h in order if h in values and values[h] == value]


def _join(items):
    return ', '.join(items)


# -- the checks -----------------------------------------------------------------------

class _Report(object):

    def __init__(self, facts, settings):
        self.s = normalize_settings(settings)
        self.computes = unique(self.s['computes'])
        self.proxies = unique(self.s['proxies'])
        self.hosts = unique(self.computes + self.proxies)
        self.facts = {}
        self.missing = {}
        source = facts if isinstance(facts, dict) else {}
        for host in self.hosts:
            value, why = unwrap_facts(source.get(host))
            if value is None:
                self.missing[host] = why
            else:
                self.facts[host] = value
        self.rows = dict((h, {}) for h in self.hosts)
        self.aligned = set()
        self.suggestions = []

    def present(self, hosts):
        return [h for h in hosts if h in self.facts]

    def get(self, host, *keys):
        value = self.facts.get(host)
        for key in keys:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value

    def suggest(self, text):
        if text not in self.suggestions:
            self.suggestions.append(text)

    def run(self):
        for host in self.hosts:
            for check in CHECKS:
                applies = ((check in COMPUTE_CHECKS and host in self.computes)
                           or (check in PROXY_CHECKS and host in self.proxies))
                if not applies:
                    role = 'console proxy' if check in PROXY_CHECKS else 'compute'
                    self.rows[host][check] = _cell('n/a', 'not a %s host' % role)
                elif host in self.missing:
                    self.rows[host][check] = _cell('fail', self.missing[host])
        for check in COMPUTE_CHECKS:
            getattr(self, 'check_' + check)(self.present(self.computes))
        self.check_proxy_reach(self.present(self.proxies))
        return self

    # subnet ---------------------------------------------------------------------

    def check_subnet(self, hosts):
        located = {}
        for host in hosts:
            given = self.s['migration_address'].get(host)
            address = _ip(given)
            if given in (None, ''):
                self.rows[host]['subnet'] = _cell('fail', 'no migration address given (migration_address)')
                continue
            if address is None:
                self.rows[host]['subnet'] = _cell('fail', 'migration address %r is not an IP address' % given)
                continue
            table = self.get(host, 'addresses') or {}
            entry = table.get(address, table.get(given))
            if not entry:
                self.rows[host]['subnet'] = _cell(
                    'fail', 'migration address %s is not on any interface of %s (global addresses: %s)'
                    % (address, host, _join('%s (%s)' % (i.get('address'), i.get('name'))
                                            for i in self.get(host, 'interfaces') or []) or 'none'))
                continue
            located[host] = (address, entry)
        allowed = self.s['allowed_subnets']
        if allowed:
            for host, (address, entry) in located.items():
                ip = ipaddress.ip_address(u'%s' % address)
                inside = [n for n in allowed if ip.version == n.version and ip in n]
                where = '%s on %s (%s)' % (address, entry.get('interface'), entry.get('network'))
                if inside:
                    self.rows[host]['subnet'] = _cell('ok', '%s, inside allowed subnet %s' % (where, inside[0]))
                else:
                    self.rows[host]['subnet'] = _cell(
                        'fail', 'migration address %s is outside the allowed subnets %s'
                        % (where, _join(str(n) for n in allowed)))
            return
        networks = dict((h, located[h][1].get('network')) for h in located)
        common = reference(networks, self.computes)
        for host in located:
            address, entry = located[host]
            where = '%s on %s (%s)' % (address, entry.get('interface'), networks[host])
            if networks[host] == common:
                self.rows[host]['subnet'] = _cell('ok', '%s, the subnet of every compute' % where
                                                  if len(set(networks.values())) == 1
                                                  else '%s, the common subnet' % where)
            else:
                self.rows[host]['subnet'] = _cell(
                    'fail', 'migration address %s is not in the common subnet %s of %s (allowed_subnets is empty, '
                    'so every compute\'s migration address must be in one subnet)'
                    % (where, common, _join(_hosts_with(networks, common, self.computes))))

    # cpu ------------------------------------------------------------------------

    def check_cpu(self, hosts):
        use_libvirt = bool(hosts) and all(self.get(h, 'cpu', 'libvirt_model') for h in hosts)
        keys = {}
        for host in hosts:
            cpu = self.get(host, 'cpu') or {}
            model = cpu.get('libvirt_model') if use_libvirt else cpu.get('model_name')
            vendor = (cpu.get('libvirt_vendor') or cpu.get('vendor')) if use_libvirt else cpu.get('vendor')
            if not model:
                self.rows[host]['cpu'] = _cell('fail', 'CPU model unknown (no model name in /proc/cpuinfo)')
                continue
            keys[host] = (vendor or 'unknown vendor', model)
        source = 'libvirt host model' if use_libvirt else 'model name (/proc/cpuinfo)'
        common = reference(keys, self.computes)
        if common is None:
            return
        ref_hosts = _hosts_with(keys, common, self.computes)
        differs = False
        for host in keys:
            vendor, model = keys[host]
            if keys[host] != common:
                differs = True
                self.rows[host]['cpu'] = _cell(
                    'fail', 'CPU %s %s (%s) differs from %s %s on %s: live migration needs one CPU model on every '
                    'compute' % (vendor, model, source, common[0], common[1], _join(ref_hosts)))
                continue
            text = '%s %s (%s)' % (vendor, model, source)
            if len(keys) > 1 and len(set(keys.values())) == 1:
                text += ', the same on every compute'
            missing, extra = self.flag_difference(host, ref_hosts[0])
            if missing or extra:
                parts = []
                if missing:
                    parts.append('lacks %s' % _sample(missing))
                if extra:
                    parts.append('has %s more' % _sample(extra))
                self.rows[host]['cpu'] = _cell('warn', '%s, but its CPU flags differ from %s: %s (guests started '
                                               'with cpu_mode=host-model may not migrate between them)'
                                               % (text, ref_hosts[0], '; '.join(parts)))
            else:
                self.rows[host]['cpu'] = _cell('ok', text)
        if differs:
            baseline = self.s['cpu_baseline']
            if baseline:
                self.suggest('[libvirt] cpu_mode = custom and cpu_models = %s in nova.conf of every compute (the '
                             'baseline model every compute supports)' % baseline)
            else:
                self.suggest(CPU_MODE_GENERIC)

    def flag_difference(self, host, ref_host):
        if host == ref_host:
            return [], []
        mine = set(self.get(host, 'cpu', 'flags') or [])
        theirs = set(self.get(ref_host, 'cpu', 'flags') or [])
        if not mine or not theirs:
            return [], []
        return sorted(theirs - mine), sorted(mine - theirs)

    # resolution -------------------------------------------------------------------

    def check_resolution(self, hosts):
        for host in hosts:
            others = [o for o in self.computes if o != host]
            if not others:
                self.rows[host]['resolution'] = _cell('n/a', 'no other compute')
                continue
            table = self.get(host, 'resolution') or {}
            fails, warns, oks = [], [], []
            for other in others:
                name = str(self.s['peer_names'].get(other) or other)
                expected = _ip(self.s['migration_address'].get(other))
                entry = table.get(name)
                if not isinstance(entry, dict):
                    fails.append('%s was not looked up (pass it in peers)' % name)
                    continue
                if entry.get('error'):
                    fails.append('%s does not resolve: %s' % (name, entry['error']))
                    continue
                found = [_ip(a) or a for a in entry.get('addresses') or []]
                if not found:
                    fails.append('%s resolves to no address' % name)
                    continue
                if expected is None:
                    warns.append('%s resolves to %s; %s has no migration address to compare'
                                 % (name, _join(found), other))
                elif expected not in found:
                    fails.append('%s resolves to %s, not to its migration address %s'
                                 % (name, _join(found), expected))
                elif found[0] != expected:
                    warns.append('%s resolves to %s first, its migration address %s only later'
                                 % (name, found[0], expected))
                else:
                    oks.append('%s -> %s' % (name, expected))
            if fails:
                self.rows[host]['resolution'] = _cell('fail', '; '.join(fails + warns))
            elif warns:
                self.rows[host]['resolution'] = _cell('warn', '; '.join(warns))
            else:
                self.rows[host]['resolution'] = _cell('ok', _join(oks))

    # ids ----------------------------------------------------------------------------

    def check_ids(self, hosts):
        keys = []
        for host in hosts:
            for key in sorted(self.get(host, 'ids') or {}):
                if key not in keys:
                    keys.append(key)
        parts = dict((h, {'fail': [], 'aligned': [], 'ok': [], 'differs': False}) for h in hosts)
        for key in keys:
            values = {}
            for host in hosts:
                ids = self.get(host, 'ids') or {}
                if ids.get(key) is not None:
                    values[host] = ids[key]
            if not values:
                continue
            common = reference(values, self.computes)
            holders = _join(_hosts_with(values, common, self.computes))
            for host in hosts:
                if host not in values:
                    parts[host]['fail'].append('%s does not exist (%s on %s)' % (key, common, holders))
                elif values[host] != common:
                    text = '%s is %s, %s on %s' % (key, values[host], common, holders)
                    parts[host]['aligned' if self.s['align_ids'] else 'fail'].append(text)
                    parts[host]['differs'] = not self.s['align_ids']
                else:
                    parts[host]['ok'].append('%s %s' % (key, common))
        for host in hosts:
            p = parts[host]
            if p['fail']:
                reason = '; '.join(p['fail'] + p['aligned'])
                if p['differs']:
                    reason += ' (the nova and QEMU ids must be the same on every compute: set align_ids)'
                self.rows[host]['ids'] = _cell('fail', reason)
            elif p['aligned']:
                self.rows[host]['ids'] = _cell('ok', ALIGNED_PREFIX + '; '.join(p['aligned']))
                self.aligned.add(host)
            elif p['ok']:
                self.rows[host]['ids'] = _cell('ok', 'same on every compute: %s' % _join(p['ok']))
            else:
                self.rows[host]['ids'] = _cell('n/a', 'no account reported')

    # kvm, libvirt ---------------------------------------------------------------------

    def check_kvm(self, hosts):
        with_kvm = [h for h in hosts if self.get(h, 'virt', 'kvm')]
        for host in hosts:
            flag = self.get(host, 'virt', 'cpu_virt_flag')
            if host in with_kvm:
                self.rows[host]['kvm'] = _cell('ok', 'KVM (/dev/kvm%s)' % (', %s' % flag if flag else ''))
                continue
            reason = 'no /dev/kvm: instances run under TCG emulation (virt_type qemu), slowly'
            if flag:
                reason += '; the CPU has %s: load the kvm module (or allow nested virtualization)' % flag
            else:
                reason += '; the CPU shows no vmx or svm flag'
            if with_kvm:
                reason += '; %s %s KVM: instances cannot migrate between kvm and qemu virt types' % (
                    _join(with_kvm), 'has' if len(with_kvm) == 1 else 'have')
            self.rows[host]['kvm'] = _cell('warn', reason)
            self.suggest('[libvirt] virt_type = qemu in nova.conf of the computes without KVM (%s), or enable KVM '
                         'there' % _join(h for h in hosts if h not in with_kvm))

    def check_libvirt(self, hosts):
        for host in hosts:
            libvirt = self.get(host, 'libvirt') or {}
            if not libvirt.get('installed'):
                self.rows[host]['libvirt'] = _cell('fail', 'libvirt is not installed (no virsh, libvirtd or '
                                                           'virtqemud found)')
                continue
            text = 'libvirt %s' % (libvirt.get('version') or '(version unknown)')
            listening = libvirt.get('listening')
            if listening:
                text += ', listening on %s' % _join('%s:%s' % (_bracket(e.get('address')), e.get('port'))
                                                    for e in listening)
            elif listening is not None:
                text += ', not listening on 16509 or 16514 yet'
            self.rows[host]['libvirt'] = _cell('ok', text)

    # storage ---------------------------------------------------------------------------

    def check_storage(self, hosts):
        shared = {}
        for host in hosts:
            inst = self.get(host, 'instances')
            if not isinstance(inst, dict):
                self.rows[host]['storage'] = _cell('fail', 'no instances facts')
                continue
            where = '%s on %s (%s)' % (inst.get('path') or 'instances_path',
                                       inst.get('fstype') or 'unknown file system', inst.get('mount_point'))
            missing = '' if inst.get('exists') else ' (the directory does not exist yet: its parent was checked)'
            if inst.get('shared'):
                shared[host] = (where, inst.get('source'), missing)
                self.rows[host]['storage'] = _cell('ok', '%s from %s, shared%s' % (where, inst.get('source'), missing))
            elif self.s['block_migration']:
                self.rows[host]['storage'] = _cell('ok', '%s, local: block migration copies the disks%s'
                                                   % (where, missing))
            else:
                self.rows[host]['storage'] = _cell(
                    'fail', '%s is not shared storage: mount shared storage there or use block migration '
                    '(block_migration)%s' % (where, missing))
        if self.s['block_migration'] or len(shared) < 2:
            return
        sources = dict((h, shared[h][1]) for h in shared)
        common = reference(sources, self.computes)
        for host in shared:
            if sources[host] != common:
                self.rows[host]['storage'] = _cell(
                    'warn', '%s from %s, shared, but %s mount%s %s: the computes may not share the instances%s'
                    % (shared[host][0], sources[host], _join(_hosts_with(sources, common, self.computes)),
                       's' if len(_hosts_with(sources, common, self.computes)) == 1 else '', common, shared[host][2]))

    # proxy_reach ------------------------------------------------------------------------

    def check_proxy_reach(self, hosts):
        for host in hosts:
            routes = self.get(host, 'routes') or {}
            bad, good = [], []
            for compute in self.computes:
                given = self.s['proxyclient_address'].get(compute)
                address = _ip(given)
                if address is None:
                    bad.append('%s (no proxyclient address%s)' % (compute, ': %r' % given if given else ''))
                    continue
                route = routes.get(address, routes.get(given))
                if not isinstance(route, dict):
                    bad.append('%s %s (not looked up: pass it in reach)' % (compute, address))
                elif route.get('error'):
                    bad.append('%s %s (%s)' % (compute, address, route['error']))
                else:
                    good.append('%s %s via %s%s' % (compute, address, route.get('dev'),
                                                    ' gateway %s' % route['via'] if route.get('via') else ''))
            if not self.computes:
                self.rows[host]['proxy_reach'] = _cell('n/a', 'no compute host')
            elif bad:
                self.rows[host]['proxy_reach'] = _cell('fail', 'no route to %s' % _join(bad))
            else:
                self.rows[host]['proxy_reach'] = _cell('ok', 'routes to %s' % _join(good))


def _sample(items):
    shown = items[:FLAG_SAMPLE]
    more = len(items) - len(shown)
    return ' '.join(shown) + (' and %d more' % more if more > 0 else '')


def _bracket(address):
    address = '%s' % address
    return '[%s]' % address if ':' in address else address


# -- the report ------------------------------------------------------------------------

def render_table(hosts, rows, aligned=(), suggestions=(), cpu_baseline=None):
    """One aligned table host x check, then the numbered reasons of the cells that are not plain ok."""
    notes = []
    grid = [['host'] + list(CHECKS)]
    for host in hosts:
        line = [host]
        for check in CHECKS:
            cell = rows[host][check]
            status = cell['status']
            if status in ('warn', 'fail') or (check == 'ids' and host in aligned and status == 'ok'):
                reason = cell['reason']
                if status == 'ok':
                    status, reason = ALIGNED, reason[len(ALIGNED_PREFIX):]
                notes.append('%s %s: %s: %s' % (host, check, status, reason))
                status = cell['status']
                line.append('%s [%d]' % (status, len(notes)))
            else:
                line.append(status)
        grid.append(line)
    widths = [max(len(row[i]) for row in grid) for i in range(len(grid[0]))]
    lines = []
    for index, row in enumerate(grid):
        lines.append('  '.join(text.ljust(widths[i]) for i, text in enumerate(row)).rstrip())
        if index == 0:
            lines.append('  '.join('-' * w for w in widths))
    if notes:
        lines.append('')
        digits = len(str(len(notes)))
        lines.extend('%s. %s' % (str(n).rjust(digits), text) for n, text in enumerate(notes, 1))
    if cpu_baseline:
        lines.append('')
        lines.append('CPU baseline of the computes: %s' % cpu_baseline)
    if suggestions:
        lines.append('')
        lines.append('Suggestions:')
        lines.extend('- %s' % s for s in suggestions)
    fails = sum(1 for h in hosts for c in CHECKS if rows[h][c]['status'] == 'fail')
    warns = sum(1 for h in hosts for c in CHECKS if rows[h][c]['status'] == 'warn')
    lines.append('')
    if fails:
        lines.append('NOT READY: %d failed check%s, %d warning%s' % (fails, '' if fails == 1 else 's',
                                                                     warns, '' if warns == 1 else 's'))
    else:
        lines.append('READY: no failed check, %d warning%s' % (warns, '' if warns == 1 else 's'))
    return '\n'.join(lines) + '\n'


def preflight(facts, settings):
    """The readiness report of every host (see the module docstring)."""
    report = _Report(facts, settings).run()
    problems, warnings = [], []
    for host in report.hosts:
        for check in CHECKS:
            cell = report.rows[host][check]
            if cell['status'] == 'fail':
                problems.append('%s: %s: %s' % (host, check, cell['reason']))
            elif cell['status'] == 'warn':
                warnings.append('%s: %s: %s' % (host, check, cell['reason']))
    return {
        'rows': report.rows,
        'problems': problems,
        'warnings': warnings,
        'suggestions': report.suggestions,
        'cpu_baseline': report.s['cpu_baseline'],
        'table': render_table(report.hosts, report.rows, report.aligned, report.suggestions,
                              report.s['cpu_baseline']),
        'ok': not problems,
    }
