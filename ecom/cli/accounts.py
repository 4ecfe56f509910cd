"""``flask create-admin``, ``flask create-staff`` and ``flask purge-tokens``."""

import click
import marshmallow as ma
from flask.cli import with_appcontext
from marshmallow import validate

from ecom.accounts import groups, tokens
from ecom.accounts.services import create_user, normalise_email
from ecom.common.errors import Conflict, ValidationFailed


def _valid_email(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    try:
        validate.Email()(value)
    except ma.ValidationError as exc:
        raise click.BadParameter("Not a valid email address.") from exc
    return value


def _create(email: str, password: str, role: str, group_names: tuple[str, ...] = ()) -> None:
    email = normalise_email(email)
    group_names = group_names or (groups.ALL_PERMISSIONS,)
    if role == "staff" and (unknown := groups.unknown_groups(group_names)):
        raise click.ClickException(f"No permission group is named {', '.join(unknown)}.")
    try:
        # The email doubles as the username (the API's username rule accepts it).
        user = create_user(email=email, username=email, password=password, role=role)
        if role == "staff":
            groups.join(user, group_names)
    except ValidationFailed as exc:
        raise click.ClickException(" ".join(sum(exc.errors.values(), []))) from exc
    except Conflict as exc:
        taken = " and ".join(sorted(exc.errors or {"email": None}))
        raise click.ClickException(f"An account already uses {email} as its {taken}.") from exc
    click.echo(f"Created {role} {user.email} (id {user.id}).")


def _account_command(name: str, role: str, who: str) -> click.Command:
    """``flask <name> --email E [--password P]``: create an account of ``role``."""

    @click.command(name, help=f"Create {who}.")
    @click.option("--email", required=True, callback=_valid_email, help="Login email.")
    @click.option(
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="Prompted for (hidden, twice) when omitted.",
    )
    @with_appcontext
    def command(email: str, password: str, **options: tuple[str, ...]) -> None:
        _create(email, password, role, options.get("group", ()))

    return command


create_admin = _account_command(
    "create-admin", "admin", "an administrator (the whole back office, user management)"
)
create_staff = click.option(
    "--group",
    multiple=True,
    help=f'A permission group to join (repeatable); "{groups.ALL_PERMISSIONS}" when omitted.',
)(
    _account_command(
        "create-staff", "staff", "a staff member (who may do what their permission groups grant)"
    )
)


@click.command("purge-tokens", help="Delete token families (logins) that have expired.")
@with_appcontext
def purge_tokens() -> None:
    click.echo(f"Deleted {tokens.purge_expired()} expired token families.")
