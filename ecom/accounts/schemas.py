import re
from typing import Any

import marshmallow as ma
from marshmallow import validate
from stdnum.eu import vat

from ecom.accounts.passwords import PASSWORD_POLICY, PASSWORD_RULE
from ecom.common.countries import COUNTRY_CODES
from ecom.common.field_messages import N_
from ecom.common.i18n import current_language
from ecom.common.pagination import PageArgsSchema
from ecom.common.permissions import ROLES
from ecom.common.schemas import (
    EMPTY_OR_NOT_BLANK,
    NOT_BLANK,
    Boolean,
    EmailAddress,
    Language,
    ResponseSchema,
    Text,
)

USERNAME = validate.Regexp(
    r"^[\w.@+-]{1,150}$", error=N_("Letters, digits and @/./+/-/_ only, at most 150 characters.")
)
NAME = [validate.Length(max=150), EMPTY_OR_NOT_BLANK]
LANGUAGE = (
    "The language of the account's e-mails and documents (invoices, credit notes): one of "
    "`LANGUAGES`, else 400 `unknown_language`; null follows the shop's default."
)


class UserSchema(ResponseSchema):
    id = ma.fields.Integer(dump_only=True)
    email = ma.fields.Email(dump_only=True)
    username = ma.fields.String(dump_only=True)
    first_name = ma.fields.String(dump_only=True)
    last_name = ma.fields.String(dump_only=True)
    role = ma.fields.String(dump_only=True, metadata={"enum": list(ROLES)})
    is_active = ma.fields.Boolean(dump_only=True)
    is_verified = ma.fields.Boolean(dump_only=True)
    language = Language(dump_only=True, metadata={"description": "Of e-mails and documents."})
    pending_email = ma.fields.Email(
        dump_only=True,
        allow_none=True,
        metadata={"description": "A new address waiting for its confirmation link to be followed."},
    )
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class RegisterSchema(ma.Schema):
    class Meta:
        example = {
            "email": "ann@example.com",
            "username": "ann",
            "password": "a-long-password",
            "first_name": "Ann",
            "last_name": "Lee",
        }

    email = EmailAddress(required=True)
    username = Text(required=True, validate=USERNAME)
    password = Text(
        required=True,
        load_only=True,
        validate=PASSWORD_RULE,
        metadata={"description": PASSWORD_POLICY},
    )
    first_name = Text(validate=NAME)
    last_name = Text(validate=NAME)
    language = Language(
        load_default=current_language,
        allow_none=True,
        metadata={"description": f"{LANGUAGE} Default: the request's language."},
    )


class ProfileSchema(ma.Schema):
    """Own profile, replaced whole; `role`, `is_active` and `password` are refused here
    (400, unknown field). A new `email` needs `current_password` and takes effect once the
    link e-mailed to it is followed (`pending_email` until then); the current address is
    told. An omitted `language` stays as it is."""

    class Meta:
        example = {
            "email": "ann@example.com",
            "username": "ann",
            "first_name": "Ann",
            "last_name": "Lee",
            "language": "fr",
        }

    email = EmailAddress(required=True)
    current_password = Text(
        load_only=True,
        validate=validate.Length(max=128),
        metadata={"description": "Required when `email` changes."},
    )
    username = Text(required=True, validate=USERNAME)
    first_name = Text(load_default="", validate=NAME)
    last_name = Text(load_default="", validate=NAME)
    language = Language(allow_none=True, metadata={"description": LANGUAGE})


class ProfilePatchSchema(ProfileSchema):
    """Any subset of the profile's fields (used with ``partial=True``)."""


class PasswordChangeSchema(ma.Schema):
    class Meta:
        example = {"current_password": "a-long-password", "new_password": "another-long-password"}

    current_password = Text(required=True, load_only=True)
    new_password = Text(
        required=True,
        load_only=True,
        validate=PASSWORD_RULE,
        metadata={"description": PASSWORD_POLICY},
    )


class EmailSchema(ma.Schema):
    class Meta:
        example = {"email": "ann@example.com"}

    email = EmailAddress(required=True)


class ActivationSchema(ma.Schema):
    class Meta:
        example = {"uid": "MQ", "token": "the-token-of-the-e-mailed-link"}

    uid = Text(required=True, validate=validate.Length(max=64))
    token = Text(required=True, validate=validate.Length(max=512))


class PasswordResetConfirmSchema(ActivationSchema):
    class Meta:
        example = {
            "uid": "MQ",
            "token": "the-token-of-the-e-mailed-link",
            "new_password": "another-long-password",
        }

    new_password = Text(
        required=True,
        load_only=True,
        validate=PASSWORD_RULE,
        metadata={"description": PASSWORD_POLICY},
    )


class LoginSchema(ma.Schema):
    class Meta:
        example = {"email": "staff@shop.example", "password": "shop-demo-password"}

    email = Text(required=True, validate=validate.Length(max=254))
    password = Text(required=True, load_only=True, validate=validate.Length(max=128))


class TokenPairSchema(ResponseSchema):
    access = Text(metadata={"description": "Access token (Bearer)."})
    refresh = Text(metadata={"description": "Refresh token; single use."})


class RefreshSchema(ma.Schema):
    class Meta:
        example = {"refresh": "the-refresh-token-of-auth-jwt-create"}

    refresh = Text(required=True)


class VerifySchema(ma.Schema):
    class Meta:
        example = {"token": "an-access-or-refresh-token"}

    token = Text(required=True)


class EmptySchema(ma.Schema):
    pass


class UserAdminUpdateSchema(ma.Schema):
    class Meta:
        example = {"role": "staff", "is_active": True}

    role = Text(validate=validate.OneOf(ROLES))
    is_active = Boolean()
    language = Language(allow_none=True, metadata={"description": LANGUAGE})


class UserListArgsSchema(PageArgsSchema):
    role = Text(validate=validate.OneOf(ROLES))


# What an EU VAT number looks like before its country's own rule (and check digits) apply:
# the country prefix, then 2 to 30 characters, some of them separators.
VAT_PATTERN = r"^([A-Za-z]{2}[0-9A-Za-z .-]{2,30})?$"


class VatNumber(Text):
    """An EU VAT number, checked by format and check digits (no online lookup) and loaded
    in its compact form (``de 136 695 976`` -> ``DE136695976``); empty for none."""

    default_error_messages = {"invalid_vat": N_("Not a valid EU VAT number (e.g. `DE136695976`).")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs["metadata"] = {"pattern": VAT_PATTERN, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        number = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(VAT_PATTERN, number) or (number and not vat.is_valid(number)):
            raise self.make_error("invalid_vat")
        return vat.compact(number) if number else ""


class ShippingAddressSchema(ma.Schema):
    """A postal address as a client sends it."""

    class Meta:
        example = {
            "first_name": "Ann",
            "last_name": "Lee",
            "line1": "1 High St",
            "line2": "Flat 2",
            "city": "Leeds",
            "postal_code": "LS1 1AA",
            "country": "GB",
            "phone": "+44 113 496 0000",
        }

    first_name = Text(required=True, validate=[validate.Length(max=150), NOT_BLANK])
    last_name = Text(required=True, validate=[validate.Length(max=150), NOT_BLANK])
    line1 = Text(required=True, validate=[validate.Length(max=255), NOT_BLANK])
    line2 = Text(load_default="", validate=validate.Length(max=255))
    city = Text(required=True, validate=[validate.Length(max=120), NOT_BLANK])
    postal_code = Text(required=True, validate=[validate.Length(max=20), NOT_BLANK])
    country = Text(
        required=True,
        validate=validate.OneOf(
            sorted(COUNTRY_CODES), error=N_("Not an ISO 3166-1 alpha-2 country code.")
        ),
        metadata={"description": "ISO 3166-1 alpha-2 code, upper case, e.g. `DE`."},
    )
    region = Text(
        load_default="",
        validate=validate.Length(max=64),
        metadata={"description": "State, province or region, e.g. `CA` (tax may depend on it)."},
    )
    vat_number = VatNumber(
        load_default="",
        metadata={
            "description": "A business's EU VAT number, e.g. `DE136695976`; checked by format "
            "only, stored compact."
        },
    )
    phone = Text(
        load_default="",
        validate=[
            validate.Length(max=32),
            validate.Regexp(
                r"^(\+?[0-9 ()./-]{4,32})?$", error=N_("Digits, spaces and + ( ) . / - only.")
            ),
        ],
    )


class ShippingAddressCopySchema(ResponseSchema, ShippingAddressSchema):
    """The copy of the address an order keeps."""

    # Copies taken before addresses had these fields answer them empty.
    region = ma.fields.String(dump_default="", metadata={"description": "State or region."})
    vat_number = ma.fields.String(
        dump_default="", metadata={"description": "The business's EU VAT number, compact."}
    )


class AddressWriteSchema(ShippingAddressSchema):
    is_default = Boolean(
        metadata={"description": "The one default address; setting it clears the others."}
    )


class AddressPatchSchema(AddressWriteSchema):
    """Any subset of an address's fields (used with ``partial=True``)."""


class AddressSchema(ResponseSchema, AddressWriteSchema):
    id = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)
