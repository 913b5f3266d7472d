# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""What README.md and README.ja.md must both name, and where they differ.

Only prose is translated, so the two files must agree on:

* **Fenced code blocks**: the same blocks in the same order, compared
  verbatim (info string and every line; the fence's own indentation is
  removed so a block may sit in a list item).
* **Named inline code spans** (outside fenced blocks), compared as sets.
  A span is *named* when it is one of:

  - ``variable``: starts with ``novaops_``, ``console_proxy_``,
    ``compute_console_``, ``live_migration_``, ``preflight_``, ``plan_``
    or ``NOVAOPS_`` (``novaops_verify_canary: true`` and
    ``NOVAOPS_TEST_STEPS="unit lint"`` count as written), or is an
    upper-case name holding ``_`` or ``=`` (``NET_ADMIN``) or ``PATH``;
  - ``command``: its first word runs a script (``./scripts/test.sh``,
    ``scripts/setup.sh``, ``lab/lab.sh``, ``.venv/bin/...``) or is a tool
    the project drives (``ansible-playbook``, ``ansible-galaxy``,
    ``ansible-doc``, ``ansible-test``, ``ansible-lint``, ``molecule``,
    ``git``, ``virsh``, ``mpathconf``, ...) followed by arguments, or is
    one of the ``ansible-*`` tools alone;
  - ``playbook``: ends in ``.yml``/``.yaml`` or is a
    ``novaops.console_migration.*`` name;
  - ``path``: one word holding a ``/``, starting with ``.`` (``.venv``)
    or ending in a file extension (``requirements.txt``).

  ``README.md`` and ``README.ja.md`` themselves are the language links of
  the pair and are not compared.
* **Table first columns**: the same tables in the same order, each with the
  same number of body rows and, row by row, the same code spans in the
  first cell (prose cells are translated and only counted).
* **Headings**: the same sequence of heading levels, so that a section
  without any code still has its counterpart.

``compare(text_a, text_b, name_a, name_b)`` returns one message per
difference, each naming the item and the file it is missing from.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import difflib
import re

VARIABLE_PREFIXES = ('novaops_', 'console_proxy_', 'compute_console_', 'live_migration_',
                     'preflight_', 'plan_', 'NOVAOPS_')
COMMANDS = ('ansible', 'ansible-playbook', 'ansible-galaxy', 'ansible-doc', 'ansible-test',
            'ansible-lint', 'ansible-inventory', 'ansible-navigator', 'ansible-builder',
            'molecule', 'pytest', 'python', 'python3', 'pip', 'git', 'cd', 'podman', 'virsh',
            'mpathconf', 'systemctl', 'debootstrap', 'pyenv', 'awx', 'ssh', 'sudo', 'apt-get',
            'dnf', 'yum')
ENVIRONMENT = ('PATH', 'HOME', 'PWD', 'USER', 'SHELL', 'LANG')
PAIR = ('README.md', 'README.ja.md')

_FENCE = re.compile(r'^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$')
_HEADING = re.compile(r'^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t#]*$')
_ENV_NAME = re.compile(r'^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*(?:=.*)?$')
_SCRIPT = re.compile(r'^(?:\./|\.venv/bin/)?(?:[\w.-]+/)*[\w.-]+\.(?:sh|py)$|^\.venv/bin/\S+$|^\./\S+$')
_EXTENSION = re.compile(r'\.(?:txt|json|conf|cfg|ini|md|rst|sh|py|pem|j2|gz|toml|service|socket)$')
_TABLE_DELIMITER = re.compile(r'^\s*\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?\s*$')


def split_fences(text):
    """Return (blocks, prose_lines): fenced blocks and the lines outside them.

    Each block is ``info\\nline\\nline...`` with the fence indentation
    removed; prose_lines keeps a blank line where a block was, so
    paragraphs on either side stay apart.
    """
    blocks = []
    prose = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match or (match.group('fence')[0] == '`' and '`' in match.group('info')):
            prose.append(lines[i])
            i += 1
            continue
        indent = len(match.group('indent').expandtabs(4))
        fence = match.group('fence')
        body = []
        i += 1
        while i < len(lines):
            close = re.match(r'^[ \t]*(' + re.escape(fence[0]) + r'{' + str(len(fence)) + r',})[ \t]*$', lines[i])
            if close:
                i += 1
                break
            line = lines[i].expandtabs(4)
            strip = min(indent, len(line) - len(line.lstrip(' ')))
            body.append(line[strip:])
            i += 1
        blocks.append('\n'.join([match.group('info').strip()] + body))
        prose.append('')
    return blocks, prose


def code_spans(text):
    """Inline code spans of a piece of Markdown prose, CommonMark style."""
    spans = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == '\\' and i + 1 < n:
            i += 2
            continue
        if char != '`':
            i += 1
            continue
        j = i
        while j < n and text[j] == '`':
            j += 1
        run = j - i
        k = j
        found = -1
        while k < n:
            if text[k] != '`':
                k += 1
                continue
            m = k
            while m < n and text[m] == '`':
                m += 1
            if m - k == run:
                found = k
                break
            k = m
        if found < 0:
            i = j
            continue
        content = text[j:found].replace('\n', ' ')
        if len(content) > 2 and content[0] == ' ' and content[-1] == ' ' and content.strip():
            content = content[1:-1]
        spans.append(content)
        i = found + run
    return spans


def paragraphs(prose_lines):
    """Blank-line separated chunks of prose (code spans never cross them)."""
    chunk = []
    for line in prose_lines:
        if line.strip():
            chunk.append(line)
        elif chunk:
            yield '\n'.join(chunk)
            chunk = []
    if chunk:
        yield '\n'.join(chunk)


def classify(span):
    """The kind of a named inline code span, or None when it names nothing."""
    span = span.strip()
    if not span or span in PAIR:
        return None
    words = span.split()
    first = words[0]
    if span.startswith(VARIABLE_PREFIXES):
        return 'variable'
    if _SCRIPT.match(first) or (first in COMMANDS and len(words) > 1) or re.match(r'^ansible-[a-z]+$', span):
        return 'command'
    if _ENV_NAME.match(span) and ('_' in span or '=' in span or span in ENVIRONMENT):
        return 'variable'
    if len(words) == 1 and (span.endswith(('.yml', '.yaml')) or span.startswith('novaops.console_migration.')):
        return 'playbook'
    if len(words) == 1 and ('/' in span or re.match(r'^\.\w', span) or _EXTENSION.search(span)):
        return 'path'
    return None


def split_row(line):
    """Cells of a Markdown table row; a ``|`` inside a code span stays in its cell."""
    line = line.strip()
    if line.startswith('|'):
        line = line[1:]
    if line.endswith('|') and not line.endswith('\\|'):
        line = line[:-1]
    cells = []
    cell = []
    i = 0
    run_open = 0
    while i < len(line):
        char = line[i]
        if char == '\\' and i + 1 < len(line):
            cell.append(line[i:i + 2])
            i += 2
            continue
        if char == '`':
            j = i
            while j < len(line) and line[j] == '`':
                j += 1
            run = j - i
            if run_open == 0:
                run_open = run
            elif run_open == run:
                run_open = 0
            cell.append(line[i:j])
            i = j
            continue
        if char == '|' and run_open == 0:
            cells.append(''.join(cell).strip())
            cell = []
        else:
            cell.append(char)
        i += 1
    cells.append(''.join(cell).strip())
    return cells


def tables(prose_lines):
    """Tables as lists of body rows, each row the code spans of its first cell."""
    found = []
    i = 0
    while i < len(prose_lines) - 1:
        if '|' in prose_lines[i] and _TABLE_DELIMITER.match(prose_lines[i + 1]) and '-' in prose_lines[i + 1]:
            header = split_row(prose_lines[i])
            rows = []
            i += 2
            while i < len(prose_lines) and prose_lines[i].strip() and '|' in prose_lines[i]:
                rows.append(tuple(code_spans(split_row(prose_lines[i])[0])))
                i += 1
            found.append((header, rows))
            continue
        i += 1
    return found


def headings(prose_lines):
    """(level, title, named spans of its section) of every ATX heading outside fenced blocks.

    The named spans anchor the alignment of the two files' headings, whose
    titles are in different languages.
    """
    found = []
    section = []

    def close():
        if found:
            names = set()
            for chunk in paragraphs(section):
                names.update(span.strip() for span in code_spans(chunk) if classify(span))
            found[-1] = found[-1][:2] + (frozenset(names),)

    for line in prose_lines:
        match = _HEADING.match(line)
        if match:
            close()
            found.append((len(match.group(1)), (match.group(2) or '').strip(), frozenset()))
            section = []
        else:
            section.append(line)
    close()
    return found


def parse(text):
    """Everything compare() looks at, for one README."""
    blocks, prose = split_fences(text)
    named = {}
    for chunk in paragraphs(prose):
        for span in code_spans(chunk):
            kind = classify(span)
            if kind:
                named.setdefault(span.strip(), kind)
    return {
        'blocks': blocks,
        'named': named,
        'tables': tables(prose),
        'headings': headings(prose),
    }


def _block_label(block):
    lines = block.split('\n')
    body = [line for line in lines[1:] if line.strip()]
    first = body[0] if body else '(empty)'
    return '```{0} {1}{2}'.format(lines[0], first, ' ...' if len(body) > 1 else '')


def _compare_block_lines(index_a, block_a, index_b, block_b, name_a, name_b):
    """Line by line, for a block of one file and its changed counterpart in the other."""
    problems = []
    lines_a = block_a.split('\n')
    lines_b = block_b.split('\n')
    label_a = 'code block #{0} of {1} ({2})'.format(index_a + 1, name_a, _block_label(block_a))
    label_b = 'code block #{0} of {1} ({2})'.format(index_b + 1, name_b, _block_label(block_b))
    if lines_a[0] != lines_b[0]:
        problems.append('{0}: info string `{1}` missing from {2} (it has `{3}`)'.format(
            label_a, lines_a[0], name_b, lines_b[0]))
    matcher = difflib.SequenceMatcher(None, lines_a[1:], lines_b[1:], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == 'equal':
            continue
        for line in lines_a[1 + i1:1 + i2]:
            problems.append('{0}: line `{1}` missing from {2}'.format(label_a, line, name_b))
        for line in lines_b[1 + j1:1 + j2]:
            problems.append('{0}: line `{1}` missing from {2}'.format(label_b, line, name_a))
    return problems


def _compare_blocks(a, b, name_a, name_b):
    """Blocks in order; a changed block is reported line by line, a moved one as out of order."""
    problems = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == 'equal':
            continue
        only_a = [index for index in range(i1, i2) if a[index] not in b]
        only_b = [index for index in range(j1, j2) if b[index] not in a]
        pairs = list(zip(only_a, only_b)) if tag == 'replace' else []
        for index_a, index_b in pairs:
            problems.extend(_compare_block_lines(index_a, a[index_a], index_b, b[index_b], name_a, name_b))
        problems.extend(_unpaired_blocks(a, b, range(i1, i2), set(p[0] for p in pairs), name_a, name_b))
        problems.extend(_unpaired_blocks(b, a, range(j1, j2), set(p[1] for p in pairs), name_b, name_a))
    return problems


def _unpaired_blocks(blocks, other, indexes, paired, name, other_name):
    problems = []
    for index in indexes:
        if index in paired:
            continue
        where = 'out of order in' if blocks[index] in other else 'missing from'
        problems.append('code block #{0} of {1} ({2}) {3} {4}'.format(
            index + 1, name, _block_label(blocks[index]), where, other_name))
    return problems


def _compare_named(a, b, name_a, name_b):
    problems = []
    for item in sorted(set(a) - set(b)):
        problems.append('{0} `{1}` (in {2}) missing from {3}'.format(a[item], item, name_a, name_b))
    for item in sorted(set(b) - set(a)):
        problems.append('{0} `{1}` (in {2}) missing from {3}'.format(b[item], item, name_b, name_a))
    return problems


def _table_label(header):
    return ' | '.join(header)


def _compare_rows(label, rows_a, rows_b, name_a, name_b):
    problems = []
    matcher = difflib.SequenceMatcher(None, rows_a, rows_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == 'equal':
            continue
        for row in range(i1, i2):
            problems.append('{0}: first-column entry {1} (row {2} of {3}) missing from {4}'.format(
                label, _row_label(rows_a[row]), row + 1, name_a, name_b))
        for row in range(j1, j2):
            problems.append('{0}: first-column entry {1} (row {2} of {3}) missing from {4}'.format(
                label, _row_label(rows_b[row]), row + 1, name_b, name_a))
    return problems


def _compare_tables(a, b, name_a, name_b):
    """Tables are aligned by their first columns, so one added table is reported once."""
    problems = []
    keys_a = [tuple(rows) for _header, rows in a]
    keys_b = [tuple(rows) for _header, rows in b]
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == 'equal':
            continue
        unpaired_b = list(range(j1, j2))
        for index in range(i1, i2):
            best, best_ratio = None, 0.5
            for other in unpaired_b:
                ratio = difflib.SequenceMatcher(None, keys_a[index], keys_b[other], autojunk=False).ratio()
                if ratio > best_ratio:
                    best, best_ratio = other, ratio
            if best is None:
                problems.append('table #{0} of {1} ({2}) missing from {3}'.format(
                    index + 1, name_a, _table_label(a[index][0]), name_b))
                continue
            unpaired_b.remove(best)
            label = 'table #{0} ({1} in {2})'.format(index + 1, _table_label(a[index][0]), name_a)
            problems.extend(_compare_rows(label, a[index][1], b[best][1], name_a, name_b))
        for other in unpaired_b:
            problems.append('table #{0} of {1} ({2}) missing from {3}'.format(
                other + 1, name_b, _table_label(b[other][0]), name_a))
    return problems


def _row_label(row):
    return ', '.join('`{0}`'.format(span) for span in row) if row else '(prose cell)'


def _compare_headings(a, b, name_a, name_b):
    """Headings aligned by level and the names in their sections, then by level alone."""
    problems = []
    keys_a = [(level, names) for level, _title, names in a]
    keys_b = [(level, names) for level, _title, names in b]
    outer = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in outer.get_opcodes():
        if tag == 'equal':
            continue
        levels_a = [level for level, _names in keys_a[i1:i2]]
        levels_b = [level for level, _names in keys_b[j1:j2]]
        inner = difflib.SequenceMatcher(None, levels_a, levels_b, autojunk=False)
        for tag2, k1, k2, l1, l2 in inner.get_opcodes():
            if tag2 == 'equal':
                continue
            for index in range(i1 + k1, i1 + k2):
                problems.append('heading #{0} of {1} ({2} {3}) has no counterpart in {4}'.format(
                    index + 1, name_a, '#' * a[index][0], a[index][1], name_b))
            for index in range(j1 + l1, j1 + l2):
                problems.append('heading #{0} of {1} ({2} {3}) has no counterpart in {4}'.format(
                    index + 1, name_b, '#' * b[index][0], b[index][1], name_a))
    return problems


def compare(text_a, text_b, name_a='README.md', name_b='README.ja.md', parts=('blocks', 'named', 'tables', 'headings')):
    """Every difference between two READMEs, one message each."""
    a = parse(text_a)
    b = parse(text_b)
    checks = {
        'blocks': _compare_blocks,
        'named': _compare_named,
        'tables': _compare_tables,
        'headings': _compare_headings,
    }
    problems = []
    for part in parts:
        problems.extend(checks[part](a[part], b[part], name_a, name_b))
    return problems
