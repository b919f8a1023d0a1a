"""Render a notification from its kind's template in the recipient's locale (Jinja2).

Each kind has one file per locale, ``templates/<locale>/<kind>.txt``, with a ``title`` and a
``body`` block. A variable the data does not hold is an error (``StrictUndefined``), never an
empty gap in a message an athlete reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import jinja2

from fitconnect.platform.notifications.errors import TemplateError
from fitconnect.platform.notifications.kinds import NotificationKind

LOCALES = ("en", "ru")
DEFAULT_LOCALE = "en"

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("fitconnect.platform.notifications", "templates"),
    undefined=jinja2.StrictUndefined,
    autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
    keep_trailing_newline=False,
)


@dataclass(frozen=True, slots=True)
class Rendered:
    title: str
    body: str


def render(kind: NotificationKind, locale: str, data: Mapping[str, object]) -> Rendered:
    """The title and body of one notification; ``TemplateError`` names what is missing."""
    used = locale if locale in LOCALES else DEFAULT_LOCALE
    name = f"{used}/{kind.value}.txt"
    try:
        template = _ENV.get_template(name)
        context = template.new_context(dict(data))
        return Rendered(
            title="".join(template.blocks["title"](context)).strip(),
            body="".join(template.blocks["body"](context)).strip(),
        )
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template {name}: {exc.message or type(exc).__name__}") from exc


def email_html(title: str, body: str, locale: str = DEFAULT_LOCALE) -> str:
    """The HTML part of a notification's e-mail: its title and body, escaped, in a layout."""
    return _ENV.get_template("email.html").render(title=title, body=body, locale=locale)
