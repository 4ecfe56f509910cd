"""The login limits, shared by the API's and the back office's login forms
(docs/SECURITY.md). A failed login is a 401 response; limits are read from the
configuration at request time (``RATELIMIT_LOGIN_*``)."""

from collections.abc import Callable

from flask import Response, current_app
from limits import parse

from ecom.common.ratelimit import client_ip, configured, limiter, submitted_email

PAIR_SCOPE = "login-failures-account-address"
ACCOUNT_SCOPE = "login-failures-account"


def _account_at_address() -> str:
    return f"{submitted_email()}|ip:{client_ip()}"


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _window(setting: str, key: str, scope: str) -> tuple[int, int]:
    """(remaining, amount) of the shared limit ``setting`` for ``key``, as the limiter counts."""
    item = parse(current_app.config[setting])
    identifiers = filter(None, (current_app.config["RATELIMIT_KEY_PREFIX"], key, scope))
    return limiter.limiter.get_window_stats(item, *identifiers).remaining, item.amount


def _clean_address_of_an_attacked_account() -> bool:
    """Exempts from the account's limit an address with no failure for the account. Only
    once that limit is reached: until then every failure, from anywhere, counts."""
    account_left, _ = _window("RATELIMIT_LOGIN_ACCOUNT_FAILURES", submitted_email(), ACCOUNT_SCOPE)
    if account_left > 0:
        return False
    pair_left, pair_amount = _window("RATELIMIT_LOGIN_FAILURES", _account_at_address(), PAIR_SCOPE)
    return pair_left == pair_amount


def login_limit(*, methods: list[str] | None = None) -> Callable:
    """The three login limits on a view (``methods``: only those methods of it):

    - ``RATELIMIT_LOGIN_FAILURES``: failed logins per account and address (strict);
    - ``RATELIMIT_LOGIN_ACCOUNT_FAILURES``: failed logins per account from any address, over
      a longer window (loose); an address with no failure for the account is exempt, so a
      customer still logs in while their account is attacked from elsewhere;
    - ``RATELIMIT_LOGIN_ADDRESS``: every login per address (generous: offices and mobile
      carriers share addresses).
    """
    limits = (
        limiter.shared_limit(
            configured("RATELIMIT_LOGIN_ADDRESS"),
            scope="login-address",
            key_func=client_ip,
            methods=methods,
        ),
        limiter.shared_limit(
            configured("RATELIMIT_LOGIN_FAILURES"),
            scope=PAIR_SCOPE,
            key_func=_account_at_address,
            deduct_when=_failed,
            methods=methods,
        ),
        limiter.shared_limit(
            configured("RATELIMIT_LOGIN_ACCOUNT_FAILURES"),
            scope=ACCOUNT_SCOPE,
            key_func=submitted_email,
            deduct_when=_failed,
            exempt_when=_clean_address_of_an_attacked_account,
            methods=methods,
        ),
    )

    def decorator(view: Callable) -> Callable:
        for limit in limits:
            view = limit(view)
        return view

    return decorator
