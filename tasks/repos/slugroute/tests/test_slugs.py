import pytest

import slugroute.slugs


@pytest.mark.parametrize("text, expected", [
    ("Hello World", "hello-world"),
    ("  Hello,   World!  ", "hello-world"),
    ("Rock & Roll", "rock-and-roll"),
    ("Salt&Pepper", "salt-and-pepper"),
    ("Don't Panic", "dont-panic"),
    ("Caf\u00e9 cr\u00e8me", "cafe-creme"),
    ("Top 10 Tips for 2024", "top-10-tips-for-2024"),
    ("snake_case_name", "snake-case-name"),
], ids=["plain", "punctuation", "ampersand", "tight-ampersand", "apostrophe", "accents", "digits", "underscores"])
def test_slugify(text, expected):
    assert slugroute.slugs.slugify(text) == expected


def test_slugify_empty_when_no_letters_or_digits():
    assert slugroute.slugs.slugify("!!! ???") == ""


def test_long_slug_is_cut_at_word_boundary():
    text = "the quick brown fox jumps over the lazy dog and keeps on running far"
    slug = slugroute.slugs.slugify(text)
    assert slug == "the-quick-brown-fox-jumps-over-the-lazy-dog-and"
    assert len(slug) <= slugroute.slugs.MAX_SLUG_LENGTH


def test_single_long_word_is_cut_hard():
    slug = slugroute.slugs.slugify("x" * 60)
    assert slug == "x" * slugroute.slugs.MAX_SLUG_LENGTH


def test_truncate_slug_keeps_short_slugs():
    assert slugroute.slugs.truncate_slug("abc-def", 7) == "abc-def"
    assert slugroute.slugs.truncate_slug("abc-def", 6) == "abc"
    assert slugroute.slugs.truncate_slug("abc-def-ghi", 8) == "abc-def"


@pytest.mark.parametrize("text, expected", [
    ("New", "new-1"),
    ("edit", "edit-1"),
    ("Tags!", "tags-1"),
    ("new tags", "new-tags"),
], ids=["new", "edit", "tags", "not-whole-slug"])
def test_reserved_words_get_suffix(text, expected):
    assert slugroute.slugs.slugify(text) == expected
