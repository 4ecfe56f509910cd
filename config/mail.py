"""E-mail: SMTP when ``EMAIL_HOST`` is set, else the console; the shop's name and links."""

from typing import Annotated, Any

from pydantic import AliasChoices, Field, PositiveInt

from config.fields import Group, setting

# The console prints a readable summary of each message rather than its raw MIME.
CONSOLE_SUMMARY = "ecom.common.mail_console.EmailBackend"
WILDCARD_HOSTS = frozenset(("0.0.0.0", "::", ""))


class MailSettings(Group):
    """Messages leave through the outbox ([BACKGROUND_JOBS.md](BACKGROUND_JOBS.md#e-mail))."""

    title = "Mail"

    SHOP_NAME: str = setting("ecom", "the shop's name, in every message's layout")
    HOST: str = setting("127.0.0.1", "the address `make run` serves on")
    PORT: Annotated[int, Field(ge=1, le=65535)] = setting(8000, "the port `make run` serves on")
    SHOP_URL: str | None = setting(
        None, "the shop's address, in every message", shown="`http://<HOST>:<PORT>`"
    )
    FRONTEND_URL: str | None = setting(
        None,
        "base of the links customers follow (activation, password reset)",
        shown="`SHOP_URL`",
    )
    MAIL_SERVER: str | None = setting(
        None, "SMTP server; unset = the console backend (prints each message)", env="EMAIL_HOST"
    )
    MAIL_BACKEND: str | None = setting(
        None,
        "any Flask-Mailman backend (`console`: a short summary of each message, `smtp`, "
        "`file`, `locmem`, `dummy`, or a class's dotted path)",
        env="EMAIL_BACKEND",
        shown="`smtp` with `EMAIL_HOST`, else `console`",
    )
    MAIL_PORT: int = setting(25, "SMTP port", env="EMAIL_PORT")
    MAIL_USERNAME: str | None = setting(None, "SMTP login", env="EMAIL_HOST_USER")
    MAIL_PASSWORD: str | None = setting(None, "SMTP password", env="EMAIL_HOST_PASSWORD")
    MAIL_USE_TLS: bool = setting(False, "STARTTLS", env="EMAIL_USE_TLS")
    MAIL_USE_SSL: bool = setting(False, "TLS from the start", env="EMAIL_USE_SSL")
    MAIL_TIMEOUT_SECONDS: PositiveInt = setting(
        10,
        "seconds an SMTP connection may wait before the delivery fails and is retried "
        "(also read as `EMAIL_TIMEOUT`)",
        env=AliasChoices("MAIL_TIMEOUT_SECONDS", "EMAIL_TIMEOUT"),
    )
    MAIL_DEFAULT_SENDER: str | None = setting(
        None, "sender", env="DEFAULT_FROM_EMAIL", shown="`<SHOP_NAME> <noreply@localhost>`"
    )

    def apply(self, config: Any) -> None:
        super().apply(config)
        config.SHOP_URL = (self.SHOP_URL or self._served_url()).rstrip("/")
        config.FRONTEND_URL = (self.FRONTEND_URL or config.SHOP_URL).rstrip("/")
        backend = self.MAIL_BACKEND or ("smtp" if self.MAIL_SERVER else "console")
        config.MAIL_BACKEND = CONSOLE_SUMMARY if backend == "console" else backend
        # Flask-Mailman's key for the same timeout.
        config.MAIL_TIMEOUT = self.MAIL_TIMEOUT_SECONDS
        config.MAIL_DEFAULT_SENDER = (
            self.MAIL_DEFAULT_SENDER or f"{self.SHOP_NAME} <noreply@localhost>"
        )

    def _served_url(self) -> str:
        """Where ``make run`` answers: a wildcard address is reached through the loopback."""
        host = "127.0.0.1" if self.HOST in WILDCARD_HOSTS else self.HOST
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.PORT}"
