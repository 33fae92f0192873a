"""Command line: ``python -m posture validate | export | import | diff | datapackage | readme |
serve | cluster``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from posture.data.dataset import Dataset, data_dir, read_dataset
from posture.data.failures import DataValidationError
from schemas import TABLES


def _validate(args: argparse.Namespace) -> int:
    directory = Path(args.data_dir) if args.data_dir else data_dir()
    try:
        dataset = read_dataset(directory)
    except DataValidationError as err:
        print(f"{directory}: {len(err.failures)} problem(s) found", file=sys.stderr)
        print(err.report(), file=sys.stderr)
        return 1
    counts = dataset.row_counts()
    print(f"OK: {len(counts)} tables, {sum(counts.values())} rows in {directory}")
    return 0


def _datapackage(args: argparse.Namespace) -> int:
    from posture.data.datapackage import render_datapackage

    directory = Path(args.data_dir) if args.data_dir else data_dir()
    target = directory / "datapackage.json"
    target.write_text(render_datapackage(directory), "utf-8")
    print(f"wrote {target}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from posture.data.diff import diff_dirs, format_diff, write_changes

    for directory in (args.old_dir, args.new_dir):
        if not Path(directory).is_dir():
            print(f"not a directory: {directory}", file=sys.stderr)
            return 2
    diffs = diff_dirs(Path(args.old_dir), Path(args.new_dir))
    print(format_diff(diffs, detail=not args.summary))
    if args.csv:
        count = write_changes(diffs, Path(args.csv))
        print(f"wrote {count} change(s) to {args.csv}", file=sys.stderr)
    return 0


# Derived tables a page shows, exported with the same bytes as its download button.
DERIVED = {
    "plans": "the Plans vs reality ledger (every verdict with its rule and both sources)",
    "posture": "every site's status on --on (held, unconfirmed, left, not yet)",
    "monthly": "the Iraq vs Syria monthly values (troops, sites held, recorded attacks, rates)",
    "headlines": "the Overview's headline figures with the reports behind them",
}


def _export(args: argparse.Namespace) -> int:
    from posture.analysis import transforms
    from posture.data.export import csv_bytes

    directory = Path(args.data_dir) if args.data_dir else data_dir()
    try:
        dataset = read_dataset(directory)
    except DataValidationError as err:
        print(err.report(), file=sys.stderr)
        return 1
    try:
        start = pd.Timestamp(args.start) if args.start else None
        end = pd.Timestamp(args.end) if args.end else None
        on = pd.Timestamp(args.on) if args.on else None
    except ValueError as err:
        print(f"--from, --to and --on must be dates as YYYY-MM-DD: {err}", file=sys.stderr)
        return 2
    if args.table in DERIVED:
        try:
            frame = _derived(dataset, args.table, args.country, start, end, on)
        except ValueError as err:
            print(f"export {args.table}: {err}", file=sys.stderr)
            return 2
    else:
        countries = None if args.country in (None, "Both") else [args.country]
        frame = transforms.filter_table(dataset, args.table, countries, start, end, args.search)
    data = csv_bytes(frame)
    if not args.output:
        sys.stdout.buffer.write(data)
        return 0
    output = Path(args.output).resolve()
    if output.parent == directory.resolve() or directory.resolve() in output.parents:
        print(
            f"export: refusing to write {args.output}: it is inside the data directory "
            f"{directory}, whose files are the dataset. Write it elsewhere.",
            file=sys.stderr,
        )
        return 2
    if output.exists() and not args.force:
        print(
            f"export: {args.output} exists; pass --force to replace it, or choose another file",
            file=sys.stderr,
        )
        return 2
    output.write_bytes(data)
    return 0


def _derived(
    dataset: Dataset,
    name: str,
    country: str | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    on: pd.Timestamp | None,
) -> pd.DataFrame:
    """A derived table computed as its page computes it under the same filters."""
    from posture.analysis import plans, transforms, views

    latest = transforms.latest_date(dataset)
    first = pd.Timestamp(views.FIRST_MONTH)
    start_bound = None if start is None or start <= first else start
    end_bound = None if end is None or end >= latest else end
    if name == "plans":
        return views.ledger(dataset, country or "Both", start_bound, plans.OUTCOMES).table
    if name == "posture":
        if on is None:
            raise ValueError("give the date with --on YYYY-MM-DD")
        return views.bases(dataset, country or "Both", start_bound, end_bound, on).status_table
    if name == "monthly":
        return views.compare(dataset, start or first, end or latest, start_bound, end_bound).table
    return views.overview(dataset, country or "Both").table


def _import(args: argparse.Namespace) -> int:
    from posture.imports.layers import ImportError_, import_events

    directory = Path(args.data_dir) if args.data_dir else data_dir()
    try:
        bases = read_dataset(directory).bases
    except DataValidationError as err:
        print("the curated data must be valid to find nearest bases:", file=sys.stderr)
        print(err.report(), file=sys.stderr)
        return 1
    user = Path(args.user_dir) if args.user_dir else None

    def waiting() -> None:
        print("another import is running; waiting for it to finish…", file=sys.stderr, flush=True)

    try:
        report = import_events(
            args.origin,
            Path(args.file),
            bases,
            user,
            progress=True,
            encoding=args.encoding,
            date_format=args.date_format,
            wait=not args.no_wait,
            allow_empty=args.allow_empty,
            on_wait=waiting,
        )
    except ImportError_ as err:
        print(f"import failed: {err}", file=sys.stderr)
        return 1
    for line in [*report.detected, report.summary(), *report.details()]:
        print(line)
    return 0


def _lint(args: argparse.Namespace) -> int:
    from posture.analysis.transforms import latest_date
    from posture.data.lint import ACCEPTED_FILE, lint, read_accepted, unaccepted

    directory = Path(args.data_dir) if args.data_dir else data_dir()
    try:
        dataset = read_dataset(directory)
        accepted = read_accepted(directory)
    except DataValidationError as err:
        print("lint needs valid data; fix these first:", file=sys.stderr)
        print(err.report(), file=sys.stderr)
        return 1
    except ValueError as err:
        print(err, file=sys.stderr)
        return 1
    warnings = lint(dataset, latest_date(dataset))
    open_, stale = unaccepted(warnings, accepted)
    for warning in warnings:
        print(("  " if warning in open_ else "  (accepted) ") + str(warning))
    for entry in stale:
        print(
            f"  stale acceptance in {ACCEPTED_FILE}: {entry['table']} {entry['key']} "
            f"{entry['rule']} (no such warning now: remove the line)"
        )
    print(
        f"{len(warnings)} warning(s): {len(warnings) - len(open_)} accepted in "
        f"{ACCEPTED_FILE}, {len(open_)} open, {len(stale)} stale acceptance(s)"
    )
    if args.strict and (open_ or stale):
        print(
            f"--strict: fix the open warnings, or list each in {directory / ACCEPTED_FILE} "
            "(table,key,rule,reason) with the reason it is right",
            file=sys.stderr,
        )
        return 1
    return 0


def _readme(args: argparse.Namespace) -> int:
    from posture.data.dataset import REPO_ROOT
    from posture.data.docs import update_readme

    changed = update_readme(REPO_ROOT / "README.md", read_dataset(REPO_ROOT / "data"))
    print("README.md updated" if changed else "README.md already current")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from posture.app.serve import serve

    return serve(
        args.host,
        args.port,
        Path(args.script) if args.script else None,
        allowed_hosts=args.allowed_host,
        embed_from=args.allow_embed_from,
        metrics=args.metrics,
    )


def _cluster(args: argparse.Namespace) -> int:
    from posture.app.cluster import COMPOSE_CONFIG, Settings, compose_config, run

    if args.compose_config:
        COMPOSE_CONFIG.write_text(compose_config(), "utf-8")
        print(f"wrote {COMPOSE_CONFIG}")
        return 0
    return run(
        Settings(
            replicas=args.replicas,
            host=args.host,
            port=args.port,
            allowed_hosts=tuple(args.allowed_host),
            embed_from=tuple(args.allow_embed_from),
            metrics=args.metrics,
            nginx=args.nginx,
        )
    )


def _add_server_options(parser: argparse.ArgumentParser, what: str) -> None:
    """The options ``serve`` and ``cluster`` share; each defaults to its environment variable
    (what the Dockerfile sets), and the lists add the flags to the variable's values."""
    from posture.app import guard as env

    parser.add_argument(
        "--host",
        default=os.environ.get(env.ENV_HOST, "127.0.0.1"),
        help=f"address {what} binds (default ${env.ENV_HOST} or 127.0.0.1)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get(env.ENV_PORT, "8501")),
        help=f"port (default ${env.ENV_PORT} or 8501)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=env.env_list(env.ENV_ALLOWED_HOSTS),
        help="a Host name the server answers to besides the bound address and localhost "
        f"(repeat for several; '*' for any, not recommended; also ${env.ENV_ALLOWED_HOSTS}, "
        "comma-separated)",
    )
    parser.add_argument(
        "--allow-embed-from",
        action="append",
        default=env.env_list(env.ENV_EMBED_FROM),
        help="an origin allowed to show the dashboard in a frame, e.g. https://news.example "
        f"(also ${env.ENV_EMBED_FROM}, comma-separated)",
    )
    parser.add_argument(
        "--metrics",
        action="store_true",
        default=os.environ.get(env.ENV_METRICS) == "on",
        help=f"serve Streamlit's /_stcore/metrics (off by default; {env.ENV_METRICS}=on)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m posture", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check every table against the data contract")
    validate.add_argument("--data-dir", help="data directory (default: $POSTURE_DATA_DIR or data/)")
    validate.set_defaults(func=_validate)

    package = commands.add_parser("datapackage", help="write datapackage.json from the schemas")
    package.add_argument("--data-dir", help="data directory (default: $POSTURE_DATA_DIR or data/)")
    package.set_defaults(func=_datapackage)
    diff = commands.add_parser("diff", help="rows added, removed and changed per table")
    diff.add_argument("old_dir", help="the data directory before the change")
    diff.add_argument("new_dir", help="the data directory after the change")
    diff.add_argument("--summary", action="store_true", help="one line per table")
    diff.add_argument(
        "--csv",
        metavar="FILE",
        help="also write one row per change to FILE (the release notes the app shows: "
        "data/releases/<version>.csv)",
    )
    diff.set_defaults(func=_diff)

    export = commands.add_parser(
        "export",
        help="write a table as CSV, filtered like the page's download (same bytes)",
        description="Tables: "
        + ", ".join(TABLES)
        + ". Derived: "
        + "; ".join(f"{name} ({meaning})" for name, meaning in DERIVED.items())
        + ".",
    )
    export.add_argument("table", choices=[*TABLES, *DERIVED], help="table to export")
    export.add_argument("--country", choices=["Both", "Iraq", "Syria"], help="country filter")
    export.add_argument("--from", dest="start", help="first date, YYYY-MM-DD")
    export.add_argument("--to", dest="end", help="last date, YYYY-MM-DD")
    export.add_argument("--search", help="keep rows with this text in any text cell")
    export.add_argument("--on", help="posture date for `export posture`, YYYY-MM-DD")
    export.add_argument(
        "--output",
        "-o",
        help="file to write (default: standard output); never inside the data directory",
    )
    export.add_argument("--force", action="store_true", help="replace an existing --output file")
    export.add_argument("--data-dir", help="data directory (default: $POSTURE_DATA_DIR or data/)")
    export.set_defaults(func=_export)

    layer = commands.add_parser(
        "import", help="import your own ACLED or UCDP export as a local layer (never shipped)"
    )
    layer.add_argument("origin", choices=["acled", "ucdp"], help="which export format")
    layer.add_argument("file", help="the export, a CSV file")
    layer.add_argument(
        "--user-dir", help="where layers go (default: $POSTURE_USER_DIR or .posture/)"
    )
    layer.add_argument("--data-dir", help="curated data for nearest bases (default: data/)")
    layer.add_argument(
        "--encoding",
        help="the file's encoding when it is not UTF-8: cp1252 (Windows-1252, Excel on "
        "Windows) or latin-1",
    )
    layer.add_argument(
        "--date-format",
        help="the dates' format when it cannot be told from the file, as for strptime: "
        "%%d/%%m/%%Y (day first) or %%m/%%d/%%Y (month first)",
    )
    layer.add_argument(
        "--no-wait",
        action="store_true",
        help="exit at once if another import is running (default: wait for it)",
    )
    layer.add_argument(
        "--allow-empty",
        action="store_true",
        help="replace the layer even when no row is kept (default: exit 1, layer untouched)",
    )
    layer.set_defaults(func=_import)

    serve = commands.add_parser("serve", help="serve the dashboard (what `make run` does)")
    _add_server_options(serve, "the server")
    serve.add_argument("--script", help="serve another Streamlit script (benchmark baselines)")
    serve.set_defaults(func=_serve)

    cluster = commands.add_parser(
        "cluster",
        help="serve N replicas behind nginx (sticky sessions), in the foreground",
        description="Start N `serve` processes on loopback ports and nginx in front of them on "
        "--host:--port; stop everything on Ctrl-C or SIGTERM. A replica that exits is taken "
        "out by nginx and started again.",
    )
    cluster.add_argument(
        "--replicas", type=int, default=2, help="how many server processes (default 2)"
    )
    _add_server_options(cluster, "nginx")
    cluster.add_argument("--nginx", help="the nginx binary (default: nginx on PATH or /usr/sbin)")
    cluster.add_argument(
        "--compose-config",
        action="store_true",
        help="only rewrite deploy/nginx.compose.conf (for deploy/compose.yaml) from the template",
    )
    cluster.set_defaults(func=_cluster)

    lint = commands.add_parser(
        "lint", help="report suspicious patterns in valid data (warnings, with reasons)"
    )
    lint.add_argument("--data-dir", help="data directory (default: $POSTURE_DATA_DIR or data/)")
    lint.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 on any warning not accepted in lint-accepted.csv",
    )
    lint.set_defaults(func=_lint)

    readme = commands.add_parser("readme", help="regenerate README's contract and coverage tables")
    readme.set_defaults(func=_readme)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))
