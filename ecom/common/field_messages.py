"""Messages written in English where no request is known (marshmallow's field and validator
messages, Werkzeug's error descriptions, our schemas' own), and ``translate``, which puts
one of them, as it was written, into the request's language when an error body is written.

``N_`` marks such a message: ``pybabel extract -k N_`` puts it in the catalogue and
``translate`` knows it. A templated message (``Longer than maximum length {max}.``) arrives
filled in: it is recognised by its template, the template is translated and filled with
the same values. The libraries' own are named below (a test holds them to marshmallow's).
"""

import re
from functools import cache

from flask_babel import gettext

# Every message marked with ``N_``.
_MARKED: set[str] = set()


def N_(message: str) -> str:
    """Marks a message for the catalogue and ``translate``; it stays as it is here."""
    _MARKED.add(message)
    return message


MARSHMALLOW = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid type."),
    N_("Invalid input."),
    N_("Invalid input type."),
    N_("Unknown field."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid mapping type."),
    N_("Not a valid URL."),
    N_("Not a valid email address."),
    N_("Not a valid UUID."),
    N_("Not a valid IP address."),
    N_("Not a valid IPv4 address."),
    N_("Not a valid IPv6 address."),
    N_("Not a valid IP interface."),
    N_("Not a valid IPv4 interface."),
    N_("Not a valid IPv6 interface."),
    N_("Not a valid period of time."),
    N_("Not a valid {obj_type}."),
    N_("Not a valid {awareness} {obj_type}."),
    N_('"{input}" cannot be formatted as a date.'),
    N_('"{input}" cannot be formatted as a {obj_type}.'),
    N_("{input!r} cannot be formatted as a timedelta."),
    N_("String does not match expected pattern."),
    N_("Must be one of: {choices}."),
    N_("Must be equal to {other}."),
    N_("One or more of the choices you made was in: {values}."),
    N_("One or more of the choices you made was not in: {choices}."),
    N_("Shorter than minimum length {min}."),
    N_("Longer than maximum length {max}."),
    N_("Length must be between {min} and {max}."),
    N_("Length must be {equal}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be greater than {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be less than {max}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than or equal to {min} and less than {max}."),
    N_("Must be greater than {min} and less than or equal to {max}."),
    N_("Must be greater than {min} and less than {max}."),
)

# Werkzeug's descriptions of the statuses the API answers with.
WERKZEUG = (
    N_("The browser (or proxy) sent a request that this server could not understand."),
    N_(
        "The server could not verify that you are authorized to access the URL requested. "
        "You either supplied the wrong credentials (e.g. a bad password), or your browser "
        "doesn't understand how to supply the credentials required."
    ),
    N_(
        "You don't have the permission to access the requested resource. It is either "
        "read-protected or not readable by the server."
    ),
    N_(
        "The requested URL was not found on the server. If you entered the URL manually "
        "please check your spelling and try again."
    ),
    N_("The method is not allowed for the requested URL."),
    N_(
        "A conflict happened while processing the request. The resource might have been "
        "modified while the request was being processed."
    ),
    N_("The data value transmitted exceeds the capacity limit."),
    N_("The server does not support the media type transmitted in the request."),
    N_("The request was well-formed but was unable to be followed due to semantic errors."),
    N_("This user has exceeded an allotted request count. Try again later."),
    N_(
        "The server encountered an internal error and was unable to complete your request. "
        "Either the server is overloaded or there is an error in the application."
    ),
)

_PLACEHOLDER = re.compile(r"\{(\w+)(?:![rsa])?\}")


def _pattern(template: str) -> re.Pattern:
    parts, position = [], 0
    for placeholder in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : placeholder.start()]))
        parts.append(f"(?P<{placeholder[1]}>.+?)")
        position = placeholder.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts), re.DOTALL)


@cache
def _templates() -> list[tuple[str, re.Pattern]]:
    """The templated messages, read once every module has marked its own; the longest
    fixed text first ("Must be greater than {min}." must not take the message of "Must be
    greater than or equal to {min}.")."""
    return sorted(
        ((t, _pattern(t)) for t in _MARKED if _PLACEHOLDER.search(t)),
        key=lambda pair: -len(_PLACEHOLDER.sub("", pair[0])),
    )


def translate(message: str) -> str:
    """``message`` in the request's language when it is a marked message (filled in or
    not); any other message as it is."""
    if message in _MARKED:
        return gettext(message)
    for template, pattern in _templates():
        found = pattern.fullmatch(message)
        if found:
            translated = _PLACEHOLDER.sub(lambda p: "{" + p[1] + "}", gettext(template))
            return translated.format(**found.groupdict())
    return message
