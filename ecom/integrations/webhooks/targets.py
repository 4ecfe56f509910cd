"""Where the shop may send a webhook: public addresses only, unless
``WEBHOOK_ALLOW_PRIVATE_TARGETS`` (tests). Checked when a subscription is written and again
right before every delivery (a name may resolve elsewhere by then)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext

from ecom.integrations.webhooks.errors import TargetRefused

SCHEMES = ("http", "https")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def check_target(url: str) -> None:
    """Refuse (``TargetRefused``) a URL that is malformed or whose host resolves to any
    private, loopback, link-local, multicast or otherwise non-global address."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise TargetRefused(gettext("only http and https URLs with a host are called"))
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(gettext("credentials in the URL are not sent; use the signature"))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise TargetRefused(gettext("the port is not a number from 0 to 65535")) from error
    if current_app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"]:
        return
    for address in _addresses(parts.hostname, port):
        if not _public(address):
            raise TargetRefused(
                gettext(
                    "%(host)s resolves to %(address)s, which is not public",
                    host=parts.hostname,
                    address=address,
                )
            )


def _addresses(host: str, port: int) -> list[IPAddress]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise TargetRefused(gettext("%(host)s does not resolve", host=host)) from error
    # An IPv6 scope (fe80::1%eth0) is no part of the address.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]


def _public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
