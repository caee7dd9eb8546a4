"""Path patterns such as ``/posts/<slug:slug>/``.

A pattern is literal text with placeholders written ``<name>`` or
``<converter:name>``. A placeholder without a converter uses ``str``. The
converters are:

``str``
    one path segment (no ``/``), percent-decoded when matching
``int``
    a non-negative integer
``slug``
    a slug as made by :mod:`slugroute.slugs`
``path``
    the rest of the path, ``/`` included
"""

import re
import urllib.parse

_PARAM_RE = re.compile("<(?:(?P<converter>[a-z]+):)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)>")


class PatternError(ValueError):
    """Raised when a pattern cannot be parsed."""


class BuildError(ValueError):
    """Raised when a path cannot be built from the given parameters."""


class Converter(object):
    """The ``str`` converter, and the base class of all converters.

    A converter has a ``regex`` that a raw path piece must match, a
    :meth:`to_python` step that may reject it by raising :class:`ValueError`
    (the pattern then does not match) and a :meth:`to_url` step used when
    building paths, which raises :class:`ValueError` for unusable values.
    """

    regex = "[^/]+"

    def to_python(self, value):
        """Convert a raw path piece into the value handed to handlers.

        :param value: the raw text matched by :attr:`regex`
        :returns: the converted value
        :raises ValueError: if the value is not acceptable
        """
        return urllib.parse.unquote(value)

    def to_url(self, value):
        """Convert a value into path text.

        :param value: the value given to :meth:`PathPattern.build`
        :returns: percent-encoded path text
        :raises ValueError: if the value cannot be put in a path
        """
        text = str(value)
        if not text:
            raise ValueError("empty value")
        return urllib.parse.quote(text, safe="")


class IntConverter(Converter):
    """The ``int`` converter."""

    regex = "[0-9]+"

    def to_python(self, value):
        """Convert digits to an ``int``.

        :param value: the matched digits
        :returns: the number
        """
        return int(value)

    def to_url(self, value):
        """Render a non-negative integer.

        :param value: the number
        :returns: its decimal digits
        :raises ValueError: if ``value`` is not a non-negative ``int``
        """
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError("{0!r} is not a non-negative integer".format(value))
        return str(value)


class SlugConverter(Converter):
    """The ``slug`` converter."""

    regex = "[a-z0-9]+(?:-[a-z0-9]+)*"

    def to_python(self, value):
        """Return the slug unchanged.

        :param value: the matched slug
        :returns: the slug
        """
        return value

    def to_url(self, value):
        """Check that ``value`` looks like a slug and return it.

        :param value: the slug
        :returns: the slug
        :raises ValueError: if ``value`` is not a slug
        """
        if not isinstance(value, str) or re.fullmatch(self.regex, value) is None:
            raise ValueError("{0!r} is not a slug".format(value))
        return value


class PathConverter(Converter):
    """The ``path`` converter: the rest of the path, slashes included."""

    regex = "[^/].*"

    def to_url(self, value):
        """Percent-encode ``value`` but keep its slashes.

        :param value: the path
        :returns: percent-encoded path text
        :raises ValueError: if ``value`` is empty
        """
        text = str(value).lstrip("/")
        if not text:
            raise ValueError("empty path")
        return urllib.parse.quote(text, safe="/")


CONVERTERS = {
    "int": IntConverter(),
    "path": PathConverter(),
    "slug": SlugConverter(),
    "str": Converter(),
}


def _check_literal(text, pattern):
    """Reject literal pattern text that holds a broken placeholder.

    :param text: a literal piece of ``pattern``
    :param pattern: the whole pattern, for the error message
    :raises PatternError: if ``text`` contains ``<`` or ``>``
    """
    if "<" in text or ">" in text:
        raise PatternError("malformed placeholder in {0!r}".format(pattern))


class PathPattern(object):
    """A compiled path pattern.

    :param pattern: the pattern text; it must start with ``/``
    :raises PatternError: for a malformed pattern, an unknown converter or a
        parameter used twice
    """

    def __init__(self, pattern):
        if not pattern.startswith("/"):
            raise PatternError("pattern must start with '/': {0!r}".format(pattern))
        self.pattern = pattern
        self.converters = {}
        parts = ["^"]
        position = 0
        for found in _PARAM_RE.finditer(pattern):
            literal = pattern[position:found.start()]
            _check_literal(literal, pattern)
            parts.append(re.escape(literal))
            converter_name = found.group("converter") or "str"
            name = found.group("name")
            if converter_name not in CONVERTERS:
                raise PatternError("unknown converter {0!r} in {1!r}".format(converter_name, pattern))
            if name in self.converters:
                raise PatternError("parameter {0!r} used twice in {1!r}".format(name, pattern))
            converter = CONVERTERS[converter_name]
            self.converters[name] = converter
            parts.append("(?P<{0}>{1})".format(name, converter.regex))
            position = found.end()
        literal = pattern[position:]
        _check_literal(literal, pattern)
        parts.append(re.escape(literal))
        parts.append("$")
        self.regex = re.compile("".join(parts))

    @property
    def param_names(self):
        """The parameter names, in pattern order.

        :returns: a list of names
        """
        return list(self.converters)

    def match(self, path):
        """Match ``path`` against the pattern.

        :param path: a request path such as ``/posts/hello/``
        :returns: a dict of converted parameters, or ``None`` if the path does
            not match
        """
        found = self.regex.match(path)
        if found is None:
            return None
        params = {}
        for name, raw in found.groupdict().items():
            try:
                params[name] = self.converters[name].to_python(raw)
            except ValueError:
                return None
        return params

    def build(self, params):
        """Build a path from parameter values.

        :param params: a mapping with a value for every parameter
        :returns: the path
        :raises BuildError: if a parameter is missing or has an unusable value
        """
        parts = []
        position = 0
        for found in _PARAM_RE.finditer(self.pattern):
            parts.append(self.pattern[position:found.start()])
            name = found.group("name")
            if name not in params:
                raise BuildError("missing parameter {0!r} for {1!r}".format(name, self.pattern))
            try:
                parts.append(self.converters[name].to_url(params[name]))
            except ValueError as exc:
                raise BuildError("bad value for {0!r}: {1}".format(name, exc))
            position = found.end()
        parts.append(self.pattern[position:])
        return "".join(parts)
