"""The Blueprint every domain uses (flask-smorest's, with our validation status and auth
docs) and the conventions the whole OpenAPI document shares."""

import inspect
import json
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

import flask_smorest
import marshmallow as ma
from flask import Request, request
from webargs.flaskparser import FlaskParser, abort
from werkzeug.routing import UnicodeConverter

from ecom.common.conditional import ETAG, IF_NONE_MATCH
from ecom.common.field_messages import N_
from ecom.common.i18n import LanguageConverter, lang_parameter
from ecom.common.login_limits import login_limit
from ecom.common.permissions import PERMISSIONS, TOKEN_PREFIX, authorize
from ecom.common.ratelimit import client_ip, configured, limiter, submitted_email
from ecom.common.schemas import NO_NUL, Language, ResponseSchema

BEARER_SCHEME = "bearerAuth"
# The operation's permission in the OpenAPI document (and a sentence of its description).
PERMISSION_EXTENSION = "x-permission"
INTRODUCTION = """\
The shop's REST API: accounts, catalog, cart, checkout, orders, payments and reviews.

**Getting a token.** `POST /api/v1/auth/jwt/create/` with `{"email": ..., "password": ...}`
answers `{"access": ..., "refresh": ...}`. Send the access token as
`Authorization: Bearer <access>` (in this page: **Authorize**, then paste it). It lasts
`ACCESS_TOKEN_LIFETIME` minutes; `auth/jwt/refresh/` gives a new pair. Register a customer
with `POST /api/v1/auth/users/`. A shop filled by `flask seed` has `staff@shop.example`,
`admin@shop.example` and customers, all with the password `shop-demo-password`; `flask
create-admin` makes an administrator.

**Roles** nest: admin ⊇ staff ⊇ customer; each operation says who may call it. A staff
operation names its **permission** (`x-permission`, and the last sentence of its
description): staff hold the permissions of their permission groups, admins hold all.

**Integration tokens** (`ecom_it_…`, made by staff with `manage_integrations`) are sent the
same way, `Authorization: Bearer <token>`, and may call the staff operations whose
permission they hold, and the public reads.

**Servers.** Paths are absolute (`/api/v1/...`, `/health/`): the server is the one that
serves this document. Every path answers with or without its trailing slash.

**Conventions.** Errors are JSON with a stable `code` (`{"code", "status", "message",
"errors"}`); lists take `?page=` and `?page_size=` and answer `{count, next, previous,
results}`; money is a string with two decimals. The request examples are valid bodies;
ids in them (`1`) stand for ids of your shop.

**Languages.** Messages, and catalogue texts where translated, are in the language asked
by `?lang=` (one the shop speaks, else 400 `unknown_language`), else by
`Accept-Language` (quality values honoured), else the shop's default; answers say it in
`Content-Language` and vary on `Accept-Language`. Error codes never change.
"""


def strict_limit(
    identity: Callable[[], str] = submitted_email, *, methods: list[str] | None = None
) -> Callable:
    """``RATELIMIT_AUTH`` per client address and, separately, per ``identity()``.

    For credential endpoints other than the logins (registration, password change):
    rotating addresses does not help against one account, nor accounts against one address.
    ``methods`` limits only those methods of a view that serves several (a login page's POST).
    """
    auth_limit = configured("RATELIMIT_AUTH")
    per_address = limiter.limit(auth_limit, key_func=client_ip, methods=methods)
    per_identity = limiter.limit(auth_limit, key_func=identity, scope="identity", methods=methods)

    def decorator(view: Callable) -> Callable:
        return per_address(per_identity(view))

    return decorator


def _default_in_description(
    converter: Any, field: ma.fields.Field, ret: dict, **kwargs: Any
) -> dict:
    """What the server fills in for an omitted request field, in words: generators read a
    published ``default`` as "always present" and would make the field required."""
    default = field.load_default
    if default is ma.missing or callable(default):
        return {}
    said = f"Default: `{json.dumps(default)}`."
    return {"description": f"{ret['description']} {said}" if "description" in ret else said}


def _spoken(languages: list[str]) -> Callable:
    """The enum of every ``Language`` field: the languages the shop speaks."""

    def enum(converter: Any, field: ma.fields.Field, **kwargs: Any) -> dict:
        if not isinstance(field, Language):
            return {}
        return {"enum": [*languages, None] if field.allow_none else list(languages)}

    return enum


def _with_meta(schema2jsonschema: Callable[[ma.Schema], dict]) -> Callable:
    """A schema's ``Meta.joint_rules``: what its ``validates_schema`` checks across fields,
    said in JSON Schema, joins its document (e.g. "exactly one of two fields"); and a
    request schema's ``Meta.example``, the valid body Swagger UI's "Try it out" starts from
    (rather than one made of every field, which may break those rules)."""

    def convert(schema: ma.Schema) -> dict:
        meta = getattr(schema, "Meta", None)
        document = {**schema2jsonschema(schema), **getattr(meta, "joint_rules", {})}
        example = getattr(meta, "example", None)
        if example is not None and not isinstance(schema, ResponseSchema):
            document["example"] = example
        return document

    return convert


def document_conventions(api: flask_smorest.Api, languages: list[str]) -> None:
    """What every operation shares: the introduction and the servers, the bearer scheme,
    path text that holds no NUL, defaults said in words, the shop's ``languages``, the
    schemas' rules across fields and their examples."""
    api.spec.options["info"] = {"description": INTRODUCTION}
    # Relative: the server that serves the document (paths start with /api/v1/ or /health/).
    api.spec.options["servers"] = [{"url": "/", "description": "This server"}]
    api.spec.components.security_scheme(
        BEARER_SCHEME, {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    converter = api.ma_plugin.converter
    converter.attribute_functions.remove(converter.field2default)
    converter.add_attribute_function(_default_in_description)
    converter.add_attribute_function(_spoken(languages))
    converter.schema2jsonschema = _with_meta(converter.schema2jsonschema)
    api.register_converter(UnicodeConverter, lambda _: {"type": "string", "pattern": NO_NUL})
    api.register_converter(LanguageConverter, _language_schema)


def _language_schema(converter: LanguageConverter) -> dict:
    if not converter.languages:
        return {"type": "string", "pattern": NO_NUL}
    return {"type": "string", "enum": list(converter.languages)}


class ApiParser(FlaskParser):
    # Clients of a shop API expect 400 for bad input, as DRF answers.
    DEFAULT_VALIDATION_STATUS = 400

    def _handle_invalid_json_error(
        self, error: Exception, req: Any, *args: Any, **kwargs: Any
    ) -> NoReturn:
        # Location → field → messages, as every error; `_schema` is the body as a whole.
        abort(400, exc=error, messages={"json": {"_schema": [N_("Invalid JSON body.")]}})

    def _raw_load_json(self, req: Request) -> Any:
        """The body as ``refuse_abusive_json`` parsed it: one parse per request."""
        parsed = req.get_json(silent=True) if req.is_json else None
        return super()._raw_load_json(req) if parsed is None else parsed


def _body_required(view: Callable) -> Callable:
    """A required JSON body is refused when absent (webargs would read it as ``{}``)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not request.get_data(cache=True):
            abort(400, messages={"json": {"_schema": [N_("A JSON body is required.")]}})
        return view(*args, **kwargs)

    return wrapper


def _needs(permission: str) -> str:
    """The sentence a staff operation's description ends with."""
    return (
        f"**Permission:** `{permission}`: staff of a permission group that grants it, "
        f"admins, or an integration token (`{TOKEN_PREFIX}…`) that holds it."
    )


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ApiParser()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_language_doc)

    def _prepare_language_doc(
        self, doc: dict, doc_info: dict, *, app: Any, method: str, **kwargs: Any
    ) -> dict:
        """A read under /api/ lists ``?lang=`` (writes take it too, undocumented)."""
        if method == "get" and (self.url_prefix or "").startswith("/api/"):
            doc.setdefault("parameters", []).append(lang_parameter(app.config["LANGUAGES"]))
        return doc

    def arguments(self, schema: Any, *, location: str = "json", **kwargs: Any) -> Callable:
        """flask-smorest's, and a body the document requires is required. A schema class
        is made an instance here, once: webargs would build one per request."""
        schema = schema() if isinstance(schema, type) else schema
        parse = super().arguments(schema, location=location, **kwargs)
        if location != "json" or not kwargs.get("required", True):
            return parse
        return lambda view: _body_required(parse(view))

    def auth(
        self,
        role: str | None = "customer",
        *,
        optional: bool = False,
        permission: str | None = None,
    ) -> Callable:
        """Require a valid token for ``role`` (or above); document it in OpenAPI.

        ``permission`` makes a staff operation: staff whose groups grant it, admins, and
        integration tokens holding it may call it; the document says which (its
        ``x-permission`` and a sentence of its description). A staff operation always
        names its permission: ``auth("staff")`` alone is refused.
        ``optional=True`` accepts anonymous callers but still rejects a bad token.
        """
        if permission is not None:
            if permission not in PERMISSIONS:
                raise ValueError(f"unknown permission {permission!r}")
            role = "staff"
        elif role == "staff":
            raise ValueError('a staff operation names its permission: auth(permission="...")')

        def decorator(view: Callable) -> Callable:
            @wraps(view)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                authorize(role, optional=optional, permission=permission)
                return view(*args, **kwargs)

            # `{}` first: anonymous callers are welcome, a token (when sent) is checked.
            security = [{}, {BEARER_SCHEME: []}] if optional else [{BEARER_SCHEME: []}]
            wrapper = self.doc(security=security)(wrapper)
            wrapper = self.alt_response(401, response="UNAUTHORIZED")(wrapper)
            if role not in (None, "customer"):
                wrapper = self.alt_response(403, response="FORBIDDEN")(wrapper)
            if permission is not None:
                wrapper = self.doc(**{PERMISSION_EXTENSION: permission})(wrapper)
                wrapper.__doc__ = f"{inspect.cleandoc(view.__doc__ or '')}\n\n{_needs(permission)}"
                wrapper.required_permission = permission
            return wrapper

        return decorator

    def _prepare_etag_doc(self, doc: dict, doc_info: dict, **kwargs: Any) -> dict:
        """flask-smorest's ETag document, with its parameter and header written in place
        (as every other operation's) rather than as references to components."""
        doc = super()._prepare_etag_doc(doc, doc_info, **kwargs)
        if "parameters" in doc:
            parameters = doc["parameters"]
            doc["parameters"] = [IF_NONE_MATCH if p == "IF_NONE_MATCH" else p for p in parameters]
        for response in doc.get("responses", {}).values():
            if isinstance(response, dict) and response.get("headers", {}).get("ETag") == "ETAG":
                response["headers"]["ETag"] = ETAG
        return doc

    def strict_limit(self, identity: Callable[[], str] = submitted_email) -> Callable:
        """``strict_limit`` on a view, with its 429 documented."""
        return self._limited(strict_limit(identity))

    def login_limit(self) -> Callable:
        """``login_limit`` on a view, with its 429 documented."""
        return self._limited(login_limit())

    def _limited(self, limit: Callable) -> Callable:
        def decorator(view: Callable) -> Callable:
            return self.alt_response(429, response="TOO_MANY_REQUESTS")(limit(view))

        return decorator
