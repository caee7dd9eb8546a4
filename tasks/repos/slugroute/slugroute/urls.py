"""Query strings and small URL helpers."""

import urllib.parse

SAFE_CHARS = "-._~"


def quote_component(value):
    """Percent-encode one query-string key or value.

    :param value: any value; it is converted with ``str()``
    :returns: the encoded text
    """
    return urllib.parse.quote(str(value), safe=SAFE_CHARS)


def build_query(params):
    """Build a query string from a mapping.

    Keys are emitted in sorted order so that generated URLs are stable.
    Keys whose value is ``None`` are left out.

    :param params: a mapping of keys to values
    :returns: the query string, without a leading ``?``
    """
    pairs = []
    for key in sorted(params):
        value = params[key]
        if value is None:
            continue
        pairs.append("{0}={1}".format(quote_component(key), quote_component(value)))
    return "&".join(pairs)


def parse_query(query_string):
    """Parse a query string (or a form body) into a dict of lists.

    :param query_string: text such as ``a=1&b=x+y&a=2``, with or without a
        leading ``?``
    :returns: a dict mapping each key to the list of its values, in order
    """
    result = {}
    for chunk in query_string.lstrip("?").split("&"):
        if not chunk:
            continue
        key, _, value = chunk.partition("=")
        key = urllib.parse.unquote_plus(key)
        result.setdefault(key, []).append(urllib.parse.unquote_plus(value))
    return result


def build_url(path, params):
    """Append a query string built from ``params`` to ``path``.

    :param path: a path, possibly with a query string already
    :param params: a mapping for :func:`build_query`, or ``None``
    :returns: the URL; just ``path`` when there is nothing to add
    """
    query = build_query(params or {})
    if not query:
        return path
    separator = "&" if "?" in path else "?"
    return "{0}{1}{2}".format(path, separator, query)


def split_url(url):
    """Split a URL into its path and query string, dropping any fragment.

    :param url: a URL such as ``/posts/?page=2#top``
    :returns: a ``(path, query_string)`` tuple; the path is at least ``/``
    """
    url = url.partition("#")[0]
    path, _, query_string = url.partition("?")
    return path or "/", query_string
