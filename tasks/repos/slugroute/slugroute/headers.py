"""A case-insensitive header mapping shared by requests and responses."""


class Headers(object):
    """Header names are matched without regard to case; the spelling used
    when a header was first set is kept for output.

    :param items: a mapping, another :class:`Headers` or a list of pairs
    """

    def __init__(self, items=None):
        self._items = {}
        if items is None:
            return
        if hasattr(items, "items"):
            items = items.items()
        for name, value in items:
            self[name] = value

    def __getitem__(self, name):
        return self._items[name.lower()][1]

    def __setitem__(self, name, value):
        key = name.lower()
        if key in self._items:
            name = self._items[key][0]
        self._items[key] = (name, str(value))

    def __delitem__(self, name):
        del self._items[name.lower()]

    def __contains__(self, name):
        return name.lower() in self._items

    def __len__(self):
        return len(self._items)

    def get(self, name, default=None):
        """Return a header value.

        :param name: the header name, in any case
        :param default: returned when the header is not set
        :returns: the value or ``default``
        """
        if name in self:
            return self[name]
        return default

    def items(self):
        """Return the headers as pairs.

        :returns: a list of ``(name, value)`` tuples in the order set
        """
        return list(self._items.values())
