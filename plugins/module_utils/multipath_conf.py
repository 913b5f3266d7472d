# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops maintainers
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# SPDX-License-Identifier: Apache-2.0

"""Round-trip reader/editor for ``/etc/multipath.conf`` (``user_friendly_names``).

The layout follows the multipath-tools configuration parser:

* A line ``name {`` opens a section; sections nest (``devices { device {
  ... } }``, ``multipaths { multipath { ... } }``).  A line ``}`` closes the
  innermost section.
* Every other non-empty line is ``keyword value``.  A value may be quoted
  with double quotes (``"..."``); ``{`` and ``}`` inside quotes are text.
* ``#`` and ``!`` start a comment, at the start of a line or after the
  tokens of a line (outside quotes).
* ``user_friendly_names`` is a yes/no keyword: ``yes`` or ``1`` mean yes,
  ``no`` or ``0`` mean no.  It is valid in ``defaults``, ``overrides``,
  ``devices/device`` and ``multipaths/multipath``; the more specific
  sections take precedence over ``defaults``.

Only the top-level ``defaults`` sections are edited.  Every other line
(comments, blank lines, other keywords, other sections, line endings) is
rendered back byte for byte.  Layouts the multipath parser would not read
the same way (a brace among other tokens, a ``}`` without an open section,
an unclosed section) raise :class:`MultipathConfError` instead of being
guessed at.  Pure Python, no Ansible imports, Python 3.6 compatible.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re

KEYWORD = 'user_friendly_names'
DEFAULTS_SECTION = 'defaults'

# Entry kinds.
BLANK = 'blank'  # empty or comment-only line
OPEN = 'open'
CLOSE = 'close'
ITEM = 'item'

# One physical line with its line ending; the last line may have none.
_LINE_RE = re.compile(r'[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z')
_ENDING_RE = re.compile(r'(\r\n|\r|\n)\Z')
_YES = ('yes', '1')
_NO = ('no', '0')


class MultipathConfError(ValueError):
    """A file whose layout cannot be edited safely; ``lineno`` is 1-based."""

    def __init__(self, message, lineno=None):
        self.lineno = lineno
        if lineno is not None:
            message = 'line %d: %s' % (lineno, message)
        super(MultipathConfError, self).__init__(message)


def minimal_config(user_friendly_names=False):
    """The content written when there is no file: one ``defaults`` section."""
    return 'defaults {\n\t%s %s\n}\n' % (KEYWORD, yes_no(user_friendly_names))


def yes_no(flag):
    return 'yes' if flag else 'no'


def normalize(value):
    """``'yes'``/``'no'`` for the values multipath reads as such, else the text as given."""
    if value is None:
        return None
    low = value.lower()
    if low in _YES:
        return 'yes'
    if low in _NO:
        return 'no'
    return value


def tokenize(text):
    """Tokens of one line without its ending: ``(text, quoted, start, end)`` tuples.

    ``start``/``end`` index the token in ``text`` (quotes included).  An
    unterminated quote runs to the end of the line, as in multipath-tools.
    """
    tokens = []
    pos, size = 0, len(text)
    while pos < size:
        char = text[pos]
        if char in ' \t\f\v':
            pos += 1
            continue
        if char in '#!':
            break
        if char in '{}':
            tokens.append((char, False, pos, pos + 1))
            pos += 1
            continue
        if char == '"':
            close = text.find('"', pos + 1)
            end = size if close < 0 else close + 1
            tokens.append((text[pos + 1:close if close >= 0 else size], True, pos, end))
            pos = end
            continue
        start = pos
        while pos < size and text[pos] not in ' \t\f\v{}"':
            pos += 1
        tokens.append((text[start:pos], False, start, pos))
    return tokens


class _Line(object):

    def __init__(self, raw, kind, path, tokens):
        self.raw = raw
        self.kind = kind
        self.path = path      # tuple of the enclosing section names (for OPEN: including its own)
        self.tokens = tokens

    @property
    def body(self):
        match = _ENDING_RE.search(self.raw)
        return self.raw[:match.start()] if match else self.raw

    @property
    def ending(self):
        match = _ENDING_RE.search(self.raw)
        return match.group(1) if match else ''

    @property
    def key(self):
        return self.tokens[0][0] if self.kind == ITEM else None

    @property
    def value(self):
        """The value as multipath reads it ('' when the keyword has none)."""
        if self.kind != ITEM:
            return None
        return self.tokens[1][0] if len(self.tokens) > 1 else ''


class MultipathConf(object):
    """A parsed multipath.conf that renders back unchanged unless edited."""

    def __init__(self, lines):
        self.lines = lines

    @classmethod
    def parse(cls, text):
        lines = []
        stack = []
        for lineno, match in enumerate(_LINE_RE.finditer(text), 1):
            raw = match.group(0)
            body = _ENDING_RE.sub('', raw)
            tokens = tokenize(body)
            braces = [t for t in tokens if t[0] in '{}' and not t[1]]
            if not tokens:
                lines.append(_Line(raw, BLANK, tuple(stack), tokens))
            elif not braces:
                lines.append(_Line(raw, ITEM, tuple(stack), tokens))
            elif len(tokens) == 2 and tokens[1][0] == '{' and not tokens[1][1] and tokens[0][0] not in '{}':
                stack.append(tokens[0][0])
                lines.append(_Line(raw, OPEN, tuple(stack), tokens))
            elif len(tokens) == 1 and tokens[0][0] == '}':
                if not stack:
                    raise MultipathConfError("'}' closes no section", lineno)
                lines.append(_Line(raw, CLOSE, tuple(stack), tokens))
                stack.pop()
            else:
                raise MultipathConfError(
                    "unsupported layout %r: a section must open with 'name {' and close with '}' "
                    'on lines of their own' % body.strip(), lineno)
        if stack:
            raise MultipathConfError('section %r is not closed' % '/'.join(stack), len(lines))
        return cls(lines)

    def render(self):
        return ''.join(line.raw for line in self.lines)

    # ------------------------------------------------------------ reading

    def _defaults_items(self):
        return [(index, line) for index, line in enumerate(self.lines)
                if line.kind == ITEM and line.path == (DEFAULTS_SECTION,) and line.key == KEYWORD]

    def user_friendly_names(self):
        """The ``defaults`` value (``'yes'``, ``'no'``, other text) or None when unset.

        With several top-level ``defaults`` sections the last setting wins,
        as multipath reads them in order.
        """
        items = self._defaults_items()
        return normalize(items[-1][1].value) if items else None

    def other_settings(self):
        """``(section path, value, lineno)`` of the keyword outside the top-level defaults."""
        out = []
        for index, line in enumerate(self.lines):
            if line.kind == ITEM and line.key == KEYWORD and line.path != (DEFAULTS_SECTION,):
                out.append(('/'.join(line.path), normalize(line.value), index + 1))
        return out

    def line_ending(self):
        """The dominant line ending of the file (``\\n`` when it has none)."""
        counts = {}
        for line in self.lines:
            if line.ending:
                counts[line.ending] = counts.get(line.ending, 0) + 1
        if not counts:
            return '\n'
        return sorted(counts.items(), key=lambda item: (-item[1], item[0] != '\n'))[0][0]

    # ------------------------------------------------------------ editing

    def set_user_friendly_names(self, flag):
        """Make every top-level ``defaults`` section read ``flag``; True if anything changed.

        Existing keyword lines in the defaults sections get the new value in
        place (indentation, trailing comment and ending kept).  Without one,
        a line is added before the ``}`` of the first defaults section; with
        no defaults section at all, ``defaults { ... }`` is appended.
        """
        want = yes_no(flag)
        items = self._defaults_items()
        changed = False
        for index, line in items:
            if normalize(line.value) == want:
                continue
            body, tokens = line.body, line.tokens
            if len(tokens) > 1:
                start, end = tokens[1][2], tokens[1][3]
                body = body[:start] + want + body[end:]
            else:
                end = tokens[0][3]
                body = body[:end] + ' ' + want + body[end:]
            self.lines[index] = _Line(body + line.ending, ITEM, line.path, tokenize(body))
            changed = True
        if items:
            return changed

        eol = self.line_ending()
        opened = [i for i, line in enumerate(self.lines) if line.kind == OPEN and line.path == (DEFAULTS_SECTION,)]
        if opened:
            first = opened[0]
            close = next(i for i in range(first + 1, len(self.lines))
                         if self.lines[i].kind == CLOSE and self.lines[i].path == (DEFAULTS_SECTION,))
            indent = '\t'
            for line in self.lines[first + 1:close]:
                if line.kind == ITEM and line.path == (DEFAULTS_SECTION,):
                    indent = re.match(r'[ \t]*', line.body).group(0) or '\t'
                    break
            body = '%s%s %s' % (indent, KEYWORD, want)
            self.lines.insert(close, _Line(body + eol, ITEM, (DEFAULTS_SECTION,), tokenize(body)))
            return True

        if self.lines and not self.lines[-1].ending:
            last = self.lines[-1]
            self.lines[-1] = _Line(last.raw + eol, last.kind, last.path, last.tokens)
        for raw in minimal_config(flag).splitlines():
            self.lines.append(_Line(raw + eol, BLANK, (), []))
        # Re-parse so that the appended section is known to later calls.
        self.lines = MultipathConf.parse(self.render()).lines
        return True


def set_user_friendly_names(text, flag):
    """``(new_text, before)`` for ``text`` (None: no file) with ``flag`` set in defaults."""
    if text is None:
        return minimal_config(flag), None
    conf = MultipathConf.parse(text)
    before = conf.user_friendly_names()
    conf.set_user_friendly_names(flag)
    return conf.render(), before
