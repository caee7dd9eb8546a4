"""The request object."""

import slugroute.headers
import slugroute.urls

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class Request(object):
    """An incoming request.

    :param method: the HTTP method; it is upper-cased
    :param path: the request path, without query string
    :param query_string: the raw query string, without ``?``
    :param headers: request headers (mapping or pairs)
    :param body: the body as bytes
    """

    def __init__(self, method, path, query_string="", headers=None, body=b""):
        self.method = method.upper()
        self.path = path
        self.query_string = query_string
        self.query = slugroute.urls.parse_query(query_string)
        self.headers = slugroute.headers.Headers(headers)
        self.body = body
        self.route_path = path
        self.params = {}

    @classmethod
    def from_url(cls, method, url, headers=None, body=b""):
        """Make a request from a URL that may carry a query string.

        :param method: the HTTP method
        :param url: a URL such as ``/posts/?page=2``
        :param headers: request headers
        :param body: the body as bytes
        :returns: a new :class:`Request`
        """
        path, query_string = slugroute.urls.split_url(url)
        return cls(method, path, query_string, headers, body)

    def arg(self, name, default=None):
        """Return the first query-string value for ``name``.

        :param name: the key
        :param default: returned when the key is absent
        :returns: the value or ``default``
        """
        values = self.query.get(name)
        if not values:
            return default
        return values[0]

    def int_arg(self, name, default=None):
        """Return a query-string value as an ``int``.

        :param name: the key
        :param default: returned when the key is absent or not a number
        :returns: the number or ``default``
        """
        value = self.arg(name)
        if value is None or not value.isdigit():
            return default
        return int(value)

    @property
    def content_type(self):
        """The media type of the body, lower-cased, without parameters.

        :returns: e.g. ``"application/json"``, or ``""``
        """
        value = self.headers.get("Content-Type", "")
        return value.split(";")[0].strip().lower()

    @property
    def form(self):
        """The url-encoded form body as a dict of lists.

        :returns: the parsed form; empty for other content types
        """
        if self.content_type != FORM_CONTENT_TYPE:
            return {}
        return slugroute.urls.parse_query(self.body.decode("utf-8"))

    def form_value(self, name, default=None):
        """Return the first form value for ``name``.

        :param name: the form field
        :param default: returned when the field is absent
        :returns: the value or ``default``
        """
        values = self.form.get(name)
        if not values:
            return default
        return values[0]
