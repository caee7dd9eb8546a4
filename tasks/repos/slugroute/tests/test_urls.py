import slugroute.urls


def test_quote_component():
    assert slugroute.urls.quote_component("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9"
    assert slugroute.urls.quote_component(3) == "3"


def test_build_query_sorts_keys_and_skips_none():
    query = slugroute.urls.build_query({"page": 2, "q": "hello world", "tag": None, "a": "x"})
    assert query == "a=x&page=2&q=hello%20world"


def test_build_query_empty():
    assert slugroute.urls.build_query({}) == ""


def test_parse_query():
    parsed = slugroute.urls.parse_query("?a=1&b=x+y&a=2&c=&flag&&d=%26")
    assert parsed == {"a": ["1", "2"], "b": ["x y"], "c": [""], "flag": [""], "d": ["&"]}


def test_build_url():
    assert slugroute.urls.build_url("/posts/", {"page": 2}) == "/posts/?page=2"
    assert slugroute.urls.build_url("/posts/?q=x", {"page": 2}) == "/posts/?q=x&page=2"
    assert slugroute.urls.build_url("/posts/", {}) == "/posts/"
    assert slugroute.urls.build_url("/posts/", None) == "/posts/"


def test_split_url():
    assert slugroute.urls.split_url("/posts/?page=2#top") == ("/posts/", "page=2")
    assert slugroute.urls.split_url("") == ("/", "")
    assert slugroute.urls.split_url("/a") == ("/a", "")
