import pytest

import slugroute.blog
import slugroute.testing


@pytest.fixture
def app():
    app = slugroute.blog.create_app()
    app.store.add("Hello World", "First post.", ["Python", "Web & Dev"])
    app.store.add("Rock & Roll", "Second post.", ["music"])
    return app


@pytest.fixture
def client(app):
    return slugroute.testing.Client(app)


def test_store_slugs_titles_and_tags(app):
    post = app.store.get("hello-world")
    assert post.title == "Hello World"
    assert post.tags == ["python", "web-and-dev"]


def test_store_rejects_duplicates_and_empty_titles(app):
    with pytest.raises(slugroute.blog.DuplicateSlug):
        app.store.add("hello, world!")
    with pytest.raises(ValueError):
        app.store.add("???")


def test_home_redirects_to_list(client):
    response = client.get("/")
    assert response.status == 302
    assert response.headers["Location"] == "/posts/"


def test_list_shows_newest_first_with_links(client):
    response = client.get("/posts/")
    assert response.status == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Length"] == str(len(response.body))
    text = response.text
    assert text.index("/posts/rock-and-roll/") < text.index("/posts/hello-world/")
    assert "Rock &amp; Roll" in text


def test_list_pagination(app, client):
    for number in range(6):
        app.store.add("Extra {0}".format(number))
    first = client.get("/posts/")
    assert "href=\"/posts/?page=2\"" in first.text
    second = client.get("/posts/", query={"page": 2})
    assert "/posts/hello-world/" in second.text
    assert "rel=\"next\"" not in second.text
    assert client.get("/posts/?page=3").status == 404


def test_detail(client):
    response = client.get("/posts/hello-world/")
    assert "<h1>Hello World</h1>" in response.text
    assert "href=\"/tags/web-and-dev/\"" in response.text


def test_detail_missing_post(client):
    response = client.get("/posts/nope/")
    assert response.status == 404
    assert response.json()["error"]["message"] == "no such post"


def test_detail_without_slash_redirects(client):
    response = client.get("/posts/hello-world")
    assert response.status == 301
    assert response.headers["Location"] == "/posts/hello-world/"


def test_new_post_form_is_not_a_post(client):
    response = client.get("/posts/new/")
    assert response.status == 200
    assert "action=\"/posts/\"" in response.text


def test_create_post_redirects_to_it(app, client):
    response = client.post("/posts/", form={"title": "Fish & Chips", "body": "Yum", "tags": "food, uk"})
    assert response.status == 303
    assert response.headers["Location"] == "/posts/fish-and-chips/"
    assert app.store.get("fish-and-chips").tags == ["food", "uk"]


def test_create_post_errors(client):
    assert client.post("/posts/", form={"title": "  "}).status == 400
    assert client.post("/posts/", form={"title": "***"}).status == 400
    assert client.post("/posts/", form={"title": "Hello  World"}).status == 409


def test_method_not_allowed(client):
    response = client.request("DELETE", "/posts/")
    assert response.status == 405
    assert "POST" in response.headers["Allow"].split(", ")


def test_tag_page(client):
    response = client.get("/tags/music/")
    assert "/posts/rock-and-roll/" in response.text
    assert "/posts/hello-world/" not in response.text
    assert client.get("/tags/jazz/").status == 404


def test_api_posts(app, client):
    for number in range(4):
        app.store.add("Extra {0}".format(number))
    data = client.get("/api/posts/").json()
    assert [post["slug"] for post in data["posts"]][:2] == ["extra-3", "extra-2"]
    assert data["posts"][0]["url"] == "/posts/extra-3/"
    assert data["next"] == "/api/posts/?page=2"
    assert client.get("/api/posts/?page=2").json()["next"] is None


def test_outside_prefix_is_not_found():
    app = slugroute.blog.create_app(prefix="/blog")
    client = slugroute.testing.Client(app)
    assert client.get("/posts/").status == 404
    assert client.get("/blogger/posts/").status == 404
    assert client.get("/blog/posts/").status == 200
