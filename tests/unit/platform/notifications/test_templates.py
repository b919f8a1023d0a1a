"""Every kind renders in English and Russian from exactly the variables it declares."""

import jinja2
import jinja2.meta
import pytest

from fitconnect.platform.notifications.errors import TemplateError
from fitconnect.platform.notifications.kinds import RULES, NotificationKind
from fitconnect.platform.notifications.templates import LOCALES, email_html, render

_SOURCE = jinja2.Environment(
    loader=jinja2.PackageLoader("fitconnect.platform.notifications", "templates"),
    autoescape=False,  # noqa: S701 - parsed for its variables, never rendered
)


def test_every_kind_has_its_rules() -> None:
    assert set(RULES) == set(NotificationKind)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", list(NotificationKind))
def test_a_template_uses_exactly_the_variables_its_kind_declares(
    kind: NotificationKind, locale: str
) -> None:
    name = f"{locale}/{kind.value}.txt"
    source = _SOURCE.loader.get_source(_SOURCE, name)[0]  # type: ignore[union-attr]
    used = jinja2.meta.find_undeclared_variables(_SOURCE.parse(source))
    assert used == set(RULES[kind].variables)


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_each_kind_renders_a_title_and_body_in_each_locale(kind: NotificationKind) -> None:
    data = {name: f"<{name}>" for name in RULES[kind].variables}
    english, russian = (render(kind, locale, data) for locale in ("en", "ru"))
    for text in (english, russian):
        assert text.title
        assert text.body
        assert "{{" not in text.title + text.body
        assert all(f"<{name}>" in text.title + text.body for name in data)
    if kind is not NotificationKind.CAMPAIGN:  # a campaign is its author's own words
        assert english != russian


def test_an_unknown_locale_falls_back_to_english() -> None:
    data = {"display_name": "Ada"}
    assert render(NotificationKind.WELCOME, "fr", data) == render(
        NotificationKind.WELCOME, "en", data
    )


def test_a_missing_variable_is_an_error_naming_it() -> None:
    with pytest.raises(TemplateError, match="coach_name"):
        render(NotificationKind.COACH_INVITE, "ru", {})


def test_the_html_email_escapes_what_it_shows() -> None:
    html = email_html("<b>Ada</b> follows you", "One.\n\nTwo & three.")
    assert "&lt;b&gt;Ada&lt;/b&gt; follows you" in html
    assert "<p>One.</p>" in html
    assert "<p>Two &amp; three.</p>" in html
