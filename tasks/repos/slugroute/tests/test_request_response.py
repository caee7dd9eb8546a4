import pytest

import slugroute.headers
import slugroute.request
import slugroute.response


def test_headers_are_case_insensitive_and_keep_first_spelling():
    headers = slugroute.headers.Headers({"Content-Type": "text/plain"})
    headers["content-type"] = "text/html"
    headers["X-Count"] = 3
    assert headers["CONTENT-TYPE"] == "text/html"
    assert headers.items() == [("Content-Type", "text/html"), ("X-Count", "3")]
    assert "x-count" in headers
    del headers["X-COUNT"]
    assert headers.get("x-count", "none") == "none"
    assert len(headers) == 1


def test_request_from_url_parses_query():
    request = slugroute.request.Request.from_url("get", "/search?q=a+b&page=2&page=3")
    assert request.method == "GET"
    assert request.path == "/search"
    assert request.arg("q") == "a b"
    assert request.query["page"] == ["2", "3"]
    assert request.int_arg("page") == 2
    assert request.arg("missing", "x") == "x"


def test_int_arg_falls_back_on_bad_value():
    request = slugroute.request.Request.from_url("GET", "/?page=two")
    assert request.int_arg("page", 1) == 1


def test_form_body():
    request = slugroute.request.Request(
        "POST", "/posts/", headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
        body=b"title=Hello+%26+Bye&tags=a")
    assert request.content_type == "application/x-www-form-urlencoded"
    assert request.form_value("title") == "Hello & Bye"
    assert request.form_value("body", "") == ""


def test_form_is_empty_for_other_content_types():
    request = slugroute.request.Request("POST", "/", headers={"Content-Type": "text/plain"}, body=b"a=1")
    assert request.form == {}


def test_response_encodes_text_body():
    response = slugroute.response.Response("caf\u00e9", status=201)
    assert response.body == "caf\u00e9".encode("utf-8")
    assert response.text == "caf\u00e9"
    assert response.status_line == "201 Created"
    assert response.headers["content-type"] == slugroute.response.HTML_TYPE


def test_json_and_error_responses():
    response = slugroute.response.json_response({"b": 1, "a": 2}, status=201)
    assert response.text == "{\"a\": 2, \"b\": 1}"
    assert response.headers["Content-Type"] == "application/json"
    error = slugroute.response.error_response(404)
    assert error.status == 404
    assert error.json() == {"error": {"status": 404, "message": "Not Found"}}


def test_redirect_has_no_content_type():
    response = slugroute.response.redirect("/there/", status=303)
    assert response.headers.items() == [("Location", "/there/")]
    assert response.body == b""


def test_make_response():
    assert slugroute.response.make_response("<p>hi</p>").headers["Content-Type"] == slugroute.response.HTML_TYPE
    assert slugroute.response.make_response([1]).json() == [1]
    same = slugroute.response.text_response("x")
    assert slugroute.response.make_response(same) is same
    with pytest.raises(TypeError):
        slugroute.response.make_response(42)


def test_http_error_default_message():
    error = slugroute.response.HTTPError(409)
    assert error.message == "Conflict"
    assert str(error) == "409 Conflict"
