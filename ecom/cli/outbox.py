"""``flask outbox list | retry | sweep``: the outbox from a terminal."""

from datetime import timedelta

import click
from flask.cli import AppGroup

from ecom.common import jobs, outbox
from ecom.common.errors import DomainError
from ecom.extensions import db

outbox_commands = AppGroup("outbox", help="List, retry and sweep outbox messages.")


@outbox_commands.command("list")
@click.option("--state", type=click.Choice(outbox.STATES), help="Only rows in this state.")
@click.option("--limit", default=50, show_default=True, help="Newest rows first.")
def list_messages(state: str | None, limit: int) -> None:
    for message in db.session.scalars(outbox.messages_query(state).limit(limit)):
        error = f"  {message.last_error}" if message.last_error else ""
        click.echo(
            f"{message.id}\t{message.state}\t{message.attempts}\t{message.handler}\t"
            f"{message.key}{error}"
        )


@outbox_commands.command("retry")
@click.argument("message_ids", nargs=-1, type=int)
@click.option("--all-failed", is_flag=True, help="Every failed row.")
def retry(message_ids: tuple[int, ...], all_failed: bool) -> None:
    """Give failed rows a new round of attempts."""
    if all_failed:
        failed = db.session.scalars(outbox.messages_query("failed"))
        message_ids = tuple(message.id for message in failed)
    for message_id in message_ids:
        try:
            outbox.retry(message_id)
        except DomainError as exc:
            raise click.ClickException(f"{message_id}: {exc.message}") from exc
        click.echo(f"Retrying {message_id}.")


@outbox_commands.command("sweep")
@click.option("--all", "everything", is_flag=True, help="Also rows younger than the grace period.")
def sweep(everything: bool) -> None:
    """Hand over the pending rows that are due (what beat runs periodically)."""
    count = jobs.sweep(timedelta(0) if everything else None)
    click.echo(f"Handed over {count} message(s).")
