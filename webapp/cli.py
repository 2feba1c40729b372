"""Command-line commands: `flask demo` loads the demo organisation."""
import click
from flask import Flask

from webapp.clock import today
from webapp.errors import schema_problem
from webapp.services.demo import DEMO_ACCOUNTS, load_demo_organisation


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


def init_cli(app: Flask) -> None:
    app.cli.add_command(demo_command)
