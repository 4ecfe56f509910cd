"""The shop's languages and the one a request is answered in (docs/I18N.md).

Flask-Babel's locale is the single answer: it is negotiated per request (``?lang=``, else
``Accept-Language`` with its quality values, else the default) and ``force_locale`` sets it
for work done for someone else (a customer's e-mail, their invoice): ``speaking``.
``choose_language`` is the rule, on the raw query value and header: Flask's locale selector
and the cache hits answered before Flask (``ecom.common.cache_hits``) both call it, so they
never disagree.

Every JSON or HTML answer says ``Content-Language`` and ``Vary: Accept-Language``. An API
request naming a language the shop does not speak (``?lang=xx``) is refused, 400
``unknown_language``; other pages (the back office) answer in the negotiated one.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_percent
from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import force_locale, format_date, get_locale, gettext, refresh
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header
from werkzeug.routing import BaseConverter

from ecom.common.errors import ValidationFailed
from ecom.common.money import format_money

LANG_PARAMETER = "lang"
REMEMBERED_HEADER_LENGTH = 256
# Answers whose body is written in a language (errors, catalogue reads, pages).
LOCALIZED_TYPES = ("application/json", "text/html")


class UnknownLanguage(ValidationFailed):
    """A language the shop does not speak (not in ``LANGUAGES``), sent as ``field`` in the
    request's ``location`` (``?lang=``, an account's language, a translation's path)."""

    code = "unknown_language"
    message = _l("The shop does not speak this language.")

    def __init__(self, field: str, location: str) -> None:
        spoken = ", ".join(languages())
        choices = gettext("Must be one of: {choices}.").format(choices=spoken)
        super().__init__(errors={field: [choices]}, location=location)


def languages() -> list[str]:
    """The languages the shop speaks, the default first (``LANGUAGES``)."""
    return current_app.config["LANGUAGES"]


def default_language() -> str:
    return languages()[0]


def choose_language(
    asked: str | None, accept_language: str | None, spoken: Sequence[str]
) -> str | None:
    """The language of an answer: ``asked`` (``?lang=``) when given, None when the shop
    does not speak it; else the first language of ``accept_language`` by quality that
    the shop speaks, else the default (the first of ``spoken``)."""
    if asked is not None:
        return asked if asked in spoken else None
    if accept_language is not None and len(accept_language) > REMEMBERED_HEADER_LENGTH:
        return _from_header.__wrapped__(accept_language, tuple(spoken))
    return _from_header(accept_language, tuple(spoken))


# Browsers send few distinct headers, and parsing one costs more than the rest of a cache
# hit before Flask: the choices of short ones are remembered (at most ~256 KB).
@lru_cache(maxsize=1024)
def _from_header(accept_language: str | None, spoken: tuple[str, ...]) -> str:
    # Highest quality first; a tag is matched by its language (`fr-CH` is French), so
    # `fr-CH, en;q=0.5` is French (Werkzeug's best_match would take the exact `en`).
    for tag, quality in parse_accept_header(accept_language, LanguageAccept):
        language = tag.replace("_", "-").split("-")[0].lower()
        if quality > 0 and language in spoken:
            return language
    return spoken[0]


def negotiated_language() -> str | None:
    """Flask-Babel's locale selector: ``choose_language`` for this request (an unspoken
    ``?lang=`` reads as absent: the refusal is written in the header's language); None
    (the default) outside a request."""
    if not has_request_context():
        return None
    header = request.headers.get("Accept-Language")
    chosen = choose_language(request.args.get(LANG_PARAMETER), header, languages())
    return chosen or choose_language(None, header, languages())


def current_language() -> str:
    """The language of what is being written: the request's, or the one forced."""
    locale = get_locale()
    return locale.language if locale is not None else default_language()


def spoken(language: str | None) -> str:
    """``language`` if the shop speaks it, else the default (an account that never chose
    one, or whose language the shop no longer speaks)."""
    return language if language in languages() else default_language()


@contextmanager
def speaking(language: str | None) -> Iterator[str]:
    """Translate and format in ``language`` (``spoken``) inside the block."""
    chosen = spoken(language)
    with force_locale(chosen):
        yield chosen


def format_day(value: date | datetime | str) -> str:
    """A day as the current language writes it in full: "7 December 2026", "7 décembre
    2026" (an ISO string, as a payload keeps it, is read first)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_date(value, "long")


def format_rate(rate: Decimal | str) -> str:
    """A tax rate in percent as the current language writes it: "5.5%", "5,5 %"."""
    return format_percent(Decimal(rate) / 100, locale=get_locale(), decimal_quantization=False)


def register_template_filters(app: Flask) -> None:
    """``currency``, ``day`` and ``rate`` for e-mails and documents, in the current
    language (the back office's ``money`` shows staff the plain amount)."""
    app.jinja_env.filters.update(currency=format_money, day=format_day, rate=format_rate)


def refuse_unspoken_language() -> None:
    """400 for an API request whose ``?lang=`` names a language the shop does not speak."""
    asked = request.args.get(LANG_PARAMETER)
    if asked is not None and asked not in languages() and request.path.startswith("/api/"):
        raise UnknownLanguage(LANG_PARAMETER, "query")


def add_language_headers(response: Response) -> Response:
    if response.mimetype in LOCALIZED_TYPES:
        response.headers["Content-Language"] = current_language()
        response.vary.add("Accept-Language")
    return response


def lang_parameter(spoken: Sequence[str]) -> dict:
    """``?lang=`` in the OpenAPI document (``ecom.common.api.Blueprint``: every read)."""
    return {
        "name": LANG_PARAMETER,
        "in": "query",
        "required": False,
        "description": "The language of the answer's texts (messages, and catalogue texts "
        "where translated), ahead of `Accept-Language`; the answer says `Content-Language`. "
        "Without either, the shop's default language (the first listed).",
        "schema": {"type": "string", "enum": list(spoken)},
    }


def _negotiate_afresh() -> None:
    # Flask-Babel remembers the locale on flask.g, which outlives a request when an app
    # context is held around several (tests, scripts): each request negotiates its own.
    refresh()


def register_i18n(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _negotiate_afresh)
    app.before_request(refuse_unspoken_language)
    app.after_request(add_language_headers)


class LanguageConverter(BaseConverter):
    """``<language:...>`` in URLs: any path segment, documented as one of ``languages``
    (those a translation may be in), so a request naming another one is the view's to
    refuse with its reason (400), not an unknown route."""

    languages: tuple[str, ...] = ()


def language_converter(languages: list[str]) -> type[LanguageConverter]:
    """The converter of an app whose translations may be in ``languages``."""
    return type("LanguageConverter", (LanguageConverter,), {"languages": tuple(languages)})
