"""Command-line commands: `flask demo` loads the demo organisation; `flask generate-organisation`
adds a large generated one beside it (for measuring scale); `flask create-admin` adds an
administrator; `flask scheduler` runs the jobs; `flask backup` and `flask restore` copy the database
and the file store to an archive and back; `flask credential-keys` rotates and retires the keys that
sign QR credentials."""
import logging
import time
from datetime import date
from pathlib import Path

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app

from webapp.clock import today
from webapp.errors import schema_problem
from webapp.scheduler import build_scheduler
from webapp.services.backups import BackupError, back_up, restore_backup
from webapp.services.credentials import KeyRingError, list_signing_keys, retire_signing_key, rotate_signing_key
from webapp.services.demo import DEMO_ACCOUNTS, load_demo_organisation
from webapp.services.large_organisation import generate_organisation
from webapp.services.mail import external_url
from webapp.services.notices import queue_scheduled_notices
from webapp.services.people import AccountInvalid, create_administrator
from webapp.services.reset_tokens import INVITATION_DAYS, make_invitation_token


@click.command("demo")
def demo_command() -> None:
    """Load the demo organisation (safe to run again: it loads once)."""
    problem = schema_problem()
    if problem:
        raise click.ClickException(problem)
    if load_demo_organisation(today()):
        click.echo("Demo organisation loaded.")
    else:
        click.echo("Demo organisation already loaded; nothing changed.")
    click.echo("Sign in with:")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.level:<14} username {account.username:<6} password {account.password}")


@click.command("generate-organisation")
@click.option("--people", default=10_000, show_default=True, help="How many people to generate.")
@click.option("--seed", default=1, show_default=True, help="The same seed (and day) gives the same organisation.")
def generate_organisation_command(people: int, seed: int) -> None:
    """Add a large generated organisation (bulk inserts) beside the demo's, to measure scale.

    People are named large00000, large00001, ...; one in 20 is a supervisor of the next 19.
    """
    problem = schema_problem()
    if problem:
        raise click.ClickException(problem)
    started = time.perf_counter()
    try:
        made = generate_organisation(people, seed, today())
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Generated {made.people:,} people in {made.companies} companies: {made.requirements:,} requirements, "
               f"{made.records:,} submissions, in {time.perf_counter() - started:.0f} s.")


def _email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(str(error)) from error


@click.command("create-admin")
@click.option("--username", prompt=True, help="The administrator's username.")
@click.option("--email", prompt="E-mail", callback=lambda _ctx, _param, value: _email(value), help="Their e-mail address.")
@click.option("--first-name", prompt=True)
@click.option("--last-name", prompt=True)
@click.option("--password", "ask_password", is_flag=True,
              help="Type the password now (asked twice, not shown) instead of printing a link to choose it.")
def create_admin_command(username: str, email: str, first_name: str, last_name: str, ask_password: bool) -> None:
    """Add an administrator (every built-in module level), e.g. to start an empty instance.

    Prints a link, made from BASE_URL, where they choose their password: it works once, for 7 days.
    """
    problem = schema_problem()
    if problem:
        raise click.ClickException(problem)
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True) if ask_password else None
    try:
        user = create_administrator(username=username, email=email, first_name=first_name, last_name=last_name,
                                    password=password)
    except AccountInvalid as invalid:
        raise click.ClickException(" ".join(invalid.errors.values())) from invalid
    click.echo(f"Administrator {user.username} added.")
    if password is None:
        click.echo(f"They choose their password here (works once, within {INVITATION_DAYS} days):")
        click.echo(external_url("auth.accept_invitation", token=make_invitation_token(user)))


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduled jobs (daily notices, mail delivery) in this process until stopped.

    Run exactly one of these in production, beside the web workers, which never run jobs.
    """
    app = current_app._get_current_object()
    running = app.extensions.pop("fieldcert_scheduler", None)
    if running is not None:  # RUN_SCHEDULER=1 in this environment too: one runner is enough
        running.shutdown(wait=False)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo("Scheduler running; stop it with Ctrl+C.")
    try:
        build_scheduler(app, BlockingScheduler).start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@click.command("queue-notices")
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), help="Queue as on this day (default: today).")
def queue_notices_command(day) -> None:
    """Queue the notices owed on a day now, as the daily job would."""
    on: date = day.date() if day else today()
    result = queue_scheduled_notices(on)
    if result is None:
        raise click.ClickException("Another runner is queueing notices right now; nothing done.")
    click.echo(f"{on:%m/%d/%Y}: {result.requirements} requirements, {result.queued} notices queued.")


@click.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(archive: Path) -> None:
    """Write the database and every stored file to ARCHIVE, a new .tar file (safe while the site runs)."""
    try:
        summary = back_up(archive)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up the {summary.database} database and {summary.files} files to {archive}.")


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(archive: Path) -> None:
    """Restore ARCHIVE (made by `flask backup`) into this instance's empty database and file store."""
    try:
        summary = restore_backup(archive)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored the {summary.database} database and {summary.files} files from {archive}.")


@click.group("credential-keys")
def credential_keys_group() -> None:
    """The keys that sign QR credentials (kept in CREDENTIAL_KEYS_FILE, never in the database)."""


@credential_keys_group.command("list")
def list_keys_command() -> None:
    """List the keys: the signing key is the last one in use."""
    for key in list_signing_keys():
        state = f"retired {key['retired_at']}" if key["retired_at"] else "in use"
        click.echo(f"{key['kid']}  created {key['created_at']}  {state}")


@credential_keys_group.command("rotate")
def rotate_key_command() -> None:
    """Sign with a new key from now on; the old keys keep verifying until retired."""
    click.echo(f"New signing key {rotate_signing_key()}; earlier keys keep verifying until retired.")


@credential_keys_group.command("retire")
@click.argument("kid")
def retire_key_command(kid: str) -> None:
    """Stop publishing KID: credentials it signed verify as forged from then on."""
    try:
        retire_signing_key(kid)
    except KeyRingError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Retired {kid}: no longer published.")


def init_cli(app: Flask) -> None:
    app.cli.add_command(credential_keys_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(generate_organisation_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(queue_notices_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
