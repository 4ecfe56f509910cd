"""``flask create-admin`` and ``flask create-staff``: accounts for the back office."""

import click
from flask.cli import with_appcontext

from ecom.auth.services import create_user, normalise_email
from ecom.common.errors import Conflict, ValidationFailed


def _password_option(function: click.Command) -> click.Command:
    return click.option(
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="Prompted for (hidden, twice) when omitted.",
    )(function)


def _create(email: str, password: str, role: str) -> None:
    email = normalise_email(email)
    username = email.split("@")[0]
    try:
        user = create_user(email=email, username=username, password=password, role=role)
    except ValidationFailed as exc:
        raise click.ClickException(" ".join(sum(exc.errors.values(), []))) from exc
    except Conflict as exc:
        taken = ", ".join(exc.errors or {"email": None})
        raise click.ClickException(f"A user with this {taken} already exists.") from exc
    click.echo(f"Created {role} {user.email} (id {user.id}).")


@click.command("create-admin")
@with_appcontext
@click.option("--email", required=True, help="Login email of the new administrator.")
@_password_option
def create_admin(email: str, password: str) -> None:
    """Create an administrator (full back office, user management)."""
    _create(email, password, "admin")


@click.command("create-staff")
@with_appcontext
@click.option("--email", required=True, help="Login email of the new staff member.")
@_password_option
def create_staff(email: str, password: str) -> None:
    """Create a staff member (back office without user management)."""
    _create(email, password, "staff")
