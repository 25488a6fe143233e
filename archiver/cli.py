"""Command line: parses options and calls library functions, nothing more."""

from __future__ import annotations

import json
import sys

import click

from . import __version__
from .document import InputError, decode
from .extract import extract_document
from .fetch import DEFAULT_MAX_BYTES, FetchPolicy
from .sources import Failed, read_sources


def _error(source: str, reason: str) -> None:
    click.echo(f"archiver: {source}: {reason}", err=True)


def fetch_options(command):
    """Options every command that reads sources shares."""
    command = click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES,
                           show_default=True, help="Refuse articles larger than this.")(command)
    command = click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
                           help="Seconds to wait for a server before giving up.")(command)
    command = click.option("--allow-network", "allowed_networks", multiple=True, metavar="CIDR",
                           help="Let the fetcher reach this private network (e.g. 127.0.0.1/32).")(command)
    return command


def make_policy(max_bytes: int, timeout: float, allowed_networks) -> FetchPolicy:
    return FetchPolicy(max_bytes=max_bytes, connect_timeout=min(timeout, 10.0), read_timeout=timeout,
                       total_timeout=max(timeout * 4, 60.0), allowed_networks=list(allowed_networks))


@click.group()
@click.version_option(__version__, prog_name="archiver")
def cli():
    """Archive and verify the social-media posts that news articles cite."""


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["jsonl", "json"]), default="jsonl",
              show_default=True, help="One JSON object per line, or one JSON array.")
@click.option("--article", is_flag=True, help="Print article records (metadata and posts) instead of posts.")
@fetch_options
def extract(sources, output_format, article, max_bytes, timeout, allowed_networks):
    """Print every post the articles in SOURCES cite.

    SOURCE is a file (HTML or text), a directory (read recursively), - for
    standard input, or an http(s) URL.
    """
    policy = make_policy(max_bytes, timeout, allowed_networks)
    failed = False
    collected = []
    for item in read_sources(list(sources), policy):
        if isinstance(item, Failed):
            _error(item.source, item.reason)
            failed = True
            continue
        try:
            document = decode(item.data, item.charset, item.content_type)
        except InputError as error:
            _error(item.source, str(error))
            failed = True
            continue
        record = extract_document(document, item.url)
        posts = [dict(post.to_dict(), source=item.source) for post in record.pop("posts")]
        rows = [dict(source=item.source, **record, posts=posts)] if article else posts
        if output_format == "jsonl":
            for row in rows:
                click.echo(json.dumps(row, ensure_ascii=False))
        else:
            collected.extend(rows)
    if output_format == "json":
        click.echo(json.dumps(collected, ensure_ascii=False, indent=2))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    cli()
