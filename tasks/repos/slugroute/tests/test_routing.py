import pytest

import slugroute.patterns
import slugroute.routing


def handler(request, **params):
    return params


def make_table():
    table = slugroute.routing.RouteTable()
    table.add("/posts/", handler, name="post_list")
    table.add("/posts/", handler, methods=("POST",), name="post_create")
    table.add("/posts/<slug:slug>/", handler, name="post_detail")
    table.add("/files/<path:file>", handler, methods=("get", "put"), name="file")
    table.add("/hooks/<name>", handler, methods=("PUT",), name="hook_put")
    table.add("/hooks/<name>", handler, methods=("POST",), name="hook_post")
    return table


def test_match_returns_route_and_params():
    route, params = make_table().match("GET", "/posts/hello/")
    assert route.name == "post_detail"
    assert params == {"slug": "hello"}


def test_match_picks_route_by_method():
    table = make_table()
    assert table.match("GET", "/posts/")[0].name == "post_list"
    assert table.match("post", "/posts/")[0].name == "post_create"


def test_not_found():
    with pytest.raises(slugroute.routing.NotFound):
        make_table().match("GET", "/nope/")


def test_method_not_allowed_lists_all_matching_methods():
    with pytest.raises(slugroute.routing.MethodNotAllowed) as info:
        make_table().match("DELETE", "/hooks/ping")
    assert info.value.allowed == ["POST", "PUT"]


def test_methods_are_upper_cased():
    route = make_table().get("file")
    assert route.methods == ("GET", "PUT")


def test_default_name_is_handler_name():
    table = slugroute.routing.RouteTable()
    assert table.add("/", handler).name == "handler"


def test_duplicate_name_rejected():
    table = make_table()
    with pytest.raises(ValueError):
        table.add("/other/", handler, name="post_list")


def test_has_match_ignores_method():
    table = make_table()
    assert table.has_match("/files/a.txt")
    assert not table.has_match("/posts")


def test_url_for():
    table = make_table()
    assert table.url_for("post_detail", slug="hello") == "/posts/hello/"
    assert table.url_for("file", file="a/b c.txt") == "/files/a/b%20c.txt"


def test_url_for_puts_extra_params_in_query():
    assert make_table().url_for("post_list", page=2, q="a b") == "/posts/?page=2&q=a%20b"


def test_url_for_errors():
    table = make_table()
    with pytest.raises(slugroute.patterns.BuildError):
        table.url_for("missing")
    with pytest.raises(slugroute.patterns.BuildError):
        table.url_for("post_detail")
