"""The shop's languages and the one a request is answered in (docs/I18N.md).

Flask-Babel's locale is the single answer: it is negotiated per request (``?lang=``, else
``Accept-Language`` with its quality values, else the default) and ``force_locale`` sets it
for work done for someone else (a customer's e-mail, their invoice): ``speaking``."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_percent
from flask import Flask, current_app, has_request_context, request
from flask_babel import force_locale, format_date, get_locale

from ecom.common.money import format_money


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
