"""``lumen hello [NAME]``: print a greeting (imported only when the command runs)."""

import click

from lumen_hello.greeting import greet


@click.command(name="hello")
@click.argument("name", default="world")
def hello(name: str) -> None:
    """Print a greeting for NAME (default: world)."""
    click.echo(greet(name))
