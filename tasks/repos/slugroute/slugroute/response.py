"""The response object and helpers that make responses."""

import json

import slugroute.headers

HTML_TYPE = "text/html; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
JSON_TYPE = "application/json"

REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    500: "Internal Server Error",
}


class HTTPError(Exception):
    """Raise from a handler to answer with an error response.

    :param status: the HTTP status code
    :param message: a short explanation; defaults to the reason phrase
    """

    def __init__(self, status, message=None):
        self.status = status
        self.message = message or REASONS.get(status, "Error")
        super(HTTPError, self).__init__("{0} {1}".format(status, self.message))


class Response(object):
    """An outgoing response.

    :param body: the body, as ``str`` (encoded as UTF-8) or ``bytes``
    :param status: the HTTP status code
    :param headers: extra headers (mapping or pairs)
    :param content_type: the ``Content-Type``; ``None`` to send none
    """

    def __init__(self, body=b"", status=200, headers=None, content_type=HTML_TYPE):
        self.status = status
        self.headers = slugroute.headers.Headers(headers)
        if content_type and "Content-Type" not in self.headers:
            self.headers["Content-Type"] = content_type
        self.body = body

    @property
    def body(self):
        """The body as bytes.

        :returns: the body
        """
        return self._body

    @body.setter
    def body(self, value):
        if isinstance(value, str):
            value = value.encode("utf-8")
        self._body = value

    @property
    def text(self):
        """The body decoded as UTF-8.

        :returns: the body text
        """
        return self._body.decode("utf-8")

    @property
    def status_line(self):
        """The status code and reason phrase.

        :returns: e.g. ``"404 Not Found"``
        """
        return "{0} {1}".format(self.status, REASONS.get(self.status, "Unknown"))

    def json(self):
        """Decode a JSON body.

        :returns: the decoded value
        """
        return json.loads(self.text)


def text_response(text, status=200):
    """Make a plain-text response.

    :param text: the body
    :param status: the HTTP status code
    :returns: a :class:`Response`
    """
    return Response(text, status=status, content_type=TEXT_TYPE)


def json_response(data, status=200):
    """Make a JSON response with sorted keys.

    :param data: any JSON-serialisable value
    :param status: the HTTP status code
    :returns: a :class:`Response`
    """
    return Response(json.dumps(data, sort_keys=True), status=status, content_type=JSON_TYPE)


def redirect(location, status=302):
    """Make a redirect.

    :param location: the target URL
    :param status: a 3xx status code
    :returns: a :class:`Response` with a ``Location`` header
    """
    return Response(b"", status=status, headers={"Location": location}, content_type=None)


def error_response(status, message=None):
    """Make the standard JSON error response.

    :param status: the HTTP status code
    :param message: a short explanation; defaults to the reason phrase
    :returns: a :class:`Response` whose body is
        ``{"error": {"status": ..., "message": ...}}``
    """
    message = message or REASONS.get(status, "Error")
    return json_response({"error": {"status": status, "message": message}}, status=status)


def make_response(result):
    """Turn a handler's return value into a :class:`Response`.

    :param result: a :class:`Response`, ``str`` or ``bytes`` (HTML), or a
        ``dict``/``list`` (JSON)
    :returns: a :class:`Response`
    :raises TypeError: for any other value
    """
    if isinstance(result, Response):
        return result
    if isinstance(result, (str, bytes)):
        return Response(result)
    if isinstance(result, (dict, list)):
        return json_response(result)
    raise TypeError("cannot make a response from {0!r}".format(result))
