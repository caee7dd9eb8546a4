"""The application object."""

import slugroute.middleware
import slugroute.response
import slugroute.routing


class App(object):
    """A routing application.

    :param prefix: the path the application is mounted under, e.g.
        ``"/blog"``; requests outside it get a 404, and routes are matched
        against the rest of the path
    """

    def __init__(self, prefix=""):
        self.prefix = prefix.rstrip("/")
        self.routes = slugroute.routing.RouteTable()
        self.middleware = []

    def route(self, pattern, methods=("GET",), name=None):
        """Register the decorated function as a handler.

        :param pattern: the path pattern text
        :param methods: the HTTP methods the route accepts
        :param name: the route name; defaults to the function's name
        :returns: a decorator that returns the function unchanged
        """
        def decorator(handler):
            self.routes.add(pattern, handler, methods=methods, name=name)
            return handler

        return decorator

    def add_middleware(self, middleware):
        """Add a middleware; the first one added is the outermost.

        :param middleware: a callable ``middleware(request, call_next)``
        """
        self.middleware.append(middleware)

    def url_for(self, name, **params):
        """Build the URL of a named route of this application.

        :param name: the route name
        :param params: path parameters and query values
        :returns: the URL
        :raises slugroute.patterns.BuildError: if the URL cannot be built
        """
        return self.routes.url_for(name, **params)

    def dispatch(self, request):
        """Answer a request.

        :param request: a :class:`slugroute.request.Request`
        :returns: a :class:`slugroute.response.Response` with its
            ``Content-Length`` set
        """
        if self.prefix:
            path = request.path
            if path != self.prefix and not path.startswith(self.prefix + "/"):
                response = slugroute.response.error_response(404)
                response.headers["Content-Length"] = str(len(response.body))
                return response
            request.route_path = path[len(self.prefix):] or "/"
        chain = slugroute.middleware.build_chain(self._handle, self.middleware)
        response = chain(request)
        response.headers["Content-Length"] = str(len(response.body))
        return response

    def _handle(self, request):
        """Route a request to its handler, turning errors into responses.

        :param request: the request
        :returns: a response
        """
        try:
            route, params = self.routes.match(request.method, request.route_path)
        except slugroute.routing.NotFound:
            return slugroute.response.error_response(404)
        except slugroute.routing.MethodNotAllowed as exc:
            response = slugroute.response.error_response(405)
            response.headers["Allow"] = ", ".join(exc.allowed)
            return response
        request.params = params
        try:
            result = route.handler(request, **params)
        except slugroute.response.HTTPError as exc:
            return slugroute.response.error_response(exc.status, exc.message)
        return slugroute.response.make_response(result)
