"""An in-process test client."""

import slugroute.headers
import slugroute.request
import slugroute.urls


class Client(object):
    """Send requests straight to an application, without a server.

    :param app: a :class:`slugroute.app.App`
    """

    def __init__(self, app):
        self.app = app

    def request(self, method, url, query=None, form=None, headers=None, body=b""):
        """Send a request.

        :param method: the HTTP method
        :param url: the URL, possibly with a query string
        :param query: a mapping of extra query values
        :param form: a mapping sent as a url-encoded form body
        :param headers: request headers
        :param body: a raw body, used when ``form`` is not given
        :returns: the :class:`slugroute.response.Response`
        """
        if query:
            url = slugroute.urls.build_url(url, query)
        headers = slugroute.headers.Headers(headers)
        if form is not None:
            body = slugroute.urls.build_query(form).encode("utf-8")
            headers["Content-Type"] = slugroute.request.FORM_CONTENT_TYPE
        request = slugroute.request.Request.from_url(method, url, headers=headers, body=body)
        return self.app.dispatch(request)

    def get(self, url, **kwargs):
        """Send a GET request; see :meth:`request`.

        :param url: the URL
        :returns: the response
        """
        return self.request("GET", url, **kwargs)

    def post(self, url, **kwargs):
        """Send a POST request; see :meth:`request`.

        :param url: the URL
        :returns: the response
        """
        return self.request("POST", url, **kwargs)
