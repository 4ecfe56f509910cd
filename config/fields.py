"""How settings are declared and read: one typed field per environment variable, grouped by
concern, validated by pydantic-settings from a given mapping (``os.environ`` in production,
a plain dict in tests)."""

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, ClassVar, Self

from pydantic import AliasChoices, BeforeValidator, Field, ValidationError
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, SettingsConfigDict

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConfigError(RuntimeError):
    """Settings the application cannot start with; the message names each one."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        lines = (f"  {name}: {problem}" for name, problem in self.problems.items())
        super().__init__("Invalid configuration:\n" + "\n".join(lines))


def comma_list(value: str) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``: the one reading of a comma-separated setting."""
    return [entry.strip() for entry in value.split(",") if entry.strip()]


def networks(entries: Iterable[str]) -> list[IPNetwork]:
    """Addresses and networks (``10.0.0.0/8``, ``::1``); a bare address is a network of one."""
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def address_in(address: str | None, allowed: Iterable[IPNetwork]) -> bool:
    """Whether ``address`` lies in one of the ``allowed`` networks (never for a non-address)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in allowed)


def _split(value: Any) -> Any:
    return comma_list(value) if isinstance(value, str) else value


def _networks(value: Any) -> Any:
    return networks(comma_list(value) if isinstance(value, str) else value)


CommaList = Annotated[list[str], NoDecode, BeforeValidator(_split)]
Networks = Annotated[list[IPNetwork], NoDecode, BeforeValidator(_networks)]


def setting(
    default: Any = None, doc: str = "", *, env: str | AliasChoices | None = None, shown: str = ""
) -> Any:
    """A field read from the variable ``env`` (default: the field's own name, which is also
    its ``app.config`` key); ``shown`` is the default as the documentation states it, for
    one computed from other settings."""
    extra = {"shown": shown} if shown else None
    if isinstance(default, list):
        return Field(
            default_factory=lambda: list(default),
            description=doc,
            validation_alias=env,
            json_schema_extra=extra,
        )
    return Field(default, description=doc, validation_alias=env, json_schema_extra=extra)


class _MappingSource(EnvSettingsSource):
    """pydantic-settings' environment source, reading ``env`` instead of ``os.environ``."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        self._mapping = env
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {key: value for key, value in self._mapping.items() if value != ""}


class Group(BaseSettings):
    """Settings of one concern. An empty variable counts as unset."""

    model_config = SettingsConfigDict(
        case_sensitive=True, extra="ignore", frozen=True, validate_default=True
    )
    title: ClassVar[str]

    @classmethod
    def read(cls, env: Mapping[str, str]) -> Self:
        return cls(_build_sources=((_MappingSource(cls, env),), {}))

    def apply(self, config: Any) -> None:
        """Set this group's ``app.config`` keys on ``config``: each field under its name;
        groups that derive more keys extend this."""
        for name in type(self).model_fields:
            setattr(config, name, getattr(self, name))


def read_groups(groups: Iterable[type[Group]], env: Mapping[str, str]) -> list[Group]:
    """Every group read from ``env``, or one ``ConfigError`` naming every invalid variable."""
    values, problems = [], {}
    for group in groups:
        try:
            values.append(group.read(env))
        except ValidationError as error:
            for detail in error.errors():
                problems[str(detail["loc"][0])] = f"{detail['msg']} (got {detail['input']!r})"
    if problems:
        raise ConfigError(problems)
    return values
