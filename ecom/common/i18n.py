"""The shop's languages and the one a request is answered in (docs/I18N.md).

Flask-Babel's locale is the single answer: it is negotiated per request (``?lang=``, else
``Accept-Language`` with its quality values, else the default) and ``force_locale`` sets it
for work done for someone else (a customer's e-mail)."""

from flask import current_app, has_request_context, request
from flask_babel import get_locale
from werkzeug.routing import BaseConverter


def languages() -> list[str]:
    """The languages the shop speaks, the default first (``LANGUAGES``)."""
    return current_app.config["LANGUAGES"]


def default_language() -> str:
    return languages()[0]


def negotiated_language() -> str | None:
    """Flask-Babel's locale selector: ``?lang=`` when the shop speaks it, else the best
    match of ``Accept-Language``; None (the default) outside a request."""
    if not has_request_context():
        return None
    asked = request.args.get("lang", "").lower()
    if asked in languages():
        return asked
    return request.accept_languages.best_match(languages(), default=default_language())


def current_language() -> str:
    """The language of what is being written: the request's, or the one forced."""
    locale = get_locale()
    return locale.language if locale is not None else default_language()


class LanguageConverter(BaseConverter):
    """``<language:...>`` in URLs: any path segment, documented as one of ``languages``
    (those a translation may be in), so a request naming another one is the view's to
    refuse with its reason (400), not an unknown route."""

    languages: tuple[str, ...] = ()


def language_converter(languages: list[str]) -> type[LanguageConverter]:
    """The converter of an app whose translations may be in ``languages``."""
    return type("LanguageConverter", (LanguageConverter,), {"languages": tuple(languages)})
