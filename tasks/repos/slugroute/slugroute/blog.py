"""A small in-memory blog built on slugroute, used as example and test bed."""

import html

import slugroute.app
import slugroute.middleware
import slugroute.response
import slugroute.slugs
import slugroute.urls

PAGE_SIZE = 5

PAGE_TEMPLATE = "<!doctype html>\n<title>{title}</title>\n<h1>{title}</h1>\n{content}\n"


class DuplicateSlug(ValueError):
    """Raised when a new post would reuse the slug of an existing one."""


class Post(object):
    """A blog post.

    :param slug: the post's slug
    :param title: the title as written
    :param body: the body text
    :param tags: a list of tag slugs
    """

    def __init__(self, slug, title, body="", tags=()):
        self.slug = slug
        self.title = title
        self.body = body
        self.tags = list(tags)

    def to_dict(self):
        """Return the post as plain data.

        :returns: a dict with ``slug``, ``title``, ``body`` and ``tags``
        """
        return {"slug": self.slug, "title": self.title, "body": self.body, "tags": list(self.tags)}


class BlogStore(object):
    """Posts kept in memory, newest last."""

    def __init__(self):
        self._posts = []

    def add(self, title, body="", tags=()):
        """Add a post; its slug and its tags' slugs come from
        :func:`slugroute.slugs.slugify`.

        :param title: the title
        :param body: the body text
        :param tags: tag names; duplicates and unusable ones are dropped
        :returns: the new :class:`Post`
        :raises ValueError: if the title has no letters or digits
        :raises DuplicateSlug: if a post already has the same slug
        """
        slug = slugroute.slugs.slugify(title)
        if not slug:
            raise ValueError("title {0!r} has no letters or digits".format(title))
        if self.get(slug) is not None:
            raise DuplicateSlug(slug)
        tag_slugs = []
        for tag in tags:
            tag_slug = slugroute.slugs.slugify(tag)
            if tag_slug and tag_slug not in tag_slugs:
                tag_slugs.append(tag_slug)
        post = Post(slug, title, body, tag_slugs)
        self._posts.append(post)
        return post

    def get(self, slug):
        """Find a post by slug.

        :param slug: the slug
        :returns: the :class:`Post` or ``None``
        """
        for post in self._posts:
            if post.slug == slug:
                return post
        return None

    def newest_first(self):
        """Return all posts, newest first.

        :returns: a list of posts
        """
        return list(reversed(self._posts))

    def page(self, number, size=PAGE_SIZE):
        """Return one page of posts, newest first.

        :param number: the page number, counting from 1
        :param size: posts per page
        :returns: a ``(posts, has_next)`` tuple
        :raises ValueError: if ``number`` is below 1
        """
        if number < 1:
            raise ValueError("page numbers start at 1")
        posts = self.newest_first()
        start = (number - 1) * size
        return posts[start:start + size], len(posts) > start + size

    def with_tag(self, tag):
        """Return the posts carrying a tag, newest first.

        :param tag: a tag slug
        :returns: a list of posts
        """
        return [post for post in self.newest_first() if tag in post.tags]


def render_page(title, content):
    """Render a whole HTML page.

    :param title: the page title, unescaped
    :param content: the page content, already HTML
    :returns: the HTML text
    """
    return PAGE_TEMPLATE.format(title=html.escape(title), content=content)


def create_app(store=None, prefix=""):
    """Make the blog application.

    :param store: a :class:`BlogStore`; a new empty one by default
    :param prefix: the path the blog is mounted under
    :returns: a :class:`slugroute.app.App` with the store as ``app.store``
    """
    store = store if store is not None else BlogStore()
    app = slugroute.app.App(prefix=prefix)
    app.store = store
    app.add_middleware(slugroute.middleware.append_slash(app.routes))
    app.add_middleware(slugroute.middleware.default_headers({"X-Content-Type-Options": "nosniff"}))

    def post_link(post):
        return "<a href=\"{0}\">{1}</a>".format(
            html.escape(app.url_for("post_detail", slug=post.slug)), html.escape(post.title))

    def get_page(request):
        number = request.int_arg("page", 1)
        try:
            posts, has_next = store.page(number)
        except ValueError:
            raise slugroute.response.HTTPError(404, "no such page")
        if number > 1 and not posts:
            raise slugroute.response.HTTPError(404, "no such page")
        return number, posts, has_next

    @app.route("/", name="home")
    def home(request):
        return slugroute.response.redirect(app.url_for("post_list"))

    @app.route("/posts/", name="post_list")
    def post_list(request):
        number, posts, has_next = get_page(request)
        items = ["<li>{0}</li>".format(post_link(post)) for post in posts]
        content = "<ul>\n{0}\n</ul>".format("\n".join(items))
        if has_next:
            next_url = app.url_for("post_list", page=number + 1)
            content += "\n<a rel=\"next\" href=\"{0}\">Older posts</a>".format(html.escape(next_url))
        return render_page("Posts", content)

    @app.route("/posts/", methods=("POST",), name="post_create")
    def post_create(request):
        title = request.form_value("title", "").strip()
        if not title:
            raise slugroute.response.HTTPError(400, "a title is required")
        tags = [tag.strip() for tag in request.form_value("tags", "").split(",") if tag.strip()]
        try:
            post = store.add(title, request.form_value("body", ""), tags)
        except DuplicateSlug:
            raise slugroute.response.HTTPError(409, "a post with this title already exists")
        except ValueError:
            raise slugroute.response.HTTPError(400, "the title needs letters or digits")
        return slugroute.response.redirect(app.routes.url_for("post_detail", slug=post.slug), status=303)

    @app.route("/posts/new/", name="post_new")
    def post_new(request):
        content = (
            "<form method=\"post\" action=\"{0}\">\n"
            "<input name=\"title\">\n<input name=\"tags\">\n<textarea name=\"body\"></textarea>\n"
            "<button>Publish</button>\n</form>"
        ).format(html.escape(app.url_for("post_create")))
        return render_page("New post", content)

    @app.route("/posts/<slug:slug>/", name="post_detail")
    def post_detail(request, slug):
        post = store.get(slug)
        if post is None:
            raise slugroute.response.HTTPError(404, "no such post")
        tag_links = ["<a href=\"{0}\">{1}</a>".format(html.escape(app.url_for("tag_detail", tag=tag)), tag)
                     for tag in post.tags]
        content = "<p>{0}</p>\n<p>Tags: {1}</p>".format(html.escape(post.body), ", ".join(tag_links))
        return render_page(post.title, content)

    @app.route("/tags/<slug:tag>/", name="tag_detail")
    def tag_detail(request, tag):
        posts = store.with_tag(tag)
        if not posts:
            raise slugroute.response.HTTPError(404, "no posts with this tag")
        items = ["<li>{0}</li>".format(post_link(post)) for post in posts]
        return render_page("Tag: {0}".format(tag), "<ul>\n{0}\n</ul>".format("\n".join(items)))

    @app.route("/api/posts/", name="api_posts")
    def api_posts(request):
        number, posts, has_next = get_page(request)
        data = []
        for post in posts:
            item = post.to_dict()
            item["url"] = app.url_for("post_detail", slug=post.slug)
            data.append(item)
        next_url = None
        if has_next:
            next_url = slugroute.urls.build_url(request.path, {"page": number + 1})
        return slugroute.response.json_response({"posts": data, "next": next_url})

    return app
