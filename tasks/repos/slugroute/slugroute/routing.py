"""The route table: matching requests to handlers and building URLs."""

import slugroute.patterns
import slugroute.urls


class NotFound(LookupError):
    """Raised when no route matches a path."""


class MethodNotAllowed(LookupError):
    """Raised when routes match a path but none accepts the method.

    :param allowed: the methods that the matching routes accept
    """

    def __init__(self, allowed):
        self.allowed = sorted(allowed)
        super(MethodNotAllowed, self).__init__(", ".join(self.allowed))


class Route(object):
    """One route.

    :param pattern: the path pattern text
    :param handler: a callable ``handler(request, **params)``
    :param methods: the HTTP methods the route accepts
    :param name: the name used by :meth:`RouteTable.url_for`; defaults to the
        handler's ``__name__``
    """

    def __init__(self, pattern, handler, methods=("GET",), name=None):
        self.pattern = slugroute.patterns.PathPattern(pattern)
        self.handler = handler
        self.methods = tuple(method.upper() for method in methods)
        self.name = name or handler.__name__

    def allows(self, method):
        """Tell whether the route accepts ``method``.

        :param method: an HTTP method
        :returns: ``True`` or ``False``
        """
        return method.upper() in self.methods


class RouteTable(object):
    """An ordered collection of routes; the first match wins."""

    def __init__(self):
        self.routes = []
        self._by_name = {}

    def add(self, pattern, handler, methods=("GET",), name=None):
        """Add a route.

        :param pattern: the path pattern text
        :param handler: a callable ``handler(request, **params)``
        :param methods: the HTTP methods the route accepts
        :param name: the route name; defaults to the handler's ``__name__``
        :returns: the new :class:`Route`
        :raises ValueError: if the name is already used
        """
        route = Route(pattern, handler, methods=methods, name=name)
        if route.name in self._by_name:
            raise ValueError("duplicate route name {0!r}".format(route.name))
        self.routes.append(route)
        self._by_name[route.name] = route
        return route

    def get(self, name):
        """Return the route called ``name``.

        :param name: the route name
        :returns: the :class:`Route`
        :raises KeyError: if there is no such route
        """
        return self._by_name[name]

    def match(self, method, path):
        """Find the route for a request.

        :param method: the HTTP method
        :param path: the request path
        :returns: a ``(route, params)`` tuple
        :raises NotFound: if no route matches the path
        :raises MethodNotAllowed: if routes match the path but not the method
        """
        allowed = set()
        for route in self.routes:
            params = route.pattern.match(path)
            if params is None:
                continue
            if route.allows(method):
                return route, params
            allowed.update(route.methods)
        if allowed:
            raise MethodNotAllowed(allowed)
        raise NotFound(path)

    def has_match(self, path):
        """Tell whether any route matches ``path``, whatever the method.

        :param path: a path
        :returns: ``True`` or ``False``
        """
        return any(route.pattern.match(path) is not None for route in self.routes)

    def url_for(self, name, **params):
        """Build the URL of a named route.

        Parameters that the route's pattern does not use go into the query
        string.

        :param name: the route name
        :param params: values for the pattern's parameters, and query values
        :returns: the URL
        :raises slugroute.patterns.BuildError: if the route does not exist or
            a parameter is missing or unusable
        """
        if name not in self._by_name:
            raise slugroute.patterns.BuildError("no route named {0!r}".format(name))
        pattern = self._by_name[name].pattern
        path_params = {}
        query = {}
        for key, value in params.items():
            if key in pattern.converters:
                path_params[key] = value
            else:
                query[key] = value
        return slugroute.urls.build_url(pattern.build(path_params), query)
