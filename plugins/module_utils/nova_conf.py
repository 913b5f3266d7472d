# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Round-trip parser/editor for oslo.config style INI files (nova.conf).

The parser follows ``oslo_config.iniparser`` closely so that what it reads
is what nova reads:

* ``[name]`` starts a section; the header must end with ``]``.
* Lines starting with ``#`` or ``;`` are comments.
* ``key = value`` or ``key: value`` (the first of ``=`` / ``:`` wins).
  The value is stripped and one pair of matching surrounding quotes is
  removed.
* A line starting with a space or tab continues the value of the option
  line above it (the values are joined with a newline).  A blank line, a
  comment or a section header ends an option.
* Sections may repeat; oslo.config merges them.  Section names are matched
  like oslo.config does: ``DEFAULT`` exactly, every other name
  case-insensitively.

The file is kept as a list of entries that each own their physical lines,
line endings included, so that everything the caller does not edit is
rendered back byte for byte.  Text is plain ``str``; callers decode the file
with ``utf-8`` / ``surrogateescape`` so that undecodable bytes survive too.

Only the INI flavour is implemented.  The value helpers (:func:`to_values`,
:func:`read_value`) and :meth:`NovaConf.items` are independent of the INI
layout, so a later renderer for Diablo-era flagfiles (``--flag=value``, one
per line, no sections) can reuse them.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
# For the type comments.
from typing import List, Optional, Sequence, Tuple  # noqa: F401, pylint: disable=unused-import

from ansible_collections.novaops.console_migration.plugins.module_utils.common import LineError


DEFAULT_SECTION = 'DEFAULT'

# Entry kinds.
BLANK = 'blank'
COMMENT = 'comment'
SECTION = 'section'
OPTION = 'option'

# One physical line with its line ending; the last line may have none.
_LINE_RE = re.compile(r'[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z')
_BOM = u'\ufeff'


class NovaConfError(LineError):
    """A file that cannot be parsed, or an edit that cannot be decided.

    ``lineno``/``line`` point at the offending line (1-based) when there is
    one; ``linenos`` lists every relevant line number (for example all
    headers of a duplicated section).
    """

    def __init__(self, message, lineno=None, line=None, linenos=None):
        # type: (str, Optional[int], Optional[str], Optional[Sequence[int]]) -> None
        super(NovaConfError, self).__init__(message, lineno, line)
        if linenos is None:
            linenos = [] if lineno is None else [lineno]
        self.linenos = list(linenos)


def normalize_section(name):
    # type: (str) -> str
    """Key under which oslo.config merges a section: DEFAULT, or lower case."""
    return name if name == DEFAULT_SECTION else name.lower()


def read_value(text):
    # type: (str) -> str
    """Value of the text right of the separator, as oslo.config reads it."""
    value = text.strip()
    if value and value[0] == value[-1] and value.startswith(('"', "'")):
        value = value[1:-1]
    return value


def format_scalar(value):
    # type: (object) -> str
    """Render one scalar the way oslo.config expects it.

    Booleans become ``true``/``false``; numbers use ``str()``.  Raises
    ``TypeError`` for anything else than str, bool, int or float.
    """
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise TypeError('must be a string, number or boolean, got %s' % type(value).__name__)


def to_values(value, multi=False):
    # type: (object, bool) -> List[str]
    """Turn a user value into the list of option values to write.

    A list is comma-joined into one value (oslo ``ListOpt``) unless ``multi``
    is set, in which case every item becomes its own line (``MultiStrOpt``).
    A scalar with ``multi`` is a one-item list.  Raises ``TypeError`` for
    unsupported types and ``ValueError`` for line breaks or an empty multi
    list.
    """
    if isinstance(value, (list, tuple)):
        items = []
        for index, item in enumerate(value):
            try:
                items.append(format_scalar(item))
            except TypeError as exc:
                raise TypeError('list item %d %s' % (index, exc))
        values = items if multi else [','.join(items)]
    else:
        values = [format_scalar(value)]
    if not values:
        raise ValueError('must not be an empty list when multi=true; use state=absent to remove the option')
    for text in values:
        if '\n' in text or '\r' in text:
            raise ValueError('must not contain line breaks, got %r' % text)
    return values


def _strip_eol(line):
    # type: (str) -> str
    return line.rstrip('\r\n')


def _eol(line):
    # type: (str) -> str
    return line[len(_strip_eol(line)):]


def _separator(text):
    # type: (str) -> int
    """Index of the key/value separator (first of '=' and ':'), or -1."""
    found = [index for index in (text.find('='), text.find(':')) if index >= 0]
    return min(found) if found else -1


class _Entry:
    """One logical unit of the file and the physical lines it owns."""

    def __init__(self, kind, lines, lineno=None, name=None, key=None, value=None):
        # type: (str, List[str], Optional[int], Optional[str], Optional[str], Optional[str]) -> None
        self.kind = kind
        self.lines = lines          # physical lines, line endings included
        self.lineno = lineno        # first line in the parsed file, None if added
        self.name = name            # section name (SECTION)
        self.key = key              # option name (OPTION)
        self.value = value          # value as oslo reads it (OPTION)

    def ensure_eol(self, newline):
        # type: (str) -> None
        """Give the last physical line a line ending if it has none."""
        if self.lines and not _eol(self.lines[-1]):
            self.lines[-1] += newline


class NovaConf:
    """An oslo.config INI file that can be edited without reformatting it.

    >>> conf = NovaConf.parse('[vnc]\\nenabled=false\\n')
    >>> conf.set('vnc', 'enabled', ['true'])
    True
    >>> conf.render()
    '[vnc]\\nenabled=true\\n'
    """

    def __init__(self):
        # type: () -> None
        self._entries = []  # type: List[_Entry]
        self.newline = '\n'
        self._bom = ''

    # -- parsing ----------------------------------------------------------

    @classmethod
    def parse(cls, text):
        # type: (str) -> NovaConf
        """Parse ``text``; raise :class:`NovaConfError` like oslo.config would."""
        conf = cls()
        if text.startswith(_BOM):
            conf._bom, text = _BOM, text[1:]
        lines, conf.newline = split_lines(text)
        current = None  # type: Optional[_Entry]
        in_section = False
        for lineno, line in enumerate(lines, 1):
            body = _strip_eol(line)
            stripped = body.rstrip()
            if not stripped:
                current = None
                conf._entries.append(_Entry(BLANK, [line], lineno))
            elif body.startswith((' ', '\t')):
                if current is None:
                    raise NovaConfError('unexpected continuation line', lineno, body)
                current.lines.append(line)
                current.value += '\n' + stripped.lstrip()
            elif stripped.startswith('['):
                current = None
                if not stripped.endswith(']'):
                    raise NovaConfError("invalid section header (must end with ']')", lineno, body)
                if len(stripped) == 2:
                    raise NovaConfError('empty section name', lineno, body)
                in_section = True
                conf._entries.append(_Entry(SECTION, [line], lineno, name=stripped[1:-1]))
            elif stripped.startswith(('#', ';')):
                current = None
                conf._entries.append(_Entry(COMMENT, [line], lineno))
            else:
                sep = _separator(stripped)
                if sep < 0:
                    raise NovaConfError("no '=' or ':' found in assignment", lineno, body)
                key = stripped[:sep].strip()
                if not key:
                    raise NovaConfError('key cannot be empty', lineno, body)
                if not in_section:
                    raise NovaConfError('option before the first section header', lineno, body)
                current = _Entry(OPTION, [line], lineno, key=key, value=read_value(stripped[sep + 1:]))
                conf._entries.append(current)
        return conf

    # -- queries ----------------------------------------------------------

    def render(self):
        # type: () -> str
        """The file text; untouched lines are exactly as parsed."""
        return self._bom + ''.join(line for entry in self._entries for line in entry.lines)

    def sections(self):
        # type: () -> List[str]
        """Section names in file order, each merged section once."""
        seen = set()
        names = []
        for entry in self._entries:
            if entry.kind == SECTION and normalize_section(entry.name) not in seen:
                seen.add(normalize_section(entry.name))
                names.append(entry.name)
        return names

    def items(self):
        # type: () -> List[Tuple[str, str, str]]
        """Every (section, option, value) in file order, as oslo reads them."""
        result = []
        section = None
        for entry in self._entries:
            if entry.kind == SECTION:
                section = entry.name
            elif entry.kind == OPTION:
                result.append((section, entry.key, entry.value))
        return result

    def get(self, section, option):
        # type: (str, str) -> List[str]
        """All values of ``option`` in ``section`` (all blocks), in file order.

        oslo.config uses the last one for a normal option and all of them for
        a multi-valued option.  An absent option gives ``[]``.
        """
        return [self._entries[i].value for block in self._blocks(section)
                for i in self._occurrences(block, option)]

    # -- edits ------------------------------------------------------------

    def set(self, section, option, values):
        # type: (str, str, Sequence[str]) -> bool
        """Make ``values`` the only lines of ``option`` in ``section``.

        One value is a normal option, several are written as one line each
        (multi-valued option).  Values are written stripped.  Existing lines
        are replaced in place, keeping their key and separator spacing; a new
        option goes after the last non-blank line of its section; a missing
        section is appended to the file.  Returns whether anything changed.
        """
        values = [value.strip() for value in values]
        if not values:
            raise ValueError('set() needs at least one value; use remove()')
        if self.get(section, option) == [read_value(value) for value in values]:
            return False

        blocks = self._blocks(section)
        if not blocks:
            self._append_section(section, option, values)
            return True
        holders = [block for block in blocks if self._occurrences(block, option)]
        if len(blocks) > 1 and len(holders) != 1:
            linenos = [self._entries[block[0]].lineno for block in blocks]
            raise NovaConfError(
                'section [%s] appears %d times (lines %s); cannot decide where option %r belongs'
                % (section, len(blocks), ', '.join(str(n) for n in linenos), option),
                linenos=linenos)
        block = holders[0] if holders else blocks[0]

        found = self._occurrences(block, option)
        if not found:
            position = self._last_non_blank(block) + 1
            self._entries[position - 1].ensure_eol(self.newline)
            new = [self._new_option(option, value, self.newline) for value in values]
            self._entries[position:position] = new
            return True

        first = self._entries[found[0]]
        new = self._replacement(first, option, values)
        for index in reversed(found[1:]):
            del self._entries[index]
        self._entries[found[0]:found[0] + 1] = new
        return True

    def remove(self, section, option):
        # type: (str, str) -> bool
        """Remove every line of ``option`` in every block of ``section``."""
        doomed = [i for block in self._blocks(section) for i in self._occurrences(block, option)]
        for index in reversed(doomed):
            del self._entries[index]
        return bool(doomed)

    # -- helpers ----------------------------------------------------------

    def _blocks(self, section):
        # type: (str) -> List[Tuple[int, int]]
        """(header index, end index) of every block of ``section``."""
        wanted = normalize_section(section)
        headers = [i for i, entry in enumerate(self._entries) if entry.kind == SECTION]
        ends = headers[1:] + [len(self._entries)]
        return [(start, end) for start, end in zip(headers, ends)
                if normalize_section(self._entries[start].name) == wanted]

    def _occurrences(self, block, option):
        # type: (Tuple[int, int], str) -> List[int]
        return [i for i in range(block[0] + 1, block[1])
                if self._entries[i].kind == OPTION and self._entries[i].key == option]

    def _last_non_blank(self, block):
        # type: (Tuple[int, int]) -> int
        index = block[1] - 1
        while self._entries[index].kind == BLANK:
            index -= 1
        return index

    def _append_section(self, section, option, values):
        # type: (str, str, List[str]) -> None
        if self._entries:
            self._entries[-1].ensure_eol(self.newline)
            if self._entries[-1].kind != BLANK:
                self._entries.append(_Entry(BLANK, [self.newline]))
        self._entries.append(_Entry(SECTION, ['[%s]%s' % (section, self.newline)], name=section))
        self._entries.extend(self._new_option(option, value, self.newline) for value in values)

    @staticmethod
    def _new_option(option, value, eol):
        # type: (str, str, str) -> _Entry
        text = '%s = %s' % (option, value) if value else '%s =' % option
        return _Entry(OPTION, [text + eol], key=option, value=read_value(value))

    def _replacement(self, entry, option, values):
        # type: (_Entry, str, List[str]) -> List[_Entry]
        """New entries for ``values`` that copy the key/separator of ``entry``."""
        first = _strip_eol(entry.lines[0])
        sep = _separator(first)
        after = first[sep + 1:]
        if after.strip():
            prefix = first[:len(first) - len(after.lstrip())]
        else:
            # No old value to align with: mirror the spacing left of the separator.
            prefix = first[:sep + 1] + (' ' if first[:sep].endswith((' ', '\t')) else '')
        last_eol = _eol(entry.lines[-1])
        result = []
        for position, value in enumerate(values):
            eol = last_eol if position == len(values) - 1 else (last_eol or self.newline)
            result.append(_Entry(OPTION, [(prefix + value).rstrip() + eol],
                                 key=option, value=read_value(value)))
        return result


def _dominant_newline(lines):
    # type: (List[str]) -> str
    """Most frequent line ending; '\\n' when there is none or on a tie."""
    counts = {'\n': 0, '\r\n': 0, '\r': 0}
    for line in lines:
        eol = _eol(line)
        if eol:
            counts[eol] += 1
    best = max(counts.values())
    for newline in ('\n', '\r\n', '\r'):
        if counts[newline] == best:
            return newline
    return '\n'  # pragma: no cover


def split_lines(text):
    # type: (str) -> Tuple[List[str], str]
    """Physical lines of ``text`` (line endings kept, the last may have none) and its dominant line ending."""
    lines = _LINE_RE.findall(text)
    return lines, _dominant_newline(lines)
