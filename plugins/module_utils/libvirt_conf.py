# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Round-trip editors for libvirt's daemon configuration, no Ansible imports.

* :class:`LibvirtConf` - libvirt's own ``key = value`` files
  (``/etc/libvirt/libvirtd.conf``, ``virtproxyd.conf``, ``qemu.conf``), read
  the way libvirt's ``virconf`` parser reads them: ``#`` comments, integers,
  quoted strings (``"..."``, ``'...'``, ``\"\"\"...\"\"\"``) and lists
  ``[ "a", "b" ]`` that may span lines.
* :class:`ShellVars` - shell fragments of ``KEY="value"`` lines such as
  ``/etc/sysconfig/libvirtd``, ``/etc/default/libvirtd`` or
  ``/etc/default/libvirt-bin``.
* :func:`has_listen_flag`, :func:`add_listen_flag`, :func:`strip_listen_flag`
  - the ``-l``/``--listen`` option of libvirtd in an argument string.
* :func:`upstart_add_listen` - the ``exec /usr/sbin/libvirtd ...`` line of an
  upstart job (``/etc/init/libvirt-bin.conf``).

Both editors keep every line they do not edit byte for byte (line endings
included).  A key that is set replaces its active line in place; a key that
has no active line is inserted right after its commented default (the last
``#key = ...`` line, as shipped by the packages), or appended at the end of
the file.  Text is plain ``str``; callers decode files with ``utf-8`` /
``surrogateescape``.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
# For the type comments.
from typing import List, Optional, Sequence, Tuple, Union  # noqa: F401, pylint: disable=unused-import

from ansible_collections.novaops.console_migration.plugins.module_utils.common import LineError
# Line endings are handled as in nova.conf.
from ansible_collections.novaops.console_migration.plugins.module_utils.nova_conf import (
    _eol,
    _strip_eol,
    split_lines,
)


# Names virconf accepts (virConfParseName): a letter or '_' first.
_NAME_RE = re.compile(r'[A-Za-z_][A-Za-z0-9_.:\-]*')
_INT_RE = re.compile(r'[+-]?[0-9]+')
_BLANKS = ' \t'


class LibvirtConfError(LineError):
    """A file that libvirt could not parse either, or a value it cannot hold."""


# -- libvirt values -----------------------------------------------------------

def _normalize(value):
    """``value`` with booleans as integers and tuples as lists; checks types."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if '\n' in value or '\r' in value:
            raise LibvirtConfError('string values must not contain line breaks, got %r' % value)
        if '"' in value and "'" in value:
            raise LibvirtConfError('string values cannot contain both kinds of quotes, got %r' % value)
        return value
    if isinstance(value, (list, tuple)):
        return [_normalize(item) for item in value]
    raise LibvirtConfError('values must be integers, strings or lists of them, got %s' % type(value).__name__)


def same_value(left, right):
    """Whether two parsed values are the same for libvirt (type included).

    ``"16509"`` and ``16509`` differ: libvirt reads ports with
    ``virConfGetValueString`` and refuses an integer.
    """
    if isinstance(left, list) or isinstance(right, list):
        return (isinstance(left, list) and isinstance(right, list) and len(left) == len(right)
                and all(same_value(a, b) for a, b in zip(left, right)))
    if isinstance(left, bool):
        left = int(left)
    if isinstance(right, bool):
        right = int(right)
    return type(left) is type(right) and left == right


def render_value(value):
    # type: (object) -> str
    """``value`` in libvirt syntax: integers bare, strings double-quoted, lists ``[ "a", "b" ]``."""
    value = _normalize(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        quote = "'" if '"' in value else '"'
        return quote + value + quote
    if not value:
        return '[ ]'
    return '[ ' + ', '.join(render_value(item) for item in value) + ' ]'


class _Scanner:
    """Reads one statement of a virconf file starting at ``pos``."""

    def __init__(self, text, starts):
        # type: (str, List[int]) -> None
        self.text = text
        self.starts = starts  # offset of the start of each physical line

    def lineno(self, pos):
        # type: (int) -> int
        low, high = 0, len(self.starts) - 1
        while low < high:
            mid = (low + high + 1) // 2
            if self.starts[mid] <= pos:
                low = mid
            else:
                high = mid - 1
        return low + 1

    def fail(self, message, pos):
        raise LibvirtConfError(message, self.lineno(pos))

    def peek(self, pos, size=1):
        # type: (int, int) -> str
        return self.text[pos:pos + size]

    def skip_blanks(self, pos):
        # type: (int) -> int
        while pos < len(self.text) and self.text[pos] in _BLANKS:
            pos += 1
        return pos

    def skip_blanks_eol_comments(self, pos):
        # type: (int) -> int
        while pos < len(self.text):
            char = self.text[pos]
            if char in _BLANKS or char in '\r\n':
                pos += 1
            elif char == '#':
                while pos < len(self.text) and self.text[pos] not in '\r\n':
                    pos += 1
            else:
                break
        return pos

    def statement(self, pos):
        # type: (int) -> Tuple[str, object, int]
        """(name, value, offset after the statement's line ending)."""
        pos = self.skip_blanks(pos)
        match = _NAME_RE.match(self.text, pos)
        if not match:
            self.fail('expected a setting name', pos)
        name = match.group(0)
        pos = self.skip_blanks(match.end())
        if self.peek(pos) != '=':
            self.fail("expected '=' after %r" % name, pos)
        pos = self.skip_blanks(pos + 1)
        value, pos = self.value(pos)
        pos = self.skip_blanks(pos)
        if self.peek(pos) == ';':
            pos = self.skip_blanks(pos + 1)
        if self.peek(pos) == '#':
            while pos < len(self.text) and self.text[pos] not in '\r\n':
                pos += 1
        if pos < len(self.text):
            if self.peek(pos, 2) == '\r\n':
                pos += 2
            elif self.peek(pos) in ('\r', '\n'):
                pos += 1
            else:
                self.fail('expected the end of the line after the value of %r' % name, pos)
        return name, value, pos

    def value(self, pos):
        # type: (int) -> Tuple[object, int]
        text = self.text
        if text.startswith('"""', pos):
            end = text.find('"""', pos + 3)
            if end < 0:
                self.fail('unterminated """ string', pos)
            return text[pos + 3:end], end + 3
        char = self.peek(pos)
        if char in ('"', "'"):
            end = pos + 1
            while end < len(text) and text[end] != char and text[end] not in '\r\n':
                end += 1
            if end >= len(text) or text[end] != char:
                self.fail('unterminated string', pos)
            return text[pos + 1:end], end + 1
        if char == '[':
            items = []
            pos = self.skip_blanks_eol_comments(pos + 1)
            if self.peek(pos) == ']':
                return items, pos + 1
            while True:
                item, pos = self.value(pos)
                items.append(item)
                pos = self.skip_blanks_eol_comments(pos)
                char = self.peek(pos)
                if char == ']':
                    return items, pos + 1
                if char != ',':
                    self.fail("expected ',' or ']' in a list", pos)
                pos = self.skip_blanks_eol_comments(pos + 1)
                if self.peek(pos) == ']':
                    return items, pos + 1
        match = _INT_RE.match(text, pos)
        if match:
            return int(match.group(0)), match.end()
        self.fail('expected a value (number, quoted string or list)', pos)
        return None, pos  # pragma: no cover - fail() raises


class _Chunk:
    """Physical lines of the file: one statement, or one other line."""

    def __init__(self, lines, name=None, value=None, lineno=None):
        # type: (List[str], Optional[str], object, Optional[int]) -> None
        self.lines = lines
        self.name = name      # None for comments and blank lines
        self.value = value
        self.lineno = lineno  # first line in the parsed file, None if added

    def ensure_eol(self, newline):
        # type: (str) -> None
        if self.lines and not _eol(self.lines[-1]):
            self.lines[-1] += newline


def _commented_name(line):
    # type: (str) -> Optional[str]
    """Name of a commented default such as ``#listen_tls = 0``, else None.

    At most one blank after ``#``, so that prose like
    ``#   audit_level == 0  -> disable all auditing`` is not taken.
    """
    match = re.match(r'#[ \t]?([A-Za-z_][A-Za-z0-9_.:\-]*)[ \t]*=(?!=)', line)
    return match.group(1) if match else None


class LibvirtConf:
    """A libvirt ``key = value`` configuration file, editable in place.

    >>> conf = LibvirtConf.parse('#listen_tcp = 1\\n')
    >>> conf.set('listen_tcp', 1)
    True
    >>> conf.render()
    '#listen_tcp = 1\\nlisten_tcp = 1\\n'
    >>> conf.get('listen_tcp')
    1
    """

    def __init__(self):
        # type: () -> None
        self._chunks = []  # type: List[_Chunk]
        self.newline = '\n'

    @classmethod
    def parse(cls, text):
        # type: (str) -> LibvirtConf
        """Parse ``text``; raise :class:`LibvirtConfError` where libvirt would fail too."""
        conf = cls()
        lines, conf.newline = split_lines(text)
        starts = []
        offset = 0
        for line in lines:
            starts.append(offset)
            offset += len(line)
        scanner = _Scanner(text, starts or [0])
        index = 0
        while index < len(lines):
            body = _strip_eol(lines[index]).strip(_BLANKS)
            if not body or body.startswith('#'):
                conf._chunks.append(_Chunk([lines[index]], lineno=index + 1))
                index += 1
                continue
            name, value, end = scanner.statement(starts[index])
            last = len(lines) - 1 if end >= len(text) else scanner.lineno(end) - 2
            conf._chunks.append(_Chunk(lines[index:last + 1], name=name, value=value, lineno=index + 1))
            index = last + 1
        return conf

    def render(self):
        # type: () -> str
        return ''.join(line for chunk in self._chunks for line in chunk.lines)

    def items(self):
        # type: () -> List[Tuple[str, object]]
        """Every active (name, value) in file order."""
        return [(chunk.name, chunk.value) for chunk in self._chunks if chunk.name is not None]

    def get(self, name, default=None):
        """Value of ``name``, or ``default`` if it has no active line.

        libvirt uses the first line of a name (``virConfGetValue``).
        """
        for chunk in self._chunks:
            if chunk.name == name:
                return chunk.value
        return default

    def set(self, name, value):
        # type: (str, object) -> bool
        """Make ``name = value`` the only active line of ``name``; return whether the text changed.

        The first active line is replaced in place (later duplicates are
        removed); without one, the line goes right after the last commented
        default of ``name``, or at the end of the file.
        """
        if not _NAME_RE.match(name) or _NAME_RE.match(name).group(0) != name:
            raise LibvirtConfError('invalid setting name %r' % (name,))
        value = _normalize(value)
        found = [i for i, chunk in enumerate(self._chunks) if chunk.name == name]
        if found:
            first = self._chunks[found[0]]
            changed = len(found) > 1
            for index in reversed(found[1:]):
                del self._chunks[index]
            if same_value(first.value, value):
                return changed
            eol = _eol(first.lines[-1])
            first.lines = ['%s = %s%s' % (name, render_value(value), eol)]
            first.value = value
            return True
        position = self._after_commented(name)
        if position is None:
            position = len(self._chunks)
        if position > 0:
            self._chunks[position - 1].ensure_eol(self.newline)
        line = '%s = %s%s' % (name, render_value(value), self.newline)
        self._chunks.insert(position, _Chunk([line], name=name, value=value))
        return True

    def remove(self, name):
        # type: (str) -> bool
        """Remove every active line of ``name``."""
        found = [i for i, chunk in enumerate(self._chunks) if chunk.name == name]
        for index in reversed(found):
            del self._chunks[index]
        return bool(found)

    def _after_commented(self, name):
        # type: (str) -> Optional[int]
        """Chunk index right after the last commented default of ``name``.

        A commented list that continues on the next comment lines
        (``#cgroup_device_acl = [`` ... ``#]``) is passed as a whole.
        """
        position = None
        index = 0
        while index < len(self._chunks):
            chunk = self._chunks[index]
            index += 1
            if chunk.name is not None:
                continue
            body = _strip_eol(chunk.lines[0])
            if _commented_name(body) != name:
                continue
            rest = body.split('=', 1)[1]
            if '[' in rest and ']' not in rest:
                while index < len(self._chunks) and self._chunks[index].name is None:
                    line = _strip_eol(self._chunks[index].lines[0])
                    if not line.lstrip(_BLANKS).startswith('#'):
                        break
                    index += 1
                    if ']' in line:
                        break
            position = index
        return position


# -- shell fragments ----------------------------------------------------------

_ASSIGN_RE = re.compile(r'([ \t]*)(export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)\Z')
_SHELL_SPECIAL = '$`'


class ShellVarsError(Exception):
    """A variable whose value cannot be read or edited safely."""


def _shell_word(text):
    # type: (str) -> Tuple[str, str]
    """Value of the shell word at the start of ``text``, and the text after it.

    Raises ``ValueError`` for values computed by the shell (``$``, backquotes)
    or unterminated quotes.
    """
    value = []
    pos = 0
    while pos < len(text) and text[pos] not in ' \t':
        char = text[pos]
        if char == "'":
            end = text.find("'", pos + 1)
            if end < 0:
                raise ValueError('unterminated single quote')
            value.append(text[pos + 1:end])
            pos = end + 1
        elif char == '"':
            pos += 1
            while True:
                if pos >= len(text):
                    raise ValueError('unterminated double quote')
                char = text[pos]
                if char == '"':
                    pos += 1
                    break
                if char == '\\' and pos + 1 < len(text) and text[pos + 1] in '$`"\\':
                    value.append(text[pos + 1])
                    pos += 2
                    continue
                if char in _SHELL_SPECIAL:
                    raise ValueError('value uses shell expansion (%s)' % char)
                value.append(char)
                pos += 1
        elif char == '\\':
            if pos + 1 >= len(text):
                raise ValueError('line continuation')
            value.append(text[pos + 1])
            pos += 2
        elif char in _SHELL_SPECIAL or char in ';&|<>()':
            raise ValueError('value uses shell syntax (%s)' % char)
        else:
            value.append(char)
            pos += 1
    return ''.join(value), text[pos:]


def shell_quote(value):
    # type: (str) -> str
    """``value`` in double quotes, escaped for the shell."""
    if '\n' in value or '\r' in value:
        raise ShellVarsError('values must not contain line breaks, got %r' % value)
    return '"%s"' % re.sub(r'([\\"$`])', r'\\\1', value)


class _Line:
    def __init__(self, text, name=None, value=None, error=None):
        # type: (str, Optional[str], Optional[str], Optional[str]) -> None
        self.text = text     # with line ending
        self.name = name     # variable assigned on this line
        self.value = value   # its value, None if it cannot be read
        self.error = error   # why it cannot be read


def _read_line(line):
    # type: (str) -> _Line
    """``line`` with the variable it assigns and the value, or why the value cannot be read."""
    match = _ASSIGN_RE.match(_strip_eol(line))
    if not match:
        return _Line(line)
    name = match.group(3)
    try:
        value, rest = _shell_word(match.group(4))
        rest = rest.strip(_BLANKS)
        if rest and not rest.startswith('#'):
            raise ValueError('more than one word after %s=' % name)
    except ValueError as exc:
        return _Line(line, name=name, error=str(exc))
    return _Line(line, name=name, value=value)


class ShellVars:
    """``KEY=value`` lines of a shell fragment sourced by an init system.

    Only simple assignments are understood (one per line, optionally with
    ``export``); values computed by the shell are refused rather than guessed.
    """

    def __init__(self, lines=(), newline='\n'):
        # type: (Sequence[_Line], str) -> None
        self._lines = list(lines)
        self.newline = newline

    @classmethod
    def parse(cls, text):
        # type: (str) -> ShellVars
        """Parse ``text``; a value that cannot be read is refused only when its variable is read or edited."""
        lines, newline = split_lines(text)
        return cls([_read_line(line) for line in lines], newline)

    def render(self):
        # type: () -> str
        return ''.join(line.text for line in self._lines)

    def _active(self, name):
        # type: (str) -> List[int]
        return [i for i, line in enumerate(self._lines) if line.name == name]

    def _readable(self, name):
        # type: (str) -> List[int]
        found = self._active(name)
        for index in found:
            line = self._lines[index]
            if line.error is not None:
                raise ShellVarsError('line %d: cannot edit %s safely (%s): %r'
                                     % (index + 1, name, line.error, _strip_eol(line.text)))
        return found

    def has(self, name):
        # type: (str) -> bool
        return bool(self._active(name))

    def has_commented(self, name):
        # type: (str) -> bool
        return self._commented(name) is not None

    def get(self, name, default=None):
        """Value of the last assignment of ``name`` (the one the shell keeps)."""
        found = self._readable(name)
        return self._lines[found[-1]].value if found else default

    def values(self, name):
        # type: (str) -> List[str]
        """Values of every assignment of ``name``, in file order."""
        return [self._lines[i].value for i in self._readable(name)]

    def set(self, name, value):
        # type: (str, str) -> bool
        """Set ``name="value"``: last assignment replaced in place, else after ``#name=...``, else appended."""
        found = self._readable(name)
        text = '%s=%s' % (name, shell_quote(value))
        if found:
            line = self._lines[found[-1]]
            if line.value == value:
                return False
            match = _ASSIGN_RE.match(_strip_eol(line.text))
            dummy, rest = _shell_word(match.group(4))
            comment = rest if rest.strip(_BLANKS) else ''
            line.text = match.group(1) + (match.group(2) or '') + text + comment + _eol(line.text)
            line.value = value
            return True
        position = self._commented(name)
        if position is None:
            position = len(self._lines)
        else:
            position += 1
        if position > 0 and not _eol(self._lines[position - 1].text):
            self._lines[position - 1].text += self.newline
        self._lines.insert(position, _Line(text + self.newline, name=name, value=value))
        return True

    def replace_values(self, name, func):
        # type: (str, object) -> bool
        """Apply ``func(value) -> str or None`` to every assignment; None removes the line."""
        changed = False
        for index in reversed(self._readable(name)):
            line = self._lines[index]
            new = func(line.value)
            if new is None:
                del self._lines[index]
                changed = True
            elif new != line.value:
                match = _ASSIGN_RE.match(_strip_eol(line.text))
                dummy, rest = _shell_word(match.group(4))
                comment = rest if rest.strip(_BLANKS) else ''
                line.text = (match.group(1) + (match.group(2) or '') + '%s=%s' % (name, shell_quote(new))
                             + comment + _eol(line.text))
                line.value = new
                changed = True
        return changed

    def _commented(self, name):
        # type: (str) -> Optional[int]
        """Index of the last ``#name=...`` line."""
        position = None
        pattern = re.compile(r'[ \t]*#[ \t]?(export[ \t]+)?%s=' % re.escape(name))
        for index, line in enumerate(self._lines):
            if line.name is None and pattern.match(line.text):
                position = index
        return position


# -- the --listen flag --------------------------------------------------------

LISTEN_LONG = '--listen'
LISTEN_SHORT = '-l'
# Short options of libvirtd that take no argument and may be grouped (-dl).
_FLAG_CLUSTER_RE = re.compile(r'^-[dvl]+$')


def _is_listen(token):
    # type: (str) -> bool
    return token == LISTEN_LONG or (bool(_FLAG_CLUSTER_RE.match(token)) and 'l' in token)


def has_listen_flag(args):
    # type: (str) -> bool
    """Whether the libvirtd argument string ``args`` has ``-l``/``--listen`` (also grouped, ``-dl``)."""
    return any(_is_listen(token) for token in args.split())


def add_listen_flag(args, flag=LISTEN_LONG):
    # type: (str, str) -> str
    """``args`` with ``flag`` appended, unless it already listens."""
    if has_listen_flag(args):
        return args
    return (args.rstrip() + ' ' + flag) if args.strip() else flag


def strip_listen_flag(args):
    # type: (str) -> str
    """``args`` without ``-l``/``--listen`` (``-dl`` becomes ``-d``); unchanged if it has none."""
    if not has_listen_flag(args):
        return args
    tokens = []
    for token in args.split():
        if token == LISTEN_LONG:
            continue
        if _is_listen(token):
            token = token.replace('l', '')
            if token == '-':
                continue
        tokens.append(token)
    return ' '.join(tokens)


# -- upstart ------------------------------------------------------------------

_EXEC_RE = re.compile(r'([ \t]*exec[ \t]+\S*libvirtd)((?:[ \t][^#]*?)?)([ \t]*(?:#.*)?)\Z')
_ENV_RE = re.compile(r'([ \t]*env[ \t]+)(libvirtd_opts)=(.*)\Z')

UPSTART_CHANGED = 'changed'
UPSTART_PRESENT = 'present'
UPSTART_VARIABLE = 'variable'
UPSTART_MISSING = 'missing'


def upstart_add_listen(text, default_handled=False):
    # type: (str, bool) -> Tuple[str, str]
    """Add ``-l`` to the ``exec .../libvirtd ...`` line(s) of an upstart job.

    Returns ``(new_text, status)``; status is ``changed``, ``present`` (every
    exec line listens already), ``variable`` (an exec line passes
    ``$libvirtd_opts`` and the flag is left to ``/etc/default/libvirt-bin``)
    or ``missing`` (no exec line of libvirtd).  With ``default_handled``
    false (no ``/etc/default/libvirt-bin`` is edited), the job's own
    ``env libvirtd_opts="..."`` line gets the flag instead; without such a
    line the status stays ``variable``.
    """
    lines, dummy = split_lines(text)
    found = False
    variable = False
    changed = False
    for index, line in enumerate(lines):
        match = _EXEC_RE.match(_strip_eol(line))
        if not match:
            continue
        found = True
        head, args, tail = match.groups()
        if has_listen_flag(args):
            continue
        if '$' in args:
            variable = True
            continue
        lines[index] = head + args.rstrip(_BLANKS) + ' ' + LISTEN_SHORT + tail + _eol(line)
        changed = True
    if not found:
        return text, UPSTART_MISSING
    if variable and not default_handled:
        for index, line in enumerate(lines):
            match = _ENV_RE.match(_strip_eol(line))
            if not match:
                continue
            try:
                value, rest = _shell_word(match.group(3))
            except ValueError:
                continue
            variable = False
            if has_listen_flag(value):
                continue
            lines[index] = (match.group(1) + 'libvirtd_opts=' + shell_quote(add_listen_flag(value, LISTEN_SHORT))
                            + rest + _eol(line))
            changed = True
    if changed:
        return ''.join(lines), UPSTART_CHANGED
    return text, UPSTART_VARIABLE if variable else UPSTART_PRESENT
