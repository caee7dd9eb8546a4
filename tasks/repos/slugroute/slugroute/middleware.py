"""The middleware chain and a few stock middlewares.

A middleware is a callable ``middleware(request, call_next)`` that returns a
response. It may answer by itself, or call ``call_next(request)`` to pass the
request on and then return (or change) what comes back.
"""

import slugroute.response


def build_chain(handler, middlewares):
    """Wrap ``handler`` in ``middlewares``.

    The first middleware in the list is the outermost one: it sees the
    request first and the response last.

    :param handler: a callable ``handler(request)`` returning a response
    :param middlewares: a list of middlewares
    :returns: a callable ``chain(request)``
    """
    chain = handler
    for middleware in reversed(middlewares):
        chain = _link(middleware, chain)
    return chain


def _link(middleware, call_next):
    """Bind one middleware to the rest of the chain.

    :param middleware: the middleware
    :param call_next: the rest of the chain
    :returns: a callable ``link(request)``
    """
    def link(request):
        return middleware(request, call_next)

    return link


def append_slash(routes):
    """Make a middleware that redirects ``/foo`` to ``/foo/``.

    The redirect happens only for GET and HEAD requests, only when ``/foo``
    matches no route and ``/foo/`` does. The query string is kept.

    :param routes: the :class:`slugroute.routing.RouteTable` to look in
    :returns: the middleware
    """
    def middleware(request, call_next):
        path = request.route_path
        if request.method in ("GET", "HEAD") and not path.endswith("/"):
            if not routes.has_match(path) and routes.has_match(path + "/"):
                location = request.path + "/"
                if request.query_string:
                    location = "{0}?{1}".format(location, request.query_string)
                return slugroute.response.redirect(location, status=301)
        return call_next(request)

    return middleware


def default_headers(headers):
    """Make a middleware that adds headers to every response.

    Headers that the response already has are left alone.

    :param headers: a mapping of header names to values
    :returns: the middleware
    """
    def middleware(request, call_next):
        response = call_next(request)
        for name, value in headers.items():
            if name not in response.headers:
                response.headers[name] = value
        return response

    return middleware
