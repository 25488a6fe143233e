"""Command line: parses options and calls library functions, nothing more."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__
from .extract import extract_document
from .extract.budget import DEFAULT_ARTICLE_BUDGET
from .extract.document import InputError, decode
from .extract.posts import without_surrogates
from .fetch import DEFAULT_MAX_BYTES, FetchPolicy
from .sources import Failed, read_sources

# The other stages (the archive, the checks, progress bars) are imported in the
# commands that use them: `archiver extract` over a folder of pages starts in a
# fifth of the time it would take to load them all.

DEFAULT_DB = "db/archive.db"


def _error(source: str, reason: str) -> None:
    click.echo(f"archiver: {_printable(source)}: {reason}", err=True)


def _printable(name: str) -> str:
    """A file name as one line of text: a newline or a control character in it,
    or a byte that is not UTF-8, written as an escape, not as a line of its own."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in name)


def fetch_options(command):
    """Options every command that reads sources shares."""
    command = click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES,
                           show_default=True, help="Refuse articles larger than this.")(command)
    command = click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
                           help="Seconds a URL may take in all, redirects and retries included.")(command)
    command = click.option("--allow-network", "allowed_networks", multiple=True, metavar="CIDR",
                           help="Let the fetcher reach this private network (e.g. 127.0.0.1/32).")(command)
    return command


def make_policy(max_bytes: int, timeout: float, allowed_networks, **extra) -> FetchPolicy:
    return FetchPolicy.with_timeout(timeout, max_bytes=max_bytes, allowed_networks=list(allowed_networks), **extra)


def crawl_options(per_host_delay: float, what: str, workers: int = 8):
    """Options of the commands that fetch many URLs and report a run."""
    def decorate(command):
        for option in reversed([
            click.option("--workers", type=click.IntRange(1, 64), default=workers, show_default=True,
                         help=f"{what} at once."),
            click.option("--per-host-delay", type=click.FloatRange(min=0), default=per_host_delay,
                         show_default=True, help="Seconds between two requests to the same host."),
            click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
                         help="Retries of a 429 or 5xx answer, with backoff."),
            click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON on stdout."),
        ]):
            command = option(command)
        return command
    return decorate


def db_option(command):
    """--db, defaulting to $ARCHIVER_DB, else db/archive.db."""
    return click.option("--db", "db_path", type=click.Path(dir_okay=False), envvar="ARCHIVER_DB",
                        default=DEFAULT_DB, show_default=True, help="The archive (SQLite); also $ARCHIVER_DB.")(command)


def open_archive(db_path: str):
    """The archive at --db, created when new; a path that cannot be one is a usage error naming why."""
    import sqlite3

    from .store.schema import db_path_problem, open_db

    problem = db_path_problem(Path(db_path))
    try:
        if problem is None:
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
            return open_db(db_path)
    except (OSError, sqlite3.DatabaseError) as error:
        problem = f"cannot open or create the archive at {db_path!r} ({getattr(error, 'strerror', None) or error})"
    raise click.BadParameter(problem, param_hint="'--db'")


def open_existing_archive(db_path: str):
    """For commands that read an archive: a missing one is an error, not a new empty archive."""
    if not os.path.exists(db_path):
        raise click.ClickException(f"no archive at {db_path}; run 'archiver archive' first or pass --db")
    return open_archive(db_path)


class Commands(click.Group):
    """The command group. A command whose options list a vocabulary of a later
    stage (check names, post statuses) is made by a factory when first asked
    for, so that commands which do not use that stage do not import it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.factories = {}

    def lazy_command(self, name: str):
        def register(factory):
            self.factories[name] = factory
            return factory
        return register

    def list_commands(self, ctx) -> list[str]:
        return sorted({*self.commands, *self.factories})

    def get_command(self, ctx, name: str):
        if name not in self.commands and name in self.factories:
            self.add_command(self.factories[name](), name)
        return super().get_command(ctx, name)


@click.group(cls=Commands)
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

    SOURCE is a file (HTML or text, gzipped or not), a directory (read
    recursively), - for standard input, or an http(s) URL.
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
            record = extract_document(document, item.url, posts_only=not article, date_every_page=article)
        except InputError as error:
            _error(item.source, str(error))
            failed = True
            continue
        except Exception as error:  # one page that breaks the extractor must not stop the others
            _error(item.source, f"failed unexpectedly ({error.__class__.__name__}: {error}); skipped, the "
                                "others are read; if this is a real article, please report it")
            failed = True
            continue
        if document.warning:  # after extraction: the parser may find the bytes are not the UTF-8 assumed
            _error(item.source, f"warning: {document.warning}")
        for warning in record.pop("warnings"):
            _error(item.source, f"warning: {warning}")
        source = without_surrogates(item.source)  # a file name's bytes that are not UTF-8, as U+FFFD
        posts = [dict(post.to_dict(), source=source) for post in record.pop("posts")]
        rows = [dict(source=source, **record, posts=posts)] if article else posts
        if output_format == "jsonl":
            for row in rows:
                click.echo(json.dumps(row, ensure_ascii=False))
        else:
            collected.extend(rows)
    if output_format == "json":
        click.echo(json.dumps(collected, ensure_ascii=False, indent=2))
    sys.exit(1 if failed else 0)


def tsa_option(command):
    """--tsa, repeatable, defaulting to $ARCHIVER_TSA (URLs separated by spaces)."""
    return click.option("--tsa", "tsa_urls", multiple=True, metavar="URL", envvar="ARCHIVER_TSA",
                        help="RFC 3161 timestamp authority for the run's captures; repeatable; "
                             "also $ARCHIVER_TSA.")(command)


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@crawl_options(per_host_delay=0.5, what="Pages fetched")
@fetch_options
@click.option("--article-budget", type=click.FloatRange(min=0), default=DEFAULT_ARTICLE_BUDGET, show_default=True,
              metavar="SECONDS", help="Stop reading an article after this long and record it as failed (0: no limit).")
@tsa_option
def archive(sources, db_path, workers, per_host_delay, retries, as_json, max_bytes, timeout, allowed_networks,
            article_budget, tsa_urls):
    """Archive the articles in SOURCES and every post they cite.

    SOURCE is a file, a directory, - for standard input, an article URL or an
    RSS/Atom feed URL. Exit status 1 when any source failed (each is named on
    standard error and kept in the run_errors table).
    """
    from .archive import archive as archive_sources
    from .progress import Progress

    policy = make_policy(max_bytes, timeout, allowed_networks, per_host_delay=per_host_delay,
                         retries=retries)
    db = open_archive(db_path)
    with Progress.on_terminal("archive", quiet=as_json) as progress:
        summary = archive_sources(db, list(sources), warc_dir=Path(db_path).parent / "warc", policy=policy,
                                  workers=workers, article_budget=article_budget, tsa_urls=tsa_urls,
                                  report=lambda source, reason: progress.write(f"archiver: {source}: {reason}"),
                                  progress=lambda done: progress("articles", done))
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        click.echo(f"run {summary.run_id}: {summary.articles_read} articles read ({summary.articles_new} new, "
                   f"{summary.articles_changed} changed, {summary.articles_unchanged} unchanged), "
                   f"{summary.posts_new} new posts, {summary.citations_new} new citations, "
                   f"{len(summary.errors)} failed sources", err=True)
    sys.exit(1 if summary.errors else 0)


def _check_names(ctx, param, value: str | None):
    from .verify import ALL_CHECKS

    if not value:
        return None
    names = {name.strip() for name in value.split(",") if name.strip()}
    unknown = names - set(ALL_CHECKS)
    if unknown:
        raise click.BadParameter(f"unknown check(s) {', '.join(sorted(unknown))}; choose from {', '.join(ALL_CHECKS)}")
    return names


@cli.lazy_command("verify")
def verify_command():
    from .verify import ALL_CHECKS

    @click.command()
    @db_option
    @click.option("--post", "posts", multiple=True, metavar="ID",
                  help="Check only this post (stored id or post URL); repeatable. Default: every post.")
    @click.option("--offline", is_flag=True,
                  help="Run only the offline checks; network checks are recorded as skipped.")
    @click.option("--checks", callback=_check_names, metavar="A,B",
                  help=f"Run only these checks: {', '.join(ALL_CHECKS)}.")
    @click.option("--save-missing", is_flag=True, help="Ask Save Page Now to archive posts with no Wayback copy.")
    @crawl_options(per_host_delay=1.0, what="Posts checked over the network")
    @fetch_options
    @tsa_option
    def verify(db_path, posts, offline, checks, workers, per_host_delay, retries, save_missing, as_json,
               max_bytes, timeout, allowed_networks, tsa_urls):
        """Run the automatic checks on archived posts and record every result.

        Offline: status-id time, handle consistency, cross-citation. Network:
        media-link resolution, liveness (oEmbed), text drift, archived copies
        (Wayback Machine). Checks add evidence; they never change a reviewer's
        verdict. Without a network, network checks are recorded as skipped.
        """
        from .progress import Progress
        from .store import ArchiveError, find_post_id
        from .verify import verify as verify_posts

        db = open_existing_archive(db_path)
        try:
            post_ids = [find_post_id(db, post) for post in posts] or None
        except ArchiveError as error:
            raise click.ClickException(str(error))
        policy = make_policy(max_bytes, timeout, allowed_networks, per_host_delay=per_host_delay, retries=retries)
        with Progress.on_terminal("verify", quiet=as_json) as progress:
            summary = verify_posts(db, post_ids, warc_dir=Path(db_path).parent / "warc", checks=checks,
                                   offline=offline, policy=policy, workers=workers, save_missing=save_missing,
                                   tsa_urls=tsa_urls, progress=lambda done, total: progress("posts", done, total))
        if as_json:
            click.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
            return
        for post_id, check, outcome, text in summary.findings:
            click.echo(f"{post_id}  {check}  {outcome}: {text}")
        merged = f"; {len(summary.merged)} id-less posts merged into their ids" if summary.merged else ""
        click.echo(f"run {summary.run_id}: {checks_summary(summary)}{merged}", err=True)

    return verify


@cli.lazy_command("tag")
def tag_command():
    from .store.schema import POST_STATUSES

    @click.command()
    @click.argument("post")
    @click.argument("status", type=click.Choice(POST_STATUSES))
    @click.option("--reviewer", required=True, help="Who decides (recorded in the verdict log).")
    @click.option("--note", help="Why.")
    @db_option
    def tag(post, status, reviewer, note, db_path):
        """Record a reviewer's verdict on POST (a stored id such as twitter:123, or a post URL)."""
        from .store import ArchiveError, add_verdict

        db = open_archive(db_path)
        try:
            add_verdict(db, post, status, reviewer, note)
        except ArchiveError as error:
            raise click.ClickException(str(error))
        click.echo(f"{post}: {status} (by {reviewer})", err=True)

    return tag


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(db_path, as_json):
    """Print row counts per table and posts per status."""
    from .store import stats as archive_stats

    figures = archive_stats(open_existing_archive(db_path))
    if as_json:
        click.echo(json.dumps(figures))
        return
    for section, counts in figures.items():
        click.echo(section.replace("_", " ") + ":")
        for name, count in counts.items():
            click.echo(f"  {name:<16}{count:>10,}")


DEFAULT_CONFIG = "config/archiver.toml"


def _load_jobs(config_path: str, names: tuple[str, ...]):
    """The configuration and the chosen jobs; bad configuration exits 2 before anything runs."""
    from .jobs import ConfigError, load_config

    try:
        config = load_config(config_path)
    except ConfigError as error:
        click.echo(f"archiver: {error}", err=True)
        sys.exit(2)
    unknown = [name for name in names if name not in config.jobs]
    if unknown:
        click.echo(f"archiver: {config_path}: no job named {', '.join(map(repr, unknown))}; "
                   f"jobs: {', '.join(config.jobs)}", err=True)
        sys.exit(2)
    return config, [config.jobs[name] for name in names] if names else list(config.jobs.values())


def checks_summary(verified) -> str:
    """'7 posts, 36 checks: 6 pass, 30 skipped': posts and checks counted apart."""
    checks = sum(verified.outcomes.values())
    line = f"{verified.posts} posts, {checks} checks"
    outcomes = ", ".join(f"{count} {outcome}" for outcome, count in verified.outcomes.items() if count)
    return (f"{line}: {outcomes}" if outcomes else line) + verified.skipped_again_note()


def _summary_line(result) -> str:
    parts = [f"job {result.job}"]
    if result.archive:
        a = result.archive
        parts.append(f"run {a.run_id} {a.status}: {a.articles_read} articles read ({a.articles_new} new, "
                     f"{a.articles_changed} changed, {a.articles_unchanged} unchanged), {a.posts_new} new posts, "
                     f"{len(a.errors)} failed sources")
    if result.verify:
        parts.append(checks_summary(result.verify))
    if result.capture:
        c = result.capture
        outcomes = ", ".join(f"{n} {o}" for o, n in c.outcomes.items() if n)
        parts.append(f"{c.posts} posts captured" + (f": {outcomes}" if outcomes else ""))
    return "; ".join(parts)


job_db_option = click.option("--db", "db_path", type=click.Path(dir_okay=False), envvar="ARCHIVER_DB",
                             help="The archive (SQLite); default: the job file's `db`, or $ARCHIVER_DB.")
config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="ARCHIVER_CONFIG",
                             default=DEFAULT_CONFIG, show_default=True, help="The job file; also $ARCHIVER_CONFIG.")


@cli.command()
@click.argument("jobs", nargs=-1)
@config_option
@job_db_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--verbose", "-v", is_flag=True, help="Print every failed source and finding as it happens.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary of each run on stdout.")
def run(jobs, config_path, db_path, quiet, verbose, as_json):
    """Run JOBS from the job file once (default: all of them), then exit.

    For cron, systemd timers and CI. Exit status: 0 when all went well, 1 when
    some sources failed or a job was already running, 2 for bad configuration.
    """
    from .jobs import ConfigError, JobLocked, run_job
    from .progress import Progress

    config, chosen = _load_jobs(config_path, jobs)
    db = Path(db_path) if db_path else config.db
    status = 0
    reports = []
    for job in chosen:
        with Progress.on_terminal(job.name, quiet=quiet or as_json) as progress:
            try:
                result = run_job(job, db, progress=progress, report=lambda source, reason, name=job.name:
                                 progress.write(f"archiver: {name}: {source}: {reason}"))
            except JobLocked as error:
                click.echo(f"archiver: {error}", err=True)
                status = max(status, 1)
                continue
            except ConfigError as error:
                click.echo(f"archiver: {error}", err=True)
                sys.exit(2)
        if result.failed:
            status = max(status, 1)
        if as_json:
            reports.append(result.as_dict())
        elif not quiet:
            click.echo(_summary_line(result), err=True)
            if verbose and result.verify:
                for post_id, check, outcome, text in result.verify.findings:
                    click.echo(f"{post_id}  {check}  {outcome}: {text}", err=True)
    if as_json:
        click.echo(json.dumps(reports, ensure_ascii=False))
    sys.exit(status)


@cli.command()
@click.argument("jobs", nargs=-1)
@config_option
@job_db_option
@click.option("--every", type=click.FloatRange(min=0.5), metavar="SECONDS",
              help="Ignore the cron schedules and run every SECONDS (for trials and tests).")
def schedule(jobs, config_path, db_path, every):
    """Run JOBS (default: all) on their cron schedules until stopped.

    Logs each run; a job never runs twice at once; SIGTERM or Ctrl-C lets the
    current article finish, records the run as interrupted, and exits 0.
    """
    import logging

    from .jobs import ConfigError, schedule as run_schedule

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    config, chosen = _load_jobs(config_path, jobs)
    db = Path(db_path) if db_path else config.db
    for job in chosen:
        when = f"every {every:g} s" if every else f"cron '{job.schedule or '0 * * * *'}' (UTC)"
        click.echo(f"archiver: scheduling job {job.name}: {when}", err=True)
    try:
        run_schedule(config, db, chosen, every=every,
                     on_result=lambda result: logging.getLogger("archiver").info("%s", _summary_line(result)))
    except ConfigError as error:
        click.echo(f"archiver: {error}", err=True)
        sys.exit(2)
    click.echo("archiver: scheduler stopped", err=True)


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 exposes the archive to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
def serve(db_path, host, port):
    """Browse, search and tag the archive in Datasette (http://HOST:PORT/).

    Uses the configuration in config/ (metadata, settings, templates) and the
    reviewer logins made with 'archiver reviewer add'.
    """
    from .serve import serve as run_datasette
    from .serve.auth import LoginSettingError

    open_existing_archive(db_path)  # brings the schema up to date before Datasette reads it
    click.echo(f"Serving {db_path} on http://{host}:{port}/  (Ctrl-C to stop; reviewers log in at /-/login)",
               err=True)
    try:
        run_datasette(db_path, host, port)
    except LoginSettingError as error:
        click.echo(f"archiver: {error}", err=True)
        sys.exit(2)


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@click.option("--parquet", "parquet_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Write a Parquet dataset in DIR instead of the archive (for runs too big for one SQLite file).")
@click.option("--workers", type=click.IntRange(1, 1024), help="Worker processes of the local cluster [default: one per core].")
@click.option("--scheduler", metavar="ADDRESS", help="Run on this existing Dask cluster, e.g. tcp://HOST:8786.")
@click.option("--all-articles", is_flag=True, help="Keep every HTML page's article record, not only pages citing posts.")
@click.option("--base-url", metavar="URL", help="Prefix for the relative lines of a WARC list (e.g. Common Crawl's).")
@click.option("--allow-network", "allowed_networks", multiple=True, metavar="CIDR",
              help="Let WARC URLs reach this private network.")
@click.option("--slice-mb", type=click.FloatRange(min=0.01), default=16, show_default=True,
              help="Work unit: MB of WARC a worker reads at a time (resume with the same value).")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON on stdout.")
def backfill(sources, db_path, parquet_dir, workers, scheduler, all_articles, base_url, allowed_networks, slice_mb,
             as_json):
    """Archive the posts cited by pages kept in web archives, on Dask workers.

    SOURCE is a WARC or WACZ file, a folder of them, a glob, a WARC URL, or a
    text file listing WARC paths or URLs. Resumable: a killed backfill run
    again goes on where it stopped. Exit status 1 when records or sources failed.
    """
    import time

    from .backfill import backfill as run_backfill
    from .progress import Progress

    db = None if parquet_dir else open_archive(db_path)
    started = time.monotonic()
    with Progress.on_terminal("backfill", quiet=as_json) as progress:
        def advance(done, total, summary):
            rate = summary.records / max(time.monotonic() - started, 1e-6)
            progress("MB", round(done / 1e6, 1), round(total / 1e6, 1) or None, note=f"{rate:,.0f} records/s")

        summary = run_backfill(list(sources), db=db, parquet_dir=Path(parquet_dir) if parquet_dir else None,
                               workers=workers, scheduler=scheduler, all_articles=all_articles, base_url=base_url,
                               allowed_networks=tuple(allowed_networks), slice_bytes=int(slice_mb * 1e6),
                               progress=advance,
                               announce=lambda line: progress.write(line))
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        seconds = time.monotonic() - started
        run = f"run {summary.run_id}" if summary.run_id is not None else f"backfill into {parquet_dir}"
        click.echo(f"{run} {summary.status}: {summary.records:,} records read in {seconds:.1f} s "
                   f"({summary.html:,} HTML), {summary.pages:,} pages citing posts, {summary.posts_new:,} new posts, "
                   f"{summary.slices_skipped} slices done before, {len(summary.errors)} errors", err=True)
    sys.exit(1 if summary.errors else 0)


@cli.command("import-parquet")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@db_option
def import_parquet(folder, db_path):
    """Load a Parquet dataset written by 'archiver backfill --parquet' into the archive."""
    from .backfill import import_parquet as load

    summary = load(open_archive(db_path), Path(folder))
    click.echo(f"run {summary.run_id} {summary.status}: {summary.slices} slices, {summary.pages:,} pages, "
               f"{summary.posts_new:,} new posts, {summary.slices_skipped} slices already loaded", err=True)
    sys.exit(1 if summary.errors else 0)


@cli.group()
def reviewer():
    """Manage reviewer logins (password hashes in $ARCHIVER_REVIEWERS or config/reviewers.json, git-ignored)."""


@reviewer.command("add")
@click.argument("name")
@click.password_option(help="The reviewer's password (prompted, twice, if not given).")
def reviewer_add(name, password):
    """Add reviewer NAME, or set a new password; asks for the password."""
    from .serve.reviewers import ReviewerError, add_reviewer, secrets_path

    try:
        add_reviewer(name, password)
    except ReviewerError as error:
        raise click.ClickException(str(error))
    click.echo(f"reviewer {name} saved in {secrets_path()}; they log in at /-/login", err=True)


@reviewer.command("remove")
@click.argument("name")
def reviewer_remove(name):
    """Remove reviewer NAME's login (their verdicts stay in the log)."""
    from .serve.reviewers import ReviewerError, remove_reviewer, secrets_path

    try:
        removed = remove_reviewer(name)
    except ReviewerError as error:
        raise click.ClickException(str(error))
    if not removed:
        raise click.ClickException(f"no reviewer {name!r} in {secrets_path()}")
    click.echo(f"reviewer {name} removed", err=True)


@cli.group()
def evidence():
    """Check the archive's evidence: WARC records, Merkle proofs, RFC 3161 timestamps."""


@evidence.command("verify")
@click.argument("targets", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Verify every capture in the archive.")
@click.option("--trust", "trust_files", multiple=True, type=click.Path(dir_okay=False), envvar="ARCHIVER_TSA_ROOTS",
              help="PEM file of the root certificates TSA tokens must chain to; repeatable; "
                   "also $ARCHIVER_TSA_ROOTS. Default: the CA bundle of requests (certifi).")
@db_option
def evidence_verify(targets, everything, trust_files, db_path):
    """Re-read and check every capture of TARGETS (posts or articles), or --all.

    For each capture: the page's SHA-256 as recorded, the stored WARC record as
    sealed, its Merkle proof up to the run's root, and each TSA token of that
    root. Prints one verdict per capture; exit status 1 on any mismatch.
    """
    from .evidence.timestamps import TimestampError, load_trust
    from .evidence.verify import capture_ids, log_verifications, verify_captures
    from .store import ArchiveError, utc_now

    if not targets and not everything:
        raise click.UsageError("name the posts or articles to verify, or pass --all")
    db = open_existing_archive(db_path)
    try:
        trust = load_trust(list(trust_files))
        ids = capture_ids(db, [] if everything else list(targets))
    except (ArchiveError, TimestampError) as error:
        raise click.ClickException(str(error))
    verdicts = verify_captures(db, ids, Path(db_path).parent / "warc", trust)
    log_verifications(db, verdicts, utc_now())
    for verdict in verdicts:
        click.echo(verdict.line(), err=not verdict.ok)
    failed = [verdict for verdict in verdicts if not verdict.ok]
    click.echo(f"{len(verdicts)} captures verified: {len(verdicts) - len(failed)} ok, {len(failed)} failed", err=True)
    sys.exit(1 if failed else 0)


@cli.command()
@click.argument("targets", nargs=-1, required=True)
@click.option("--wacz", "wacz_path", required=True, type=click.Path(dir_okay=False),
              help="The WACZ file to write.")
@db_option
def export(targets, wacz_path, db_path):
    """Package TARGETS (posts or articles) with their evidence into a WACZ.

    Holds the WARC records of the posts, the articles citing them (or the
    posts an article cites), pages.jsonl, datapackage.json with every file's
    hash, and in logs/ each capture's Merkle proof, the TSA tokens with their
    certificates, and the custody log.
    """
    from .evidence.custody import operator
    from .evidence.verify import capture_ids
    from .evidence.wacz import export_wacz
    from .store import ArchiveError, utc_now

    db = open_existing_archive(db_path)
    try:
        made = export_wacz(db, capture_ids(db, list(targets)), wacz_path, warc_dir=Path(db_path).parent / "warc",
                           now=utc_now(), actor=operator())
    except ArchiveError as error:
        raise click.ClickException(str(error))
    click.echo(f"{made.path}: {len(made.posts)} posts, {len(made.articles)} articles, {made.captures} captures; "
               f"sha256 {made.sha256}", err=True)


@cli.command()
@db_option
@click.option("--post", "posts", multiple=True, metavar="ID",
              help="Capture only this post (stored id or post URL); repeatable. Default: every post.")
@click.option("--offline", is_flag=True,
              help="Ask nothing over the network; only the embeds the articles showed are screenshotted.")
@click.option("--max-file-bytes", type=click.IntRange(min=1), default=100 * 1024 * 1024, show_default=True,
              help="Do not download a photo or video larger than this.")
@click.option("--max-post-bytes", type=click.IntRange(min=1), default=250 * 1024 * 1024, show_default=True,
              help="Stop downloading a post's media past this many bytes in all.")
@click.option("--no-screenshots", is_flag=True, help="Make no screenshots (no browser needed).")
@click.option("--yt-dlp", "yt_dlp", is_flag=True, help="Download YouTube and TikTok videos with yt-dlp.")
@crawl_options(per_host_delay=0.25, what="Posts captured over the network", workers=32)
@fetch_options
def capture(db_path, posts, offline, max_file_bytes, max_post_bytes, no_screenshots, yt_dlp, workers,
            per_host_delay, retries, as_json, max_bytes, timeout, allowed_networks):
    """Capture the posts themselves: a snapshot from each platform's public
    endpoint, every photo and video, and screenshots, all kept in WARC files.

    Liveness, text drift and media re-use follow from the captures. Without a
    network every step is recorded as skipped and the embeds the articles
    showed are still screenshotted.
    """
    from .capture.run import capture as capture_posts  # imports Pillow and imagehash: only for this command
    from .capture.settings import CaptureSettings
    from .store import ArchiveError, find_post_id

    db = open_existing_archive(db_path)
    try:
        post_ids = [find_post_id(db, post) for post in posts] or None
    except ArchiveError as error:
        raise click.ClickException(str(error))
    settings = CaptureSettings(max_file_bytes=max_file_bytes, max_post_bytes=max_post_bytes,
                               screenshots=not no_screenshots, yt_dlp=yt_dlp)
    policy = make_policy(max_bytes, timeout, allowed_networks, per_host_delay=per_host_delay, retries=retries)
    summary = capture_posts(db, post_ids, warc_dir=Path(db_path).parent / "warc", offline=offline,
                            settings=settings, policy=policy, workers=workers)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
        return
    for post_id, step, outcome, text in summary.findings:
        click.echo(f"{post_id}  {step}  {outcome}: {text}")
    counts = ", ".join(f"{count} {outcome}" for outcome, count in summary.outcomes.items())
    click.echo(f"run {summary.run_id}: {summary.posts} posts captured: {counts}", err=True)


if __name__ == "__main__":
    cli()
