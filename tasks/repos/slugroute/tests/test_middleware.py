import slugroute.app
import slugroute.middleware
import slugroute.response
import slugroute.testing


def recording(log, label):
    def middleware(request, call_next):
        log.append("in " + label)
        response = call_next(request)
        log.append("out " + label)
        return response

    return middleware


def test_first_middleware_is_outermost():
    log = []

    def handler(request):
        log.append("handler")
        return slugroute.response.text_response("ok")

    chain = slugroute.middleware.build_chain(handler, [recording(log, "a"), recording(log, "b")])
    chain(None)
    assert log == ["in a", "in b", "handler", "out b", "out a"]


def make_app():
    app = slugroute.app.App()
    app.add_middleware(slugroute.middleware.append_slash(app.routes))

    @app.route("/docs/")
    def docs(request):
        return "docs"

    @app.route("/raw")
    def raw(request):
        return "raw"

    return app


def test_append_slash_redirects_and_keeps_query():
    response = slugroute.testing.Client(make_app()).get("/docs?lang=en&v=2")
    assert response.status == 301
    assert response.headers["Location"] == "/docs/?lang=en&v=2"


def test_append_slash_leaves_matching_paths_alone():
    client = slugroute.testing.Client(make_app())
    assert client.get("/raw").text == "raw"
    assert client.get("/nothing").status == 404
    assert client.post("/docs").status == 404


def test_default_headers_do_not_override():
    def handler(request):
        return slugroute.response.Response("x", headers={"X-Frame-Options": "SAMEORIGIN"})

    middleware = slugroute.middleware.default_headers({"X-Frame-Options": "DENY", "X-Extra": "1"})
    response = slugroute.middleware.build_chain(handler, [middleware])(None)
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Extra"] == "1"
