"""Staff permissions over the API: permission groups and integration tokens."""

from flask.views import MethodView

from ecom.accounts import groups, integration_tokens
from ecom.accounts.models import IntegrationToken, PermissionGroup
from ecom.accounts.staff_schemas import (
    IntegrationTokenSchema,
    IntegrationTokenWriteSchema,
    NewIntegrationTokenSchema,
    PermissionGroupPatchSchema,
    PermissionGroupSchema,
    PermissionGroupWriteSchema,
)
from ecom.common.api import Blueprint
from ecom.common.pagination import PageArgsSchema, page_schema, paginate
from ecom.common.permissions import current_caller

blp = Blueprint(
    "staff",
    __name__,
    url_prefix="/api/v1",
    description="Permission groups of staff members, and integration tokens of other systems.",
)


@blp.route("/permission-groups/")
class PermissionGroups(MethodView):
    @blp.auth(permission="manage_staff")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(PermissionGroupSchema))
    def get(self, args: dict) -> dict:
        """Permission groups by name, with their permissions and members."""
        return paginate(groups.groups_query(), args)

    @blp.auth(permission="manage_staff")
    @blp.arguments(PermissionGroupWriteSchema)
    @blp.response(201, PermissionGroupSchema)
    @blp.alt_response(409, response="CONFLICT", description="`group_exists`, `not_staff`.")
    def post(self, data: dict) -> PermissionGroup:
        """Create a permission group of staff members. Nobody grants a permission they do
        not hold (403 `beyond_own_permissions`)."""
        return groups.create_group(current_caller(), data)


@blp.route("/permission-groups/<int:group_id>/")
class PermissionGroupDetail(MethodView):
    @blp.auth(permission="manage_staff")
    @blp.response(200, PermissionGroupSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, group_id: int) -> PermissionGroup:
        """One permission group."""
        return groups.get_group(group_id)

    @blp.auth(permission="manage_staff")
    @blp.arguments(PermissionGroupPatchSchema(partial=True))
    @blp.response(200, PermissionGroupSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="`group_exists`, `not_staff`.")
    def patch(self, data: dict, group_id: int) -> PermissionGroup:
        """Rename a group, or replace its permissions or its members; changing a group
        needs every permission it grants, before and after (403 `beyond_own_permissions`)."""
        return groups.update_group(current_caller(), group_id, data)

    @blp.auth(permission="manage_staff")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, group_id: int) -> None:
        """Delete a group; its members keep their other groups."""
        groups.delete_group(current_caller(), group_id)


@blp.route("/integration-tokens/")
class IntegrationTokens(MethodView):
    @blp.auth(permission="manage_integrations")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(IntegrationTokenSchema))
    def get(self, args: dict) -> dict:
        """Integration tokens, newest first, revoked ones too (never their secrets)."""
        return paginate(integration_tokens.tokens_query(), args)

    @blp.auth(permission="manage_integrations")
    @blp.arguments(IntegrationTokenWriteSchema)
    @blp.response(201, NewIntegrationTokenSchema)
    def post(self, data: dict) -> dict:
        """Create a token for another system; the answer's `token` is shown this once. Its
        permissions are among the caller's own (403 `beyond_own_permissions`)."""
        token, secret = integration_tokens.create_token(current_caller(), **data)
        shown = {name: getattr(token, name) for name in IntegrationTokenSchema().fields}
        return {**shown, "token": secret}


@blp.route("/integration-tokens/<int:token_id>/")
class IntegrationTokenDetail(MethodView):
    @blp.auth(permission="manage_integrations")
    @blp.response(200, IntegrationTokenSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, token_id: int) -> IntegrationToken:
        """One integration token (never its secret)."""
        return integration_tokens.get_token(token_id)

    @blp.auth(permission="manage_integrations")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, token_id: int) -> None:
        """Revoke a token: it is refused from the next request on; the row stays listed."""
        integration_tokens.revoke_token(token_id)
