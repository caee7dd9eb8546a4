"""Slug rules for slugroute.

slugroute does not follow the slug rules of other libraries. These are ours,
and every part of slugroute that makes or checks slugs must agree with them:

1. Text is lower-cased and accents are stripped (``Café`` -> ``cafe``).
2. ``&`` is spelled out as the word ``and``; apostrophes are dropped
   (``Rock & Roll`` -> ``rock-and-roll``, ``Don't`` -> ``dont``).
3. Every other run of characters that are not ASCII letters or digits becomes
   a single ``-``. Digits are kept. A slug never starts or ends with ``-``.
4. A slug is at most :data:`MAX_SLUG_LENGTH` characters long. A longer slug is
   cut at the last word boundary (``-``) that fits; a single word that is
   longer than the limit on its own is cut hard.
5. A slug equal to one of :data:`RESERVED_SLUGS` gets :data:`RESERVED_SUFFIX`
   appended (``New`` -> ``new-1``), so that it can never shadow a fixed route
   such as ``/posts/new/``.
6. When a slug is already taken, the first free numeric suffix counting up
   from ``-2`` is appended (``hello`` -> ``hello-2`` -> ``hello-3``); ``-1``
   is never used for this, it belongs to rule 5. The suffix counts towards the
   length limit: the slug is first cut by rule 4 to leave room for it.
"""

import re
import unicodedata

MAX_SLUG_LENGTH = 48

RESERVED_SLUGS = frozenset([
    "admin",
    "api",
    "delete",
    "edit",
    "feed",
    "new",
    "page",
    "tags",
])

RESERVED_SUFFIX = "-1"

_APOSTROPHE_RE = re.compile("['\u2019]")
_SEPARATOR_RE = re.compile("[^a-z0-9]+")


def fold_text(text):
    """Lower-case ``text`` and strip accents and other non-ASCII characters.

    :param text: any text
    :returns: lower-case ASCII text
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    return ascii_text.lower()


def truncate_slug(slug, limit=MAX_SLUG_LENGTH):
    """Cut ``slug`` to at most ``limit`` characters (rule 4).

    :param slug: a slug made of words joined by ``-``
    :param limit: the maximum length
    :returns: the slug, cut at the last word boundary that fits
    """
    if len(slug) <= limit:
        return slug
    boundary = slug.rfind("-", 0, limit + 1)
    if boundary <= 0:
        return slug[:limit]
    return slug[:boundary]


def is_reserved(slug):
    """Tell whether ``slug`` is one of the reserved words.

    :param slug: a slug
    :returns: ``True`` if the slug would shadow a fixed route
    """
    return slug in RESERVED_SLUGS


def slugify(text):
    """Turn ``text`` into a slug following the module's rules 1-5.

    :param text: a title, tag or any other text
    :returns: the slug; an empty string if ``text`` has no letters or digits
    """
    text = _APOSTROPHE_RE.sub("", text)
    text = fold_text(text.replace("&", " and "))
    slug = _SEPARATOR_RE.sub("-", text).strip("-")
    slug = truncate_slug(slug)
    if is_reserved(slug):
        slug = "{0}{1}".format(slug, RESERVED_SUFFIX)
    return slug
