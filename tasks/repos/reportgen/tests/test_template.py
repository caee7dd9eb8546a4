import pytest

from reportgen import template


def test_variables_and_filters():
    text = template.renderTemplate("{{ name|upper }} has {{items|count}} items", {"name": "ann", "items": [1, 2]})
    assert text == "ANN has 2 items"


def test_dotted_names():
    context = {"totals": {"amount": 12}}
    assert template.renderTemplate("total={{totals.amount}}", context) == "total=12"


def test_missing_value_is_blank_unless_strict():
    assert template.renderTemplate("[{{nothing}}]", {}) == "[]"
    with pytest.raises(template.TemplateError):
        template.renderTemplate("[{{nothing}}]", {}, strict=True)


def test_if_else():
    text = "{{#if late}}late{{#else}}on time{{/if}}"
    assert template.renderTemplate(text, {"late": True}) == "late"
    assert template.renderTemplate(text, {"late": 0}) == "on time"


def test_each_with_index():
    text = "{{#each rows}}{{@index}}.{{name}} {{/each}}"
    rows = [{"name": "a"}, {"name": "b"}]
    assert template.renderTemplate(text, {"rows": rows}) == "1.a 2.b "


def test_unknown_filter():
    with pytest.raises(template.TemplateError):
        template.renderTemplate("{{a|shout}}", {"a": 1})


def test_apply_filter():
    assert template.applyFilter(" x ", "strip") == "x"
    assert template.applyFilter("ab", " upper ") == "AB"


def test_unclosed_block():
    with pytest.raises(template.TemplateError):
        template.parseTemplate("{{#if a}}x")
    with pytest.raises(template.TemplateError):
        template.parseTemplate("x{{/each}}")
