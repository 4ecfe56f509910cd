from flask.views import MethodView
from flask_jwt_extended import current_user, get_jwt

from ecom.accounts import addresses, recovery, services, tokens
from ecom.accounts.errors import InvalidLink, PasswordIsEmail
from ecom.accounts.schemas import (
    ActivationSchema,
    AddressPatchSchema,
    AddressSchema,
    AddressWriteSchema,
    EmailSchema,
    EmptySchema,
    LoginSchema,
    PasswordChangeSchema,
    PasswordResetConfirmSchema,
    ProfilePatchSchema,
    ProfileSchema,
    RefreshSchema,
    RegisterSchema,
    TokenPairSchema,
    UserAdminUpdateSchema,
    UserListArgsSchema,
    UserSchema,
    VerifySchema,
)
from ecom.common.api import Blueprint
from ecom.common.pagination import page_schema, paginate
from ecom.common.ratelimit import client_key

EMAIL_NEEDS_PASSWORD = "A new `email` without the current password, or with a wrong one."

blp = Blueprint(
    "auth", __name__, url_prefix="/api/v1/auth", description="Accounts and JWT authentication."
)


@blp.route("/users/")
class Users(MethodView):
    @blp.strict_limit()
    @blp.arguments(RegisterSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, data):
        """Register a customer account; an activation e-mail goes out, in the account's
        language (by default the request's)."""
        return services.create_user(**data, send_activation=True)

    @blp.auth("admin")
    @blp.arguments(UserListArgsSchema, location="query")
    @blp.response(200, page_schema(UserSchema))
    def get(self, args):
        """List users (admin), optionally by role."""
        return paginate(services.users_query(args.get("role")), args)


@blp.route("/users/me/")
class Me(MethodView):
    @blp.auth()
    @blp.response(200, UserSchema)
    def get(self):
        """The caller's profile."""
        return current_user

    @blp.auth()
    @blp.arguments(ProfileSchema)
    @blp.response(200, UserSchema)
    @blp.alt_response(403, response="FORBIDDEN", description=EMAIL_NEEDS_PASSWORD)
    @blp.alt_response(409, response="CONFLICT")
    def put(self, data):
        """Replace the caller's profile (omitted names become empty)."""
        return services.update_profile(current_user, data)

    @blp.auth()
    @blp.arguments(ProfilePatchSchema(partial=True))
    @blp.response(200, UserSchema)
    @blp.alt_response(403, response="FORBIDDEN", description=EMAIL_NEEDS_PASSWORD)
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, data):
        """Update some of the caller's profile."""
        return services.update_profile(current_user, data)


@blp.route("/users/me/password/")
class MyPassword(MethodView):
    @blp.strict_limit(client_key)
    @blp.auth()
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    @blp.alt_response(403, response="FORBIDDEN", description="The current password is wrong.")
    @blp.alt_response(409, response="CONFLICT", description=PasswordIsEmail.message)
    def post(self, data):
        """Change the caller's password; every token issued before is revoked."""
        services.change_password(current_user, data["current_password"], data["new_password"])


@blp.route("/users/activation/")
class Activation(MethodView):
    @blp.strict_limit(client_key)
    @blp.arguments(ActivationSchema)
    @blp.response(204)
    @blp.alt_response(409, response="CONFLICT", description=InvalidLink.message)
    def post(self, data):
        """Verify the account's e-mail address with the link's `uid` and `token`."""
        recovery.activate(data["uid"], data["token"])


@blp.route("/users/resend_activation/")
class ResendActivation(MethodView):
    @blp.strict_limit()
    @blp.arguments(EmailSchema)
    @blp.response(204)
    def post(self, data):
        """A new activation e-mail; 204 whether or not the account exists."""
        recovery.resend_activation(data["email"])


@blp.route("/users/reset_password/")
class ResetPassword(MethodView):
    @blp.strict_limit()
    @blp.arguments(EmailSchema)
    @blp.response(204)
    def post(self, data):
        """E-mail a password reset link; 204 whether or not the account exists."""
        recovery.request_password_reset(data["email"])


@blp.route("/users/reset_password_confirm/")
class ResetPasswordConfirm(MethodView):
    @blp.strict_limit(client_key)
    @blp.arguments(PasswordResetConfirmSchema)
    @blp.response(204)
    @blp.alt_response(409, response="CONFLICT", description=InvalidLink.message)
    def post(self, data):
        """Set a new password with the link's `uid` and `token`; every token is revoked."""
        recovery.reset_password(data["uid"], data["token"], data["new_password"])


@blp.route("/users/confirm_email/")
class ConfirmEmail(MethodView):
    @blp.strict_limit(client_key)
    @blp.arguments(ActivationSchema)
    @blp.response(204)
    @blp.alt_response(409, response="CONFLICT", description=InvalidLink.message)
    def post(self, data):
        """Make the new e-mail address the account's with the `uid` and `token` of the
        link sent to it."""
        recovery.confirm_email_change(data["uid"], data["token"])


@blp.route("/users/<int:user_id>/")
class UserDetail(MethodView):
    @blp.auth("admin")
    @blp.response(200, UserSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, user_id):
        """One user (admin)."""
        return services.get_user(user_id)

    @blp.auth("admin")
    @blp.arguments(UserAdminUpdateSchema)
    @blp.response(200, UserSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, data, user_id):
        """Set a user's role, active flag or language (admin)."""
        return services.administer_user(current_user, user_id, data)

    @blp.auth("admin")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def delete(self, user_id):
        """Deactivate a user (admin); the account and its orders are kept."""
        services.deactivate_user(current_user, user_id)


@blp.route("/jwt/create/")
class CreateToken(MethodView):
    @blp.login_limit()
    @blp.arguments(LoginSchema)
    @blp.response(200, TokenPairSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    def post(self, data):
        """Log in with email and password."""
        return services.login(data["email"], data["password"])


@blp.route("/jwt/refresh/")
class RefreshToken(MethodView):
    @blp.arguments(RefreshSchema)
    @blp.response(200, TokenPairSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    def post(self, data):
        """Rotate a refresh token: a new pair, and the old refresh token is revoked."""
        return services.rotate_refresh_token(data["refresh"])


@blp.route("/jwt/verify/")
class VerifyToken(MethodView):
    @blp.arguments(VerifySchema)
    @blp.response(200, EmptySchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    def post(self, data):
        """Check that a token is valid, unexpired and not revoked."""
        tokens.validate(data["token"])
        return {}


@blp.route("/jwt/logout/")
class Logout(MethodView):
    @blp.auth()
    @blp.arguments(RefreshSchema)
    @blp.response(204)
    def post(self, data):
        """Revoke the caller's access token and the given refresh token."""
        services.logout(current_user, get_jwt(), data["refresh"])


@blp.route("/users/me/addresses/")
class MyAddresses(MethodView):
    @blp.auth()
    @blp.response(200, AddressSchema(many=True))
    def get(self):
        """The caller's address book, default first."""
        return addresses.list_addresses(current_user)

    @blp.auth()
    @blp.arguments(AddressWriteSchema)
    @blp.response(201, AddressSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, data):
        """Add an address; the first one becomes the default."""
        return addresses.create_address(current_user, data)


@blp.route("/users/me/addresses/<int:address_id>/")
class MyAddress(MethodView):
    @blp.auth()
    @blp.response(200, AddressSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, address_id):
        """One of the caller's addresses."""
        return addresses.get_address(current_user, address_id)

    @blp.auth()
    @blp.arguments(AddressWriteSchema)
    @blp.response(200, AddressSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def put(self, data, address_id):
        """Replace an address."""
        return addresses.update_address(current_user, address_id, data)

    @blp.auth()
    @blp.arguments(AddressPatchSchema(partial=True))
    @blp.response(200, AddressSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, data, address_id):
        """Change some fields of an address, or make it the default."""
        return addresses.update_address(current_user, address_id, data)

    @blp.auth()
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, address_id):
        """Delete an address; if it was the default, the newest other one takes over."""
        addresses.delete_address(current_user, address_id)
