import pytest

import slugroute.patterns


def test_match_literal_and_params():
    pattern = slugroute.patterns.PathPattern("/posts/<int:year>/<slug:slug>/")
    assert pattern.match("/posts/2024/hello-world/") == {"year": 2024, "slug": "hello-world"}
    assert pattern.match("/posts/2024/hello-world") is None
    assert pattern.match("/posts/twenty/hello-world/") is None


def test_default_converter_is_one_decoded_segment():
    pattern = slugroute.patterns.PathPattern("/users/<name>")
    assert pattern.match("/users/ann%20lee") == {"name": "ann lee"}
    assert pattern.match("/users/ann/lee") is None


def test_slug_converter_rejects_non_slugs():
    pattern = slugroute.patterns.PathPattern("/p/<slug:slug>/")
    assert pattern.match("/p/Hello/") is None
    assert pattern.match("/p/a--b/") is None
    assert pattern.match("/p/top-10/") == {"slug": "top-10"}


def test_path_converter_takes_the_rest():
    pattern = slugroute.patterns.PathPattern("/static/<path:file>")
    assert pattern.match("/static/css/site.css") == {"file": "css/site.css"}


def test_param_names_in_order():
    pattern = slugroute.patterns.PathPattern("/<a>/<int:b>-<c>")
    assert pattern.param_names == ["a", "b", "c"]


def test_build():
    pattern = slugroute.patterns.PathPattern("/posts/<int:year>/<slug:slug>/")
    assert pattern.build({"year": 2024, "slug": "hello"}) == "/posts/2024/hello/"


def test_build_quotes_values():
    assert slugroute.patterns.PathPattern("/u/<name>").build({"name": "a b/c"}) == "/u/a%20b%2Fc"
    assert slugroute.patterns.PathPattern("/f/<path:p>").build({"p": "x y/z"}) == "/f/x%20y/z"


def test_build_round_trips_through_match():
    pattern = slugroute.patterns.PathPattern("/t/<tag>/<int:n>")
    path = pattern.build({"tag": "c++ & more", "n": 3})
    assert pattern.match(path) == {"tag": "c++ & more", "n": 3}


@pytest.mark.parametrize("params", [
    {"slug": "ok"},
    {"year": -1, "slug": "ok"},
    {"year": "2024", "slug": "ok"},
    {"year": 2024, "slug": "Not A Slug"},
], ids=["missing", "negative", "text-for-int", "not-a-slug"])
def test_build_errors(params):
    pattern = slugroute.patterns.PathPattern("/posts/<int:year>/<slug:slug>/")
    with pytest.raises(slugroute.patterns.BuildError):
        pattern.build(params)


@pytest.mark.parametrize("text", [
    "posts/<id>",
    "/posts/<bogus:id>",
    "/posts/<id>/<int:id>",
    "/posts/<id",
    "/posts/<1id>",
], ids=["no-leading-slash", "unknown-converter", "duplicate-name", "unclosed", "bad-name"])
def test_bad_patterns(text):
    with pytest.raises(slugroute.patterns.PatternError):
        slugroute.patterns.PathPattern(text)
