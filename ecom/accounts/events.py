"""The accounts' events. Payloads name the user; links and tokens never travel in them."""

from marshmallow import Schema, fields

from ecom.common.events import EventKind


class UserSchema(Schema):
    user_id = fields.Integer(required=True)


class UserRegisteredSchema(UserSchema):
    email = fields.String(required=True)
    # True when the user signed up through the API (an activation e-mail goes out), false
    # when staff or a command created the account.
    signed_up = fields.Boolean(required=True)


USER_REGISTERED = EventKind(
    "user.registered", UserRegisteredSchema, description="An account was created."
)
ACTIVATION_REQUESTED = EventKind(
    "user.activation_requested",
    UserSchema,
    description="An unverified user asked for a new activation link.",
)
PASSWORD_RESET_REQUESTED = EventKind(
    "user.password_reset_requested", UserSchema, description="A user asked to reset their password."
)
PASSWORD_CHANGED = EventKind(
    "user.password_changed", UserSchema, description="A user's password was changed or reset."
)
EMAIL_CHANGE_REQUESTED = EventKind(
    "user.email_change_requested",
    UserSchema,
    description="A user asked to move their account to another e-mail address.",
)
