"""The ``kplan`` command line: parse, call the core, print.

At the top of this file is only what every start needs (Typer, the
messages, the one printer, the ground floor); each command imports the core,
the store and the presentation modules it runs, in its own body. The
command line is the one place kplan imports its own modules late: importing
all of them costs about 35 ms, a third of ``kplan --help``, on every start.
Everywhere else kplan's modules are imported at the top of the file, and
the heavy libraries behind one seam each (tests/test_import_hygiene.py).

Unlike the rest of kplan, this file does not use ``from __future__ import
annotations``: Typer reads the annotations of every command on every start,
and annotations kept as text cost an ``eval`` each, about 20 ms for
kplan's sixty commands (tests/test_entrypoint.py keeps it so).
"""

import copy
import datetime as dt
import functools
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

# Exit status after Ctrl-C, as shells report a command ended by SIGINT.
EXIT_INTERRUPTED = 130

try:
    # Loading Typer takes a tenth of a second: Ctrl-C meanwhile ends the
    # command with the usual line, not a traceback (nothing was done yet).
    import typer
    from typer import _click as click  # Typer's own Click, which its commands are made of
    from typer.core import TyperCommand, TyperGroup

    from kplan import __version__, completion, i18n, moments
    from kplan.domain import parse_number
    from kplan.errors import InvalidValueError, KplanError, UsageError, did_you_mean
    from kplan.i18n import t
    from kplan.present import output
except KeyboardInterrupt:
    from kplan.i18n import t
    from kplan.present import output

    output.interrupted(t("cli.interrupted"))
    raise SystemExit(EXIT_INTERRUPTED) from None

F = TypeVar("F", bound=Callable[..., Any])


_LANGUAGE_OPTION: list[Any] = []


def _language_option() -> Any:
    """The ``--lang`` option every kplan command and group takes, made once by Typer itself."""
    if not _LANGUAGE_OPTION:
        # Read first by _take_language (so a usage error or the help is in the
        # language asked for, wherever on the line it stands); a parameter too,
        # so every command's help lists it and the parser accepts it.
        maker = typer.Typer()

        @maker.command()
        def _lang(
            lang: Annotated[
                str | None,
                typer.Option(
                    "--lang", metavar="sv|en", expose_value=False, help=t("langtime.opt_lang")
                ),
            ] = None,
        ) -> None:
            """Nothing: only its option is used."""

        _LANGUAGE_OPTION.append(typer.main.get_command(maker).params[0])
    # A copy for each command: _relabel changes its help in place.
    return copy.copy(_LANGUAGE_OPTION[0])


def _take_language(command: click.Command, context: click.Context, args: list[str]) -> None:
    """Speak the language ``--lang`` names among ``args`` (this command's own), or exit 2.

    The arguments are read by the command's own parser, so a ``--lang``
    that is the value of another option (``--note --lang``) is that value.
    """
    try:
        found, _, _ = command.make_parser(context).parse_args(args=list(args))
    except click.ClickException:
        return  # Click says what is wrong when it reads the line itself.
    value = found.get("lang")
    if value is None:
        return
    if isinstance(value, list | tuple):  # given twice: the last one counts, as for any option
        value = value[-1]
    code = i18n.parse_language(str(value))
    if code is None and context.resilient_parsing:
        return  # Shell completion: no message, no exit, whatever is half typed.
    if code is None:
        output.error(t("langtime.bad_lang", value=str(value)))
        raise typer.Exit(2)
    i18n.choose(code)
    _relabel(command)


def _relabel(command: click.Command) -> None:
    """Put the help of ``command`` (and of the commands under it) in the language chosen."""
    for attribute in ("help", "short_help"):
        text = getattr(command, attribute, None)
        if isinstance(text, str):
            setattr(command, attribute, i18n.in_language(text))
    for parameter in command.params:
        text = getattr(parameter, "help", None)
        if isinstance(text, str):
            parameter.help = i18n.in_language(text)  # type: ignore[attr-defined]
    for child in getattr(command, "commands", {}).values():
        _relabel(child)


class _Command(TyperCommand):
    """A kplan command: takes ``--lang`` wherever it stands."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(_language_option())

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Read ``--lang`` first, then the rest of the line as Click does."""
        _take_language(self, ctx, args)
        return super().parse_args(ctx, args)


class _Group(TyperGroup):
    """A group of commands (``kplan``, ``kplan round``...): takes ``--lang`` before its command."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(_language_option())

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Read ``--lang`` first, then the rest of the line as Click does."""
        if ctx.parent is None:
            # A new command line (a test runs many in one process): nothing
            # chosen by an earlier one holds.
            i18n.choose(None)
            moments.read_in(None)
        _take_language(self, ctx, args)
        return super().parse_args(ctx, args)


class _Typer(typer.Typer):
    """Typer whose commands and groups are kplan's (each takes ``--lang``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", _Group)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        """Typer's ``command``, making a kplan command."""
        kwargs.setdefault("cls", _Command)
        made: Callable[[F], F] = super().command(*args, **kwargs)
        return made


app = _Typer(
    name="kplan",
    help=t("cli.help"),
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="KPLAN_DB", metavar="PATH|URL", help=t("opt.db")),
]
PlanOption = Annotated[
    str | None,
    typer.Option("--plan", envvar="KPLAN_PLAN", metavar="ID", help=t("opt.plan")),
]
AsOption = Annotated[
    str | None,
    typer.Option("--as", metavar="ID", help=t("opt.as"), autocompletion=completion.owners),
]
JsonOption = Annotated[bool, typer.Option("--json", help=t("opt.json"))]
JsonlOption = Annotated[bool, typer.Option("--jsonl", help=t("reads.opt_jsonl"))]
ExpectOption = Annotated[
    int | None,
    typer.Option("--expect-version", metavar="N", min=0, help=t("opt.expect_version")),
]
NoteOption = Annotated[str | None, typer.Option("--note", "-n", metavar="TEXT", help=t("opt.note"))]


def _fail(message: str, code: int) -> typer.Exit:
    # output.error spells out whatever the message quotes that a terminal
    # would act on (a lone surrogate from an argument's bad bytes included).
    output.error(message)
    return typer.Exit(code)


# Text parameters that name files: kept exactly as the system gave them.
# (FILE arguments and -o are Paths, which no text rule touches.)
_PATH_ARGUMENTS = frozenset({"db"})


def reported(function: F) -> F:
    """Turn kplan's errors into a message on stderr and their exit code."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kplan.store.schema import upgrades_reported_to

        output.reset_interrupted()

        # Arguments with bytes that are not UTF-8 reach Python as surrogates.
        # In a path they are the bytes of a file's name (see _PATH_ARGUMENTS);
        # anywhere else they are refused, as in an apply file: a replacement
        # would log, look up or act as something nobody typed ("--as åsa"
        # from a Latin-1 terminal acting as "?sa").
        for name, value in kwargs.items():
            if isinstance(value, str) and name not in _PATH_ARGUMENTS:
                byte = _undecodable_byte(value)
                if byte is not None:
                    raise _fail(t("cli.not_utf8", value=value, byte=byte), 1)

        _take_actor()
        try:
            with upgrades_reported_to(_report_upgrade):
                result = function(*args, **kwargs)
        except KplanError as error:
            failure = _fail(error.message + error.cli_hint, error.exit_code)
            if error.exit_code == 4:
                # Refused for not being the owner or a coordinator: a mistyped
                # name is the likeliest reason. Other errors stand alone.
                _warn_stranger(kwargs)
            raise failure from None
        except KeyboardInterrupt:
            output.interrupted(t("cli.interrupted"))
            raise typer.Exit(EXIT_INTERRUPTED) from None
        _warn_stranger(kwargs)
        return result

    return wrapper  # type: ignore[return-value]


def _take_actor() -> str | None:
    """Who the command found acting, if it looked (and so imported kplan.core.actor)."""
    module = sys.modules.get("kplan.core.actor")
    return None if module is None else module.take_resolved()


def _warn_stranger(kwargs: dict[str, Any]) -> None:
    """Warn on stderr, once, when who acted or listed "my" measures is not a person of the plan.

    The command has run (or been refused) by now; a store or plan that
    cannot be read leaves the command's own message alone.
    """
    actor = _take_actor()
    if actor is None:
        return
    from kplan.core.people import stranger, stranger_warning
    from kplan.store.engine import open_store

    try:
        store = open_store(kwargs.get("db"), create=False)
        try:
            found = stranger(store, actor, kwargs.get("plan"))
        finally:
            store.close()
    except KplanError:
        return
    if found is not None:
        output.notice(t("people.warning", message=stranger_warning(found)))


def _undecodable_byte(value: str) -> str | None:
    """The first byte of ``value`` that was not UTF-8 (as ``0xE9``), if any."""
    for character in value:
        if "\ud800" <= character <= "\udfff":
            code = ord(character)
            # surrogateescape keeps byte B as U+DC00+B.
            return f"0x{code - 0xDC00:02X}" if 0xDC80 <= code <= 0xDCFF else f"U+{code:04X}"
    return None


def _report_upgrade(upgrade: Any) -> None:
    # Said on stderr, so the output of the command itself stays as it is.
    if upgrade.backup is None:
        key, extra = "store.upgraded_in_place", {}
    else:
        key, extra = "store.upgraded", {"backup": upgrade.backup}
    message = t(key, path=upgrade.store, old=upgrade.old_version, new=upgrade.new_version, **extra)
    output.notice(message)


def _version(value: bool) -> None:
    if value:
        output.say(f"kplan {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    context: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=t("opt.version")),
    ] = False,
) -> None:
    """Follow up a regional action plan from the terminal."""
    if context.invoked_subcommand is not None:
        return
    from kplan.core.actor import current_actor

    # Plain `kplan` in a terminal opens the workplace when there is a plan to
    # show; anywhere else (a pipe, an empty store) it explains itself.
    if sys.stdin.isatty() and sys.stdout.isatty() and _store_has_one_plan():
        from kplan.tui.app import run

        try:
            actor = current_actor()
        except KplanError as error:
            # Outside @reported: a KPLAN_USER that cannot act (not loggable, or
            # another person on a server store) is still one line.
            raise _fail(error.message, error.exit_code) from None
        raise typer.Exit(run(None, None, actor))
    output.say(context.get_help())
    raise typer.Exit(0)


def _store_has_one_plan() -> bool:
    from kplan.core import queries
    from kplan.store.engine import open_store, store_exists
    from kplan.store.schema import upgrades_reported_to

    if not store_exists():
        return False
    try:
        with upgrades_reported_to(_report_upgrade):
            found = queries.plans(open_store(create=False))
    except KplanError:
        return False
    return len(found) == 1 or (bool(found) and bool(os.environ.get("KPLAN_PLAN")))


@app.command("tui", help=t("cmd.tui"))
@reported
def tui_command(
    db: DbOption = None,
    plan: PlanOption = None,
    as_: Annotated[
        str | None,
        typer.Option("--as", metavar="ID", help=t("opt.as_tui"), autocompletion=completion.owners),
    ] = None,
) -> None:
    """Open the terminal workplace."""
    from kplan.core.actor import current_actor
    from kplan.core.queries import resolve_plan
    from kplan.store.engine import open_store

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(t("tui.needs_terminal"))
    # Check the store and the plan here, so a mistake is a one-line error.
    store = open_store(db, create=False)
    try:
        plan = resolve_plan(store, plan)
    finally:
        store.close()
    from kplan.tui.app import run

    raise typer.Exit(run(db, plan, current_actor(as_, db)))


def _print_json(data: Any) -> None:
    output.json(data)


def _one_json_form(json_output: bool, jsonl_output: bool) -> None:
    """Refuse --json and --jsonl together."""
    if json_output and jsonl_output:
        raise UsageError(t("reads.both"))


def _print_changes(result: Any, json_output: bool) -> None:
    """What a change command changed: as JSON, or one line a change."""
    from kplan.present import summary, terminal

    if json_output:
        _print_json(summary.changes_json(result))
    else:
        terminal.changes(result)


@app.command("init", help=t("cmd.init"))
@reported
def init_command(db: DbOption = None) -> None:
    """Create the store."""
    from kplan.store.engine import open_store, store_path_for_display
    from kplan.store.postgres_rules import refresh

    store = open_store(db)
    try:
        output.say(t("init.done", path=store_path_for_display(db)))
        if store.is_sqlite:
            return
        # The owner's init also repairs the server's rules; anyone else's
        # only checks the store and says who they are in it.
        repaired = refresh(store)
        found = store.identity()
        assert found is not None
        if repaired:
            output.say(t("init.postgres_owner", role=found.role))
        else:
            output.say(
                t("init.postgres_user", person=found.person, role=found.role, owner=found.owner)
            )
    finally:
        store.close()


@app.command("import", help=t("cmd.import"))
@reported
def import_command(
    # Not readable=True: Click would call an unreadable file a usage error
    # (exit 2); read_plan_text says why it cannot be read, as a data error.
    file: Annotated[Path, typer.Argument(metavar="FILE", help=t("arg.plan_file"), readable=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=t("opt.dry_run"))] = False,
    keep_store: Annotated[
        bool, typer.Option("--keep-store", help=t("importconflict.opt_keep_store"))
    ] = False,
    force: Annotated[bool, typer.Option("--force", help=t("importconflict.opt_force"))] = False,
    db: DbOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Load a plan file into the store."""
    from kplan.core.actor import current_actor
    from kplan.core.conflicts import ImportConflictError, read_base
    from kplan.core.importing import import_into
    from kplan.core.planfile import parse_plan_text, read_plan_text
    from kplan.present import summary, terminal

    if keep_store and force:
        raise UsageError(t("importconflict.both"))
    # Read once: the file may be a pipe, and its base line is part of it.
    text = read_plan_text(file)
    plan = parse_plan_text(text, str(file))
    base = read_base(text)
    del text
    try:
        result = import_into(
            db,
            plan,
            actor=current_actor(as_, db),
            dry_run=dry_run,
            source=str(file),
            base=base,
            resolution="keep-store" if keep_store else "force" if force else "refuse",
        )
    except ImportConflictError as error:
        if json_output:
            _print_json(summary.refused_import_json(error, plan, dry_run))
        raise _fail(terminal.import_refused(error), error.exit_code) from None
    if json_output:
        _print_json(summary.import_json(result, plan))
    else:
        terminal.import_result(result, plan)


@app.command("check", help=t("check.cmd"))
@reported
def check_command(
    # Not readable=True, as for import: a file that cannot be read is a
    # problem of that file, reported with the others.
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE", help=t("check.arg_files"), readable=False)
    ],
    json_output: JsonOption = False,
    format_: Annotated[
        str | None,
        typer.Option("--format", metavar="text|json|github", help=t("check.opt_format")),
    ] = None,
) -> None:
    """Validate plan files without a store: exit 0 when all are valid, 1 when any is not."""
    from kplan.core.planfile_check import (
        FORMATS,
        check_files,
        github_annotations,
        problems_json,
        text_lines,
    )

    chosen = format_ if format_ is not None else "json" if json_output else "text"
    if chosen not in FORMATS:
        hint = did_you_mean(chosen, FORMATS)
        raise UsageError(t("check.bad_format", value=chosen, valid=", ".join(FORMATS), hint=hint))
    if json_output and chosen != "json":
        raise UsageError(t("check.json_and_format", format=chosen))
    results = check_files(files)
    if chosen == "json":
        _print_json(problems_json(results))
    elif chosen == "github":
        for line in github_annotations(results):
            output.data(line + "\n")
    else:
        for line in text_lines(results):
            output.say(line)
    if not all(result.valid for result in results):
        raise typer.Exit(1)


@app.command("schema", help=t("check.cmd_schema"))
@reported
def schema_command() -> None:
    """Print the JSON Schema of a plan file (docs/plan.schema.json)."""
    from kplan.core.planspec import schema_text

    output.data(schema_text())


@app.command("plans", help=t("cmd.plans"))
@reported
def plans_command(
    db: DbOption = None, json_output: JsonOption = False, jsonl_output: JsonlOption = False
) -> None:
    """List the plans in the store."""
    from kplan.core import queries
    from kplan.present import summary, terminal
    from kplan.store.engine import open_store

    _one_json_form(json_output, jsonl_output)
    rows = summary.plan_rows(queries.plans(open_store(db, create=False)))
    if json_output:
        _print_json(rows)
    elif jsonl_output:
        output.json_lines(rows)
    else:
        terminal.plans_table(rows)


@app.command("list", help=t("cmd.list"))
@reported
def list_command(
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner", metavar="ID", help=t("opt.owner"), autocompletion=completion.owners
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            metavar="STATUS",
            help=t("opt.status_filter"),
            autocompletion=completion.statuses,
        ),
    ] = None,
    step: Annotated[
        int | None, typer.Option("--step", metavar="N", help=t("opt.step_filter"))
    ] = None,
    perspective: Annotated[
        str | None,
        typer.Option("--perspective", metavar="P[=LEVEL]", help=t("opt.perspective_filter")),
    ] = None,
    mine: Annotated[bool, typer.Option("--mine", help=t("opt.mine"))] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help=t("year.opt_overdue"))] = False,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: Annotated[
        str | None,
        typer.Option("--as", metavar="ID", help=t("opt.as_mine"), autocompletion=completion.owners),
    ] = None,
    json_output: JsonOption = False,
    jsonl_output: JsonlOption = False,
) -> None:
    """List the plan's measures."""
    from kplan.store.engine import open_store

    _one_json_form(json_output, jsonl_output)
    # No filter (as MeasureFilter.is_empty judges, without importing the filters).
    # Step 0 is a filter too (and refused as one): only no --step at all lists every measure.
    whole = not (mine or owner or status or step is not None or perspective or overdue)
    if whole and (json_output or jsonl_output or not output.is_terminal()):
        # The whole plan into a pipe: rows straight from the store to the output,
        # without the plan model, the filters or the tables.
        from kplan.core.collector import paused
        from kplan.core.queries import measure_rows
        from kplan.present import streamed

        # Thousands of rows of plain values, kept until they are written: the
        # cycle collector would only walk them again and again, finding nothing.
        with paused():
            measures = measure_rows(open_store(db, create=False), plan)
            if json_output or jsonl_output:
                output.json_pieces(streamed.measure_rows_json(measures, compact=jsonl_output))
            else:
                streamed.measure_rows_plain(measures)
        return
    from kplan.core.actor import current_actor
    from kplan.core.filters import MeasureFilter
    from kplan.core.queries import list_measures
    from kplan.present import summary

    if mine:
        owner = current_actor(as_, db, acting=False)
    wanted = MeasureFilter(
        owner=owner, status=status, step=step, perspective=perspective, overdue=overdue
    )
    loaded, chosen = list_measures(open_store(db, create=False), plan, wanted)
    rows = summary.measure_summaries(loaded, chosen)
    if json_output:
        _print_json(rows)
    elif jsonl_output:
        output.json_lines(rows)
    else:
        from kplan.present import terminal

        terminal.measures_table(loaded, rows)


@app.command("show", help=t("cmd.show"))
@reported
def show_command(
    measure: Annotated[
        str,
        typer.Argument(
            metavar="MEASURE", help=t("arg.measure"), autocompletion=completion.measures
        ),
    ],
    events: Annotated[
        int, typer.Option("--events", metavar="N", min=0, max=100_000, help=t("opt.events"))
    ] = 10,
    db: DbOption = None,
    plan: PlanOption = None,
    json_output: JsonOption = False,
) -> None:
    """Everything about one measure."""
    from kplan.core.queries import show
    from kplan.present import summary, terminal
    from kplan.store.engine import open_store

    store = open_store(db, create=False)
    loaded, found, logged = show(store, measure, plan, events=events)
    detail = summary.measure_detail(loaded, found, logged)
    if json_output:
        _print_json(detail)
    else:
        terminal.measure_detail(loaded, detail)


def _change(
    changes: list[Any], db: str | None, plan: str | None, as_: str | None, json_output: bool
) -> None:

    from kplan.core.actor import current_actor
    from kplan.core.changes import apply_changes
    from kplan.store.engine import open_store

    result = apply_changes(
        open_store(db, create=False), changes, actor=current_actor(as_, db), plan=plan
    )
    _print_changes(result, json_output)


@app.command("status", help=t("cmd.status"))
@reported
def status_command(
    measure: Annotated[
        str,
        typer.Argument(
            metavar="MEASURE", help=t("arg.measure"), autocompletion=completion.measures
        ),
    ],
    status: Annotated[
        str | None,
        typer.Argument(
            metavar="STATUS",
            help=t("arg.status"),
            show_default=False,
            autocompletion=completion.statuses,
        ),
    ] = None,
    progress: Annotated[
        int | None, typer.Option("--progress", "-p", metavar="N", help=t("opt.progress"))
    ] = None,
    note: NoteOption = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Set a measure's status and/or progress."""
    from kplan.core.changes import Change

    if status is None and progress is None:
        raise UsageError(t("status.nothing"))
    changes = []
    if status is not None:
        changes.append(Change("measure", measure, "status", status, note, expect_version))
    if progress is not None:
        changes.append(Change("measure", measure, "progress", progress, note, expect_version))
    _change(changes, db, plan, as_, json_output)


@app.command("step", help=t("cmd.step"))
@reported
def step_command(
    collaboration: Annotated[
        str,
        typer.Argument(
            metavar="COLLABORATION",
            help=t("arg.collaboration"),
            autocompletion=completion.collaborations,
        ),
    ],
    step: Annotated[
        str, typer.Argument(metavar="STEP", help=t("arg.step"), autocompletion=completion.steps)
    ],
    note: NoteOption = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Move a collaboration on the ladder."""
    from kplan.core.changes import Change

    _change(
        [Change("collaboration", collaboration, "step", step, note, expect_version)],
        db,
        plan,
        as_,
        json_output,
    )


@app.command("fourp", help=t("cmd.fourp"))
@reported
def fourp_command(
    measure: Annotated[
        str,
        typer.Argument(
            metavar="MEASURE", help=t("arg.measure"), autocompletion=completion.measures
        ),
    ],
    part: Annotated[
        str,
        typer.Argument(
            metavar="P", help=t("arg.four_p_part"), autocompletion=completion.four_p_parts
        ),
    ],
    state: Annotated[
        str,
        typer.Argument(
            metavar="STATE", help=t("arg.four_p_state"), autocompletion=completion.four_p_states
        ),
    ],
    note: NoteOption = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Set one Fyra P part of a measure."""
    from kplan.core.changes import Change

    _change(
        [Change("measure", measure, f"four_p.{part}", state, note, expect_version)],
        db,
        plan,
        as_,
        json_output,
    )


@app.command("perspective", help=t("cmd.perspective"))
@reported
def perspective_command(
    measure: Annotated[
        str,
        typer.Argument(
            metavar="MEASURE", help=t("arg.measure"), autocompletion=completion.measures
        ),
    ],
    perspective: Annotated[
        str,
        typer.Argument(
            metavar="PERSPECTIVE",
            help=t("arg.perspective"),
            autocompletion=completion.perspectives,
        ),
    ],
    level: Annotated[
        str, typer.Argument(metavar="LEVEL", help=t("arg.level"), autocompletion=completion.levels)
    ],
    note: NoteOption = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Set how far a cross-cutting perspective is integrated in a measure."""
    from kplan.core.changes import Change

    _change(
        [Change("measure", measure, f"perspectives.{perspective}", level, note, expect_version)],
        db,
        plan,
        as_,
        json_output,
    )


@app.command("record", help=t("cmd.record"))
@reported
def record_command(
    indicator: Annotated[
        str,
        typer.Argument(
            metavar="INDICATOR", help=t("arg.indicator"), autocompletion=completion.indicators
        ),
    ],
    period: Annotated[str, typer.Argument(metavar="PERIOD", help=t("arg.period"))],
    value: Annotated[str, typer.Argument(metavar="VALUE", help=t("arg.value"))],
    group: Annotated[
        str | None,
        typer.Option("--group", metavar="PERSPECTIVE=GROUP", help=t("stats.opt_group")),
    ] = None,
    note: NoteOption = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Record an indicator's value for a period (or for one group of a perspective)."""
    from kplan.core.changes import Change

    number = parse_number(value)
    if number is None:
        raise InvalidValueError(t("change.number", value=value))
    field_name = f"values.{period}" if group is None else f"groups.{period}.{group}"
    _change(
        [Change("indicator", indicator, field_name, number, note, expect_version)],
        db,
        plan,
        as_,
        json_output,
    )


@app.command("note", help=t("structure.cmd_note"))
@reported
def note_command(
    measure: Annotated[
        str,
        typer.Argument(
            metavar="MEASURE", help=t("arg.measure"), autocompletion=completion.measures
        ),
    ],
    text: Annotated[str, typer.Argument(metavar="TEXT", help=t("structure.arg_situation"))],
    note: NoteOption = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Set a measure's current state (läget) in its owner's words."""
    from kplan.core.changes import Change

    _change(
        [Change("measure", measure, "situation", text, note, expect_version)],
        db,
        plan,
        as_,
        json_output,
    )


@app.command("apply", help=t("cmd.apply"))
@reported
def apply_command(
    # A Path, not text: a file name with bytes that are not UTF-8 still names its file.
    file: Annotated[
        Path, typer.Argument(metavar="FILE|-", help=t("arg.apply_file"), readable=False)
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", metavar="jsonl|csv", help=t("opt.apply_format"))
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=t("opt.apply_dry_run"))] = False,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Apply a file of changes in one transaction."""
    from kplan.core.actor import current_actor
    from kplan.core.batch import apply_text, read_input
    from kplan.present import summary, terminal
    from kplan.store.engine import open_store

    stdin = str(file) == "-"
    chosen = (fmt or ("csv" if file.suffix.lower() == ".csv" else "jsonl")).lower()
    text = read_input(file, sys.stdin.buffer if stdin else None, spreadsheet=chosen == "csv")
    store = open_store(db, create=False)
    result = apply_text(
        store, text, fmt=chosen, actor=current_actor(as_, db), plan=plan, dry_run=dry_run
    )
    if json_output:
        _print_json(summary.changes_json(result) | {"dry_run": dry_run})
    else:
        terminal.apply_summary(result, dry_run)


@app.command("undo", help=t("cmd.undo"))
@reported
def undo_command(
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Revert your last command."""
    from kplan.core.actor import current_actor
    from kplan.core.undo import undo
    from kplan.present import summary, terminal
    from kplan.store.engine import open_store

    result = undo(open_store(db, create=False), actor=current_actor(as_, db), plan=plan)
    if json_output:
        _print_json(summary.changes_json(result))
    else:
        output.say(t("undo.done"))
        terminal.changes(result)


@app.command("log", help=t("cmd.log"))
@reported
def log_command(
    measure: Annotated[
        str | None,
        typer.Argument(metavar="MEASURE", help=t("arg.measure_optional"), show_default=False),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help=t("opt.since"))
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", min=0, max=10_000_000, help=t("opt.limit"))
    ] = 20,
    db: DbOption = None,
    plan: PlanOption = None,
    json_output: JsonOption = False,
    jsonl_output: JsonlOption = False,
) -> None:
    """The event log, newest first."""
    from kplan.core.queries import log, log_with_names, parse_since
    from kplan.present import terminal
    from kplan.present.labels import PlanNames
    from kplan.store.engine import open_store

    _one_json_form(json_output, jsonl_output)
    moment = parse_since(since) if since else None
    store = open_store(db, create=False)
    if json_output:
        _print_json(log(store, plan=plan, measure=measure, since=moment, limit=limit))
        return
    if jsonl_output:
        output.json_lines(log(store, plan=plan, measure=measure, since=moment, limit=limit))
        return
    events, info, (collaborations, indicators, owners) = log_with_names(
        store, plan=plan, measure=measure, since=moment, limit=limit
    )
    names = PlanNames(tuple(info.ladder), collaborations, indicators, owners)
    terminal.events_table(events, names)


@app.command("export", help=t("cmd.export"))
@reported
def export_command(
    output_file: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help=t("opt.output"), readable=False),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=t("opt.format"),
            autocompletion=completion.formats,
        ),
    ] = "toml",
    snapshot: Annotated[
        str | None, typer.Option("--snapshot", metavar="NAME", help=t("opt.snapshot"))
    ] = None,
    with_log: Annotated[bool, typer.Option("--with-log", help=t("opt.with_log"))] = False,
    public: Annotated[
        bool | None, typer.Option("--public/--no-public", help=t("public.opt"), show_default=False)
    ] = None,
    excel: Annotated[
        bool | None,
        typer.Option("--excel/--no-excel", help=t("sheets.opt_excel"), show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=t("opt.force_output"))] = False,
    template_file: Annotated[
        Path | None,
        # kplan reads the template itself: a missing file is one line and exit 1.
        typer.Option("--template", metavar="FILE", readable=False, help=t("opt.template")),
    ] = None,
    db: DbOption = None,
    plan: PlanOption = None,
) -> None:
    """Write the plan's current state, or a snapshot, in an export format."""
    from kplan.core.exports import gather
    from kplan.i18n import language
    from kplan.present import exports
    from kplan.present.templating import read_template
    from kplan.store.engine import open_store
    from kplan.store.files import check_target, is_stdout, write_bytes, write_text

    fmt = exports.check_format(fmt)
    template = None
    if template_file is not None:
        if fmt != "html":
            raise UsageError(t("template.only_html", format=fmt))
        template = read_template(template_file)
    if excel is not None and fmt != "csv":
        raise UsageError(t("sheets.excel_only_csv", format=fmt))
    to_stdout = output_file is None or is_stdout(output_file)
    if fmt in exports.BINARY and to_stdout and output.is_terminal():
        raise UsageError(t("sheets.binary_terminal", format=fmt))
    store = open_store(db, create=False)
    target = None
    if not to_stdout:
        assert output_file is not None
        # Checked (and asked) before the export is built, and again as it is written.
        target = check_target(
            output_file,
            location=db,
            force=force,
            confirm=_confirm_overwrite,
            example=f"plan.{fmt}",
            spare_stores=True,
        )
    with output.working(t("export.progress", format=fmt)):
        source = gather(
            store,
            plan=plan,
            snapshot=snapshot,
            history=fmt in exports.LOOKS_BACK,
            states_only=fmt in exports.STATES_ONLY,
            events=with_log and fmt in exports.CARRIES_LOG,
            # A workbook has a log sheet unless the export is public.
            log_unless_public=fmt in exports.ALWAYS_LOG,
            public=exports.public_choice(fmt, public),
        )
        # Written for the plan's readers: in the plan's language unless one was chosen.
        with i18n.for_plan(source.plan.language):
            if fmt in exports.BINARY:
                content = exports.workbook(source)
            else:
                # Asked once the plan is read: a Swedish reader's Excel wants semicolons
                # and decimal commas (docs/export.md#csv).
                dialect = (language() == "sv") if excel is None else excel
                text = exports.export(source, fmt, template=template, excel=dialect)
    if fmt in exports.BINARY:
        if target is None:
            output.binary(content)
            return
        write_bytes(target, content)
    elif target is None:
        output.document(text)
        return
    else:
        write_text(target, text)
    output.notice(t("export.written", path=target.path))


@app.command("calendar", help=t("year.cmd_calendar"))
@reported
def calendar_command(
    output_file: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help=t("year.opt_calendar_output"), readable=False
        ),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            metavar="ID",
            help=t("year.opt_calendar_owner"),
            autocompletion=completion.owners,
        ),
    ] = None,
    public: Annotated[
        bool | None,
        typer.Option("--public/--no-public", help=t("public.opt_calendar"), show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=t("opt.force_output"))] = False,
    db: DbOption = None,
    plan: PlanOption = None,
) -> None:
    """The plan period, due dates and round deadlines as an iCalendar file."""
    from kplan.core.year import calendar_entries
    from kplan.present.calendar import to_ics
    from kplan.store.engine import open_store
    from kplan.store.files import check_target, is_stdout, write_text

    store = open_store(db, create=False)
    target = None
    if output_file is not None and not is_stdout(output_file):
        target = check_target(
            output_file,
            location=db,
            force=force,
            confirm=_confirm_overwrite,
            example="plan.ics",
            spare_stores=True,
        )
    text = to_ics(calendar_entries(store, plan=plan, owner=owner, public=public))
    if target is None:
        output.document(text)
        return
    write_text(target, text)
    output.notice(t("export.written", path=target.path))


@app.command("remind", help=t("year.cmd_remind"))
@reported
def remind_command(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=t("year.opt_remind_format"),
            autocompletion=completion.reminder_formats,
        ),
    ] = "text",
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="DIR", help=t("year.opt_remind_output"), readable=False
        ),
    ] = None,
    send: Annotated[bool, typer.Option("--send", help=t("year.opt_remind_send"))] = False,
    quiet_days: Annotated[
        int, typer.Option("--quiet-days", metavar="N", help=t("year.opt_quiet_days"))
    ] = 30,
    stuck_days: Annotated[
        int, typer.Option("--stuck-days", metavar="N", help=t("year.opt_stuck_days"))
    ] = 90,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            metavar="ID",
            help=t("year.opt_remind_owner"),
            autocompletion=completion.owners,
        ),
    ] = None,
    smtp_config: Annotated[
        Path | None,
        # kplan reads the file itself: a missing one is one line and exit 1.
        typer.Option(
            "--smtp-config", metavar="FILE", help=t("year.opt_smtp_config"), readable=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=t("opt.force_output"))] = False,
    db: DbOption = None,
    plan: PlanOption = None,
    json_output: JsonOption = False,
) -> None:
    """Each owner's digest of what to follow up; written, shown, or sent by e-mail."""
    from kplan.core import mail
    from kplan.core.year import reminders
    from kplan.present import reminders as words
    from kplan.store.engine import open_store
    from kplan.store.files import is_stdout

    if is_stdout(output_dir):
        output_dir = None  # "-o -": standard output, as for export and calendar
    fmt = fmt.strip().lower()
    if fmt not in words.FORMATS:
        raise UsageError(t("year.bad_remind_format", value=fmt, valid=", ".join(words.FORMATS)))
    settings = None
    if send:
        # Checked before anything is read or sent: a missing server is said at once.
        settings = mail.smtp_settings(smtp_config)
    elif smtp_config is not None:
        raise UsageError(t("year.smtp_config_needs_send"))
    found = reminders(
        open_store(db, create=False),
        plan=plan,
        owner=owner,
        quiet_days=quiet_days,
        stuck_days=stuck_days,
    )
    sender = settings.sender if settings is not None else _configured_sender()
    results: dict[str, dict[str, Any]] = {}
    if output_dir is not None:
        for owner_id, path in _write_digests(found, fmt, output_dir, sender, db, force).items():
            results.setdefault(owner_id, {})["file"] = str(path)
    failed = False
    if settings is not None:
        failed = _send_digests(found, settings, results, quiet=json_output)
    if json_output:
        _print_json(words.reminders_json(found, results))
    elif not found.digests:
        output.notice(t("year.remind_nothing"))
    elif output_dir is None and settings is None:
        for index, digest in enumerate(found.digests):
            if index:
                output.say("")
            text = words.render(found, digest, fmt, sender)
            if fmt == "eml":
                output.document(text)
            else:
                output.say(text.rstrip("\n"))
    if not json_output and settings is None:
        for digest in found.digests:
            if words.recipient(digest) is None:
                output.notice(_no_address(digest))
    if failed:
        raise typer.Exit(1)


def _configured_sender() -> str | None:
    """The sender named in KPLAN_SMTP_SENDER, for .eml files written without --send."""
    from kplan.core import mail

    value = os.environ.get("KPLAN_SMTP_SENDER", "").strip()
    return mail.check_sender(value, "KPLAN_SMTP_SENDER") if value else None


def _no_address(digest: Any) -> str:
    key = "year.remind_no_email" if not digest.email else "year.remind_bad_email"
    return t(key, owner=digest.owner, name=digest.name, email=digest.email or "")


def _write_digests(
    found: Any, fmt: str, folder: Path, sender: str | None, db: str | None, force: bool
) -> dict[str, Path]:
    """Write each owner's digest to its own file in ``folder``; every target checked first."""
    from kplan.present import reminders as words
    from kplan.store.files import check_target, write_text

    # Something that is there and no folder (a file, a device) is said as such,
    # not as the system's "File exists".
    if folder.exists() and not folder.is_dir():
        raise InvalidValueError(
            t("year.remind_bad_folder", path=folder, detail=t("year.not_a_folder"))
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidValueError(
            t("year.remind_bad_folder", path=folder, detail=exc.strerror or str(exc))
        ) from None
    if not folder.is_dir():
        raise InvalidValueError(
            t("year.remind_bad_folder", path=folder, detail=t("year.not_a_folder"))
        )
    # Every file is checked before the first is written: a refusal writes nothing.
    targets = [
        (
            digest,
            check_target(
                folder / words.file_name(digest, fmt),
                location=db,
                force=force,
                confirm=_confirm_overwrite,
                spare_stores=True,
            ),
        )
        for digest in found.digests
    ]
    written: dict[str, Path] = {}
    for digest, target in targets:
        write_text(target, words.render(found, digest, fmt, sender))
        written[digest.owner] = target.path
        output.notice(t("export.written", path=target.path))
    return written


def _send_digests(
    found: Any, settings: Any, results: dict[str, dict[str, Any]], *, quiet: bool
) -> bool:
    """Send each digest with an address; say who was sent what. True when any failed."""
    from kplan.core import mail
    from kplan.present import reminders as words

    sendable = []
    for digest in found.digests:
        if words.recipient(digest) is None:
            if not quiet:
                output.say(_no_address(digest))
            continue
        sendable.append((digest.owner, words.email_message(found, digest, settings.sender)))
    deliveries = mail.send_all(settings, sendable) if sendable else []
    failed = False
    kinds = {d.owner: d for d in found.digests}
    for delivery in deliveries:
        results[delivery.key] = {"sent": delivery.sent, "error": delivery.error}
        digest = kinds[delivery.key]
        counts = ", ".join(
            t(f"year.count_{kind}", count=len(digest.of_kind(kind)))
            for kind in ("unreported", "overdue", "quiet", "stuck")
            if digest.of_kind(kind)
        )
        if delivery.sent:
            if not quiet:
                output.say(t("year.remind_sent", to=delivery.recipient, what=counts))
        else:
            failed = True
            output.error(t("year.remind_not_sent", to=delivery.recipient, reason=delivery.error))
    return failed


round_app = _Typer(help=t("cmd.round"), no_args_is_help=True)
snapshot_app = _Typer(help=t("cmd.snapshot"), no_args_is_help=True)
postgres_app = _Typer(help=t("cmd.postgres"), no_args_is_help=True)
app.add_typer(round_app, name="round")
app.add_typer(snapshot_app, name="snapshot")
app.add_typer(postgres_app, name="postgres")
person_app = _Typer(help=t("people.cmd_person"), no_args_is_help=True)
org_app = _Typer(help=t("people.cmd_org"), no_args_is_help=True)
app.add_typer(person_app, name="person")
app.add_typer(org_app, name="org")
measure_app = _Typer(help=t("structure.cmd_measure"), no_args_is_help=True)
collab_app = _Typer(help=t("structure.cmd_collab"), no_args_is_help=True)
indicator_app = _Typer(help=t("structure.cmd_indicator"), no_args_is_help=True)
app.add_typer(measure_app, name="measure")
app.add_typer(collab_app, name="collab")
app.add_typer(indicator_app, name="indicator")
plan_app = _Typer(help=t("settings.cmd_plan"), no_args_is_help=True)
app.add_typer(plan_app, name="plan")


def _text_option(name: str, key: str, metavar: str = "TEXT", **extra: Any) -> Any:
    return typer.Option(name, metavar=metavar, help=t(key), show_default=False, **extra)


MeasureId = Annotated[
    str, typer.Argument(metavar="ID", help=t("arg.measure"), autocompletion=completion.measures)
]
CollabId = Annotated[
    str,
    typer.Argument(
        metavar="ID", help=t("structure.arg_collab"), autocompletion=completion.collaborations
    ),
]
IndicatorId = Annotated[
    str,
    typer.Argument(
        metavar="ID", help=t("structure.arg_indicator"), autocompletion=completion.indicators
    ),
]
TitleOption = Annotated[str | None, _text_option("--title", "structure.opt_title")]
OwnerOption = Annotated[
    str | None,
    _text_option("--owner", "structure.opt_owner", "ID", autocompletion=completion.owners),
]
AreaOption = Annotated[str | None, _text_option("--area", "structure.opt_area")]
GoalOption = Annotated[str | None, _text_option("--goal", "structure.opt_goal")]
StartOption = Annotated[str | None, _text_option("--start", "structure.opt_start", "DATE")]
DueOption = Annotated[str | None, _text_option("--due", "structure.opt_due", "DATE")]
DescriptionOption = Annotated[
    str | None, _text_option("--description", "structure.opt_description")
]
NameOption = Annotated[str | None, _text_option("--name", "structure.opt_name")]
OfMeasureOption = Annotated[
    str | None,
    _text_option("--measure", "structure.opt_measure", "ID", autocompletion=completion.measures),
]
ActorsOption = Annotated[str | None, _text_option("--actors", "structure.opt_actors", "ID,ID")]
StepOption = Annotated[str | None, _text_option("--step", "structure.opt_step", "N")]
CollabNoteOption = Annotated[str | None, _text_option("--note", "structure.opt_collab_note")]
LogNoteOption = Annotated[
    str | None, typer.Option("--log-note", "-n", metavar="TEXT", help=t("opt.note"))
]
UnitOption = Annotated[str | None, _text_option("--unit", "structure.opt_unit")]
BaselineOption = Annotated[str | None, _text_option("--baseline", "structure.opt_baseline", "N")]
TargetOption = Annotated[str | None, _text_option("--target", "structure.opt_target", "N")]
DirectionOption = Annotated[
    str | None, _text_option("--direction", "structure.opt_direction", "WORD")
]
ForceRemoveOption = Annotated[bool, typer.Option("--force", help=t("structure.opt_force"))]


def _structure(
    kind: str,
    action: str,
    key: str,
    values: dict[str, str | None],
    *,
    note: str | None,
    expect_version: int | None,
    db: str | None,
    plan: str | None,
    as_: str | None,
    json_output: bool,
    force: bool = False,
) -> None:
    """Run one structure change and print what it changed."""
    from kplan.core.actor import current_actor
    from kplan.core.structure import Edit, edit_plan
    from kplan.store.engine import open_store

    edit = Edit(
        kind,
        action,
        key,
        {name: value for name, value in values.items() if value is not None},
        note=note,
        expect_version=expect_version,
        force=force,
    )
    result = edit_plan(open_store(db, create=False), edit, actor=current_actor(as_, db), plan=plan)
    _print_changes(result, json_output)


def _measure_values(**values: str | None) -> dict[str, str | None]:
    return values


@measure_app.command("add", help=t("structure.cmd_measure_add"))
@reported
def measure_add_command(
    key: MeasureId,
    title: TitleOption = None,
    owner: OwnerOption = None,
    area: AreaOption = None,
    goal: GoalOption = None,
    start: StartOption = None,
    due: DueOption = None,
    description: DescriptionOption = None,
    note: NoteOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Add a measure to the plan."""
    values = _measure_values(
        title=title,
        owner=owner,
        area=area,
        goal=goal,
        start=start,
        due=due,
        description=description,
    )
    _structure(
        "measure",
        "add",
        key,
        values,
        note=note,
        expect_version=None,
        db=db,
        plan=plan,
        as_=as_,
        json_output=json_output,
    )


@measure_app.command("edit", help=t("structure.cmd_measure_edit"))
@reported
def measure_edit_command(
    key: MeasureId,
    title: TitleOption = None,
    owner: OwnerOption = None,
    area: AreaOption = None,
    goal: GoalOption = None,
    start: StartOption = None,
    due: DueOption = None,
    description: DescriptionOption = None,
    situation_public: Annotated[
        bool | None,
        typer.Option(
            "--situation-public/--no-situation-public", help=t("langtime.opt_situation_public")
        ),
    ] = None,
    note: NoteOption = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Change a measure's fields; an empty text clears an optional one."""
    values = _measure_values(
        title=title,
        owner=owner,
        area=area,
        goal=goal,
        start=start,
        due=due,
        description=description,
    )
    if situation_public is not None:
        values["situation_public"] = "true" if situation_public else "false"
    _structure(
        "measure",
        "edit",
        key,
        values,
        note=note,
        expect_version=expect_version,
        db=db,
        plan=plan,
        as_=as_,
        json_output=json_output,
    )


@measure_app.command("remove", help=t("structure.cmd_measure_remove"))
@reported
def measure_remove_command(
    key: MeasureId,
    force: ForceRemoveOption = False,
    note: NoteOption = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Remove a measure with its collaborations and indicators."""
    _structure(
        "measure",
        "remove",
        key,
        {},
        note=note,
        expect_version=expect_version,
        db=db,
        plan=plan,
        as_=as_,
        json_output=json_output,
        force=force,
    )


@collab_app.command("add", help=t("structure.cmd_collab_add"))
@reported
def collab_add_command(
    key: CollabId,
    measure: OfMeasureOption = None,
    name: NameOption = None,
    actors: ActorsOption = None,
    step: StepOption = None,
    collab_note: CollabNoteOption = None,
    note: LogNoteOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Add a collaboration to a measure."""
    values = _measure_values(measure=measure, name=name, actors=actors, step=step, note=collab_note)
    _structure(
        "collaboration",
        "add",
        key,
        values,
        note=note,
        expect_version=None,
        db=db,
        plan=plan,
        as_=as_,
        json_output=json_output,
    )


@collab_app.command("edit", help=t("structure.cmd_collab_edit"))
@reported
def collab_edit_command(
    key: CollabId,
    measure: OfMeasureOption = None,
    name: NameOption = None,
    actors: ActorsOption = None,
    step: StepOption = None,
    collab_note: CollabNoteOption = None,
    note: LogNoteOption = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Change a collaboration; --measure moves it to another measure."""
    values = _measure_values(measure=measure, name=name, actors=actors, step=step, note=collab_note)
    _structure(
        "collaboration",
        "edit",
        key,
        values,
        note=note,
        expect_version=expect_version,
        db=db,
        plan=plan,
        as_=as_,
        json_output=json_output,
    )


@collab_app.command("remove", help=t("structure.cmd_collab_remove"))
@reported
def collab_remove_command(
    key: CollabId,
    note: LogNoteOption = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Remove a collaboration."""
    _structure(
        "collaboration",
        "remove",
        key,
        {},
        note=note,
        expect_version=expect_version,
        db=db,
        plan=plan,
        as_=as_,
        json_output=json_output,
    )


@indicator_app.command("add", help=t("structure.cmd_indicator_add"))
@reported
def indicator_add_command(
    key: IndicatorId,
    measure: OfMeasureOption = None,
    name: NameOption = None,
    unit: UnitOption = None,
    baseline: BaselineOption = None,
    target: TargetOption = None,
    direction: DirectionOption = None,
    note: NoteOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Add an indicator to a measure."""
    values = _measure_values(
        measure=measure,
        name=name,
        unit=unit,
        baseline=baseline,
        target=target,
        direction=direction,
    )
    _structure(
        "indicator",
        "add",
        key,
        values,
        note=note,
        expect_version=None,
        db=db,
        plan=plan,
        as_=as_,
        json_output=json_output,
    )


@indicator_app.command("fetch", help=t("stats.cmd_fetch"))
@reported
def indicator_fetch_command(
    indicators: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[INDICATOR]...",
            help=t("stats.arg_indicators"),
            show_default=False,
            autocompletion=completion.indicators,
        ),
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option("--from-file", metavar="FILE", help=t("stats.opt_from_file"), readable=False),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=t("stats.opt_dry_run"))] = False,
    timeout: Annotated[
        float,
        typer.Option("--timeout", metavar="SECONDS", help=t("stats.opt_timeout")),
    ] = 30.0,
    url: Annotated[
        str | None,
        typer.Option("--url", metavar="URL", help=t("stats.opt_url"), show_default=False),
    ] = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Read the indicators' sources (PxWeb, Kolada) and record the values that changed."""
    from kplan.core.actor import current_actor
    from kplan.core.queries import load
    from kplan.core.statistics import fetch
    from kplan.present import summary, terminal
    from kplan.store.engine import open_store

    store = open_store(db, create=False)
    found = fetch(
        store,
        load(store, plan),
        indicators or [],
        actor=current_actor(as_, db),
        from_file=from_file,
        dry_run=dry_run,
        timeout=timeout,
        url=url,
    )
    if json_output:
        _print_json(summary.fetch_json(found))
    else:
        terminal.fetch_result(found)


@indicator_app.command("edit", help=t("structure.cmd_indicator_edit"))
@reported
def indicator_edit_command(
    key: IndicatorId,
    measure: OfMeasureOption = None,
    name: NameOption = None,
    unit: UnitOption = None,
    baseline: BaselineOption = None,
    target: TargetOption = None,
    direction: DirectionOption = None,
    note: NoteOption = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Change an indicator; --measure moves it to another measure."""
    values = _measure_values(
        measure=measure,
        name=name,
        unit=unit,
        baseline=baseline,
        target=target,
        direction=direction,
    )
    _structure(
        "indicator",
        "edit",
        key,
        values,
        note=note,
        expect_version=expect_version,
        db=db,
        plan=plan,
        as_=as_,
        json_output=json_output,
    )


@indicator_app.command("remove", help=t("structure.cmd_indicator_remove"))
@reported
def indicator_remove_command(
    key: IndicatorId,
    note: NoteOption = None,
    expect_version: ExpectOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Remove an indicator with its values."""
    _structure(
        "indicator",
        "remove",
        key,
        {},
        note=note,
        expect_version=expect_version,
        db=db,
        plan=plan,
        as_=as_,
        json_output=json_output,
    )


def _date(value: str | None) -> Any:

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidValueError(t("opt.bad_date", value=value)) from None


@plan_app.command("show", help=t("settings.cmd_show"))
@reported
def plan_show_command(
    db: DbOption = None, plan: PlanOption = None, json_output: JsonOption = False
) -> None:
    """Show the plan's settings."""
    from kplan.core.settings import show_plan
    from kplan.present import summary, terminal
    from kplan.store.engine import open_store

    settings = summary.plan_settings(show_plan(open_store(db, create=False), plan))
    if json_output:
        _print_json(settings)
    else:
        terminal.plan_settings(settings)


@plan_app.command("edit", help=t("settings.cmd_edit"))
@reported
def plan_edit_command(
    title: Annotated[str | None, _text_option("--title", "settings.opt_title")] = None,
    start: Annotated[str | None, _text_option("--start", "settings.opt_start", "DATE")] = None,
    end: Annotated[str | None, _text_option("--end", "settings.opt_end", "DATE")] = None,
    description: Annotated[
        str | None, _text_option("--description", "settings.opt_description")
    ] = None,
    coordinators: Annotated[
        str | None, _text_option("--coordinators", "settings.opt_coordinators", "ID,ID")
    ] = None,
    edit: Annotated[str | None, _text_option("--edit", "settings.opt_edit", "open|owners")] = None,
    ladder_question: Annotated[
        list[str] | None,
        _text_option("--ladder-question", "settings.opt_ladder_question", "N=TEXT"),
    ] = None,
    language: Annotated[
        str | None, _text_option("--language", "langtime.opt_language", "sv|en")
    ] = None,
    timezone: Annotated[
        str | None, _text_option("--timezone", "langtime.opt_timezone", "ZONE")
    ] = None,
    public: Annotated[
        bool | None, typer.Option("--public/--no-public", help=t("langtime.opt_public"))
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=t("settings.opt_force"))] = False,
    note: NoteOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Change the plan's settings; an empty text clears an optional one."""
    from kplan.core.actor import current_actor
    from kplan.core.settings import SettingsEdit, edit_settings
    from kplan.store.engine import open_store

    given = {
        "title": title,
        "start": start,
        "end": end,
        "description": description,
        "coordinators": coordinators,
        "edit": edit,
        "language": language,
        "timezone": timezone,
        "public": None if public is None else ("true" if public else "false"),
    }
    wanted = SettingsEdit(
        {name: value for name, value in given.items() if value is not None},
        list(ladder_question or []),
        note=note,
        force=force,
    )
    result = edit_settings(
        open_store(db, create=False), wanted, actor=current_actor(as_, db), plan=plan
    )
    _print_changes(result, json_output)


@round_app.command("open", help=t("cmd.round_open"))
@reported
def round_open_command(
    name: Annotated[str, typer.Argument(metavar="NAME", help=t("arg.round_name"))],
    due: Annotated[str | None, typer.Option("--due", metavar="DATE", help=t("opt.due"))] = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
) -> None:
    """Open a follow-up round."""
    from kplan.core.actor import current_actor
    from kplan.core.rounds import open_round
    from kplan.store.engine import open_store

    day = _date(due)
    opened = open_round(
        open_store(db, create=False), name, actor=current_actor(as_, db), due=day, plan=plan
    )
    key = "round.opened_due" if day else "round.opened"
    output.say(t(key, name=opened, due=day))


@round_app.command("report", help=t("cmd.round_report"))
@reported
def round_report_command(
    measure: Annotated[
        str,
        typer.Argument(
            metavar="MEASURE", help=t("arg.measure"), autocompletion=completion.measures
        ),
    ],
    note: NoteOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
) -> None:
    """Mark a measure reported in the open round."""
    from kplan.core.actor import current_actor
    from kplan.core.rounds import report
    from kplan.store.engine import open_store

    name = report(
        open_store(db, create=False), measure, actor=current_actor(as_, db), note=note, plan=plan
    )
    output.say(t("round.reported", measure=measure, name=name))


@round_app.command("status", help=t("cmd.round_status"))
@reported
def round_status_command(
    db: DbOption = None, plan: PlanOption = None, json_output: JsonOption = False
) -> None:
    """Where the open round stands, per owner."""
    from kplan.core import rounds
    from kplan.present import terminal
    from kplan.store.engine import open_store

    result = rounds.status(open_store(db, create=False), plan)
    if json_output:
        _print_json(result)
    else:
        terminal.round_status(result)


@round_app.command("list", help=t("year.cmd_round_list"))
@reported
def round_list_command(
    db: DbOption = None,
    plan: PlanOption = None,
    json_output: JsonOption = False,
    jsonl_output: JsonlOption = False,
) -> None:
    """Every round of the plan, open or closed."""
    from kplan.core import rounds
    from kplan.present import terminal
    from kplan.store.engine import open_store

    _one_json_form(json_output, jsonl_output)
    result = rounds.listing(open_store(db, create=False), plan)
    if json_output:
        _print_json(result)
    elif jsonl_output:
        output.json_lines(result)
    else:
        terminal.rounds_table(result)


@round_app.command("show", help=t("year.cmd_round_show"))
@reported
def round_show_command(
    name: Annotated[
        str,
        typer.Argument(metavar="NAME", help=t("year.arg_round"), autocompletion=completion.rounds),
    ],
    db: DbOption = None,
    plan: PlanOption = None,
    json_output: JsonOption = False,
) -> None:
    """One round, open or closed: its reports with their notes and what changed."""
    from kplan.core import rounds
    from kplan.core.queries import load
    from kplan.present import terminal
    from kplan.present.labels import PlanNames
    from kplan.store.engine import open_store

    store = open_store(db, create=False)
    result = rounds.show(store, name, plan)
    if json_output:
        _print_json(result)
    else:
        terminal.round_detail(result, PlanNames.of(load(store, plan)))


@round_app.command("close", help=t("cmd.round_close"))
@reported
def round_close_command(
    force: Annotated[bool, typer.Option("--force", help=t("opt.force"))] = False,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
) -> None:
    """Close the open round into a snapshot."""
    from kplan.core.actor import current_actor
    from kplan.core.rounds import close_round
    from kplan.store.engine import open_store

    name = close_round(
        open_store(db, create=False), actor=current_actor(as_, db), force=force, plan=plan
    )
    output.say(t("round.closed", name=name))


@snapshot_app.command("take", help=t("cmd.snapshot_take"))
@reported
def snapshot_take_command(
    name: Annotated[str, typer.Argument(metavar="NAME", help=t("arg.snapshot_name"))],
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
) -> None:
    """Take a snapshot now."""
    from kplan.core import snapshots
    from kplan.core.actor import current_actor
    from kplan.store.engine import open_store

    taken = snapshots.take(
        open_store(db, create=False), name, actor=current_actor(as_, db), plan=plan
    )
    output.say(t("snapshot.taken", name=taken))


@snapshot_app.command("list", help=t("cmd.snapshot_list"))
@reported
def snapshot_list_command(
    db: DbOption = None,
    plan: PlanOption = None,
    json_output: JsonOption = False,
    jsonl_output: JsonlOption = False,
) -> None:
    """The plan's snapshots, oldest first."""
    from kplan.core import snapshots
    from kplan.present import terminal
    from kplan.store.engine import open_store

    _one_json_form(json_output, jsonl_output)
    found = snapshots.listing(open_store(db, create=False), plan)
    rows = [
        {
            "name": s.name,
            "taken_at": s.taken_at.isoformat().replace("+00:00", "Z"),
            "taken_by": s.taken_by,
            "measures": s.measures,
        }
        for s in found
    ]
    if json_output:
        _print_json(rows)
    elif jsonl_output:
        output.json_lines(rows)
    else:
        terminal.snapshots_table(rows)


@snapshot_app.command("delete", help=t("cmd.snapshot_delete"))
@reported
def snapshot_delete_command(
    name: Annotated[str, typer.Argument(metavar="NAME", help=t("arg.snapshot_name"))],
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
) -> None:
    """Delete a snapshot."""
    from kplan.core import snapshots
    from kplan.core.actor import current_actor
    from kplan.store.engine import open_store

    snapshots.delete(open_store(db, create=False), name, actor=current_actor(as_, db), plan=plan)
    output.say(t("snapshot.deleted", name=name))


PersonArgument = Annotated[
    str,
    typer.Argument(metavar="ID", help=t("people.arg_person"), autocompletion=completion.owners),
]
OrgArgument = Annotated[str, typer.Argument(metavar="ID", help=t("people.arg_org"))]
PersonNameOption = Annotated[
    str | None, typer.Option("--name", metavar="TEXT", help=t("people.opt_name"))
]
OrganisationOption = Annotated[
    str | None,
    typer.Option("--organisation", metavar="ID", help=t("people.opt_organisation")),
]
EmailOption = Annotated[
    str | None, typer.Option("--email", metavar="ADDRESS", help=t("people.opt_email"))
]
KindOption = Annotated[
    str | None, typer.Option("--kind", metavar="KIND", help=t("people.opt_kind"))
]


RequiredNameOption = Annotated[
    str, typer.Option("--name", metavar="TEXT", help=t("people.opt_name"))
]


def _people(
    operation: str,
    key: str,
    values: dict[str, str | None],
    *,
    note: str | None,
    db: str | None,
    plan: str | None,
    as_: str | None,
    json_output: bool,
) -> None:
    """Run one of kplan.core.people's add and edit operations and print what it changed."""
    from kplan.core import people
    from kplan.core.actor import current_actor
    from kplan.store.engine import open_store

    run = getattr(people, operation)
    result = run(
        open_store(db, create=False),
        key,
        **values,
        actor=current_actor(as_, db),
        plan=plan,
        note=note,
    )
    _print_changes(result, json_output)


@person_app.command("add", help=t("people.cmd_person_add"))
@reported
def person_add_command(
    key: PersonArgument,
    name: RequiredNameOption,
    organisation: OrganisationOption = None,
    email: EmailOption = None,
    note: NoteOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Add a person to the plan."""
    values = {"name": name, "organisation": organisation, "email": email}
    _people(
        "add_person", key, values, note=note, db=db, plan=plan, as_=as_, json_output=json_output
    )


@person_app.command("edit", help=t("people.cmd_person_edit"))
@reported
def person_edit_command(
    key: PersonArgument,
    name: PersonNameOption = None,
    organisation: OrganisationOption = None,
    email: EmailOption = None,
    note: NoteOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Change a person's name, organisation or e-mail address."""
    values = {"name": name, "organisation": organisation, "email": email}
    _people(
        "edit_person", key, values, note=note, db=db, plan=plan, as_=as_, json_output=json_output
    )


@org_app.command("add", help=t("people.cmd_org_add"))
@reported
def org_add_command(
    key: OrgArgument,
    name: RequiredNameOption,
    kind: KindOption = None,
    note: NoteOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Add an organisation to the plan."""
    values = {"name": name, "kind": kind}
    _people(
        "add_organisation",
        key,
        values,
        note=note,
        db=db,
        plan=plan,
        as_=as_,
        json_output=json_output,
    )


@org_app.command("edit", help=t("people.cmd_org_edit"))
@reported
def org_edit_command(
    key: OrgArgument,
    name: PersonNameOption = None,
    kind: KindOption = None,
    note: NoteOption = None,
    db: DbOption = None,
    plan: PlanOption = None,
    as_: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Change an organisation's name or kind."""
    values = {"name": name, "kind": kind}
    _people(
        "edit_organisation",
        key,
        values,
        note=note,
        db=db,
        plan=plan,
        as_=as_,
        json_output=json_output,
    )


RoleArgument = Annotated[str, typer.Argument(metavar="ROLE", help=t("arg.role"))]


@postgres_app.command("grant", help=t("cmd.postgres_grant"))
@reported
def postgres_grant_command(
    role: RoleArgument,
    person: Annotated[
        str | None, typer.Option("--owner", metavar="ID", help=t("opt.person"))
    ] = None,
    delegate: Annotated[bool, typer.Option("--delegate", help=t("opt.delegate"))] = False,
    db: DbOption = None,
) -> None:
    """Let a database role use the store."""
    from kplan.store.engine import open_store
    from kplan.store.postgres_rules import grant, require_server

    require_server(db)
    granted = grant(open_store(db, create=False), role, person=person, delegate=delegate)
    if granted.delegate:
        output.say(
            t(
                "postgres.granted_delegate",
                role=granted.role,
                person=granted.person,
                group=granted.group,
            )
        )
    else:
        output.say(t("postgres.granted", role=granted.role, person=granted.person))


@postgres_app.command("revoke", help=t("cmd.postgres_revoke"))
@reported
def postgres_revoke_command(role: RoleArgument, db: DbOption = None) -> None:
    """Take a role's use of the store away."""
    from kplan.store.engine import open_store
    from kplan.store.postgres_rules import require_server, revoke

    require_server(db)
    revoke(open_store(db, create=False), role)
    output.say(t("postgres.revoked", role=role))


@postgres_app.command("list", help=t("cmd.postgres_list"))
@reported
def postgres_list_command(
    db: DbOption = None, json_output: JsonOption = False, jsonl_output: JsonlOption = False
) -> None:
    """The roles that may use the store."""
    from kplan.present import terminal
    from kplan.store.engine import open_store
    from kplan.store.postgres_rules import grantees, require_server

    _one_json_form(json_output, jsonl_output)
    require_server(db)
    rows = [
        {"role": g.role, "person": g.person, "delegate": g.delegate}
        for g in grantees(open_store(db, create=False))
    ]
    if json_output:
        _print_json(rows)
    elif jsonl_output:
        output.json_lines(rows)
    else:
        terminal.grantees_table(rows)


@app.command("diff", help=t("cmd.diff"))
@reported
def diff_command(
    first: Annotated[str, typer.Argument(metavar="A", help=t("arg.snapshot_a"))],
    second: Annotated[
        str | None, typer.Argument(metavar="B", help=t("arg.snapshot_b"), show_default=False)
    ] = None,
    db: DbOption = None,
    plan: PlanOption = None,
    json_output: JsonOption = False,
) -> None:
    """What changed between two snapshots, or since one."""
    from kplan.core import snapshots
    from kplan.present import terminal
    from kplan.present.labels import PlanNames
    from kplan.store.engine import open_store

    store = open_store(db, create=False)
    if json_output:
        _print_json(snapshots.diff(store, first, second, plan))
        return
    explained = snapshots.explained_diff(store, first, second, plan)
    terminal.diff_report(explained.result, PlanNames.of(explained.old, explained.new))


@app.command("trend", help=t("trend.cmd"))
@reported
def trend_command(
    snapshot: Annotated[
        list[str] | None,
        typer.Option(
            "--snapshot",
            metavar="NAME",
            help=t("trend.opt_snapshot"),
        ),
    ] = None,
    db: DbOption = None,
    plan: PlanOption = None,
    json_output: JsonOption = False,
) -> None:
    """The plan across the years: one column per year's last snapshot, or per named snapshot."""
    from kplan.core import trend
    from kplan.present import terminal
    from kplan.store.engine import open_store

    result = trend.trend(open_store(db, create=False), plan, snapshot)
    if json_output:
        _print_json(result)
    else:
        terminal.trend_report(result)


@app.command("compare", help=t("compare.cmd"))
@reported
def compare_command(
    plans: Annotated[
        list[str] | None,
        typer.Argument(metavar="PLAN...", help=t("compare.arg_plans"), show_default=False),
    ] = None,
    files: Annotated[
        list[Path] | None,
        # kplan reads the files itself: a missing one is one line and exit 1.
        typer.Option("--file", metavar="FILE", readable=False, help=t("compare.opt_file")),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", metavar="FORMAT", help=t("compare.opt_format")),
    ] = "text",
    output_file: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help=t("opt.output"), readable=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=t("opt.force_output"))] = False,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Several plans side by side: from the store and from other regions' JSON exports."""
    from kplan.core import compare
    from kplan.core.actor import now
    from kplan.present import exports, terminal
    from kplan.store.engine import open_store
    from kplan.store.files import check_target, is_stdout, write_text

    fmt = exports.check_compare_format(fmt)
    if json_output:
        if fmt not in ("text", "json"):
            raise UsageError(t("compare.json_and_format", format=fmt))
        fmt = "json"
    plan_ids = list(plans or [])
    paths = list(files or [])
    if len(plan_ids) + len(paths) < 2:
        raise UsageError(t("compare.too_few"))
    target = None
    if output_file is not None and not is_stdout(output_file):
        target = check_target(
            output_file,
            location=db,
            force=force,
            confirm=_confirm_overwrite,
            example=f"compare.{'txt' if fmt == 'text' else fmt}",
            spare_stores=True,
        )
    store = open_store(db, create=False) if plan_ids else None
    result = compare.compare(store, plan_ids, paths)
    if fmt == "text" and target is None:
        terminal.compare_report(result)
        return
    if fmt == "text":
        text = terminal.compare_plain(result)
    else:
        text = exports.compare_text(result, fmt, generated_at=now())
    if target is None:
        output.document(text)
        return
    write_text(target, text)
    output.notice(t("compare.written", path=target.path))


def _counts(plans: int, events: int) -> str:
    plans_text = t("backup.plans_one") if plans == 1 else t("backup.plans", count=plans)
    events_text = t("backup.events_one") if events == 1 else t("backup.events", count=events)
    return f"{plans_text}, {events_text}"


def _interactive() -> bool:
    """Whether someone at a terminal can answer a question."""
    return sys.stdin.isatty()


def _confirm_overwrite(path: Path) -> bool | None:
    """Ask at a terminal whether to replace ``path``; None when nobody can be asked.

    The question goes to standard error, so it never mixes with output.
    """
    if not _interactive():
        return None
    return output.confirm(t("files.question", path=path), on_stderr=True)


@app.command("backup", help=t("cmd.backup"))
@reported
def backup_command(
    file: Annotated[
        Path, typer.Argument(metavar="FILE|-", help=t("arg.backup_file"), readable=False)
    ],
    force: Annotated[bool, typer.Option("--force", help=t("opt.force_backup"))] = False,
    db: DbOption = None,
) -> None:
    """Copy the store to FILE."""
    from kplan.store.backup import backup, backup_to, store_file
    from kplan.store.files import is_stdout

    if is_stdout(file):
        if sys.stdout.isatty():
            raise UsageError(t("files.stdout_terminal"))
        try:
            copy = backup_to(db, sys.stdout.buffer)
        except OSError as exc:
            output.standard_output_failed(exc)
        shown = t("files.stdout")
    else:
        copy = backup(db, file, force=force, confirm=_confirm_overwrite)
        shown = str(file)
    counts = _counts(copy.plans, copy.events)
    message = t("backup.done", store=store_file(db, "backup"), path=shown, counts=counts)
    # With the copy on standard output, what was done is said on standard error.
    if is_stdout(file):
        output.notice(message)
    else:
        output.say(message)


@app.command("restore", help=t("cmd.restore"))
@reported
def restore_command(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help=t("arg.restore_file"), readable=False)
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help=t("opt.yes"))] = False,
    db: DbOption = None,
    as_: AsOption = None,
) -> None:
    """Put a copy back as the store."""
    from kplan.core.actor import current_actor
    from kplan.core.backups import plan_restore
    from kplan.store.backup import restore, store_file
    from kplan.store.engine import open_store

    # A server store is refused before working out who acts connects to it.
    store_file(db, "restore")
    planned = plan_restore(db, file, actor=current_actor(as_, db))
    if not yes:
        if not _interactive():
            raise UsageError(t("restore.needs_yes"))
        new_counts = _counts(planned.source.plans, planned.source.events)
        if planned.current is not None:
            counts = _counts(planned.current.plans, planned.current.events)
            question = t(
                "restore.confirm",
                store=planned.store,
                counts=counts,
                path=file,
                new_counts=new_counts,
            )
        elif planned.replaces == "damaged":
            question = t(
                "restore.confirm_damaged", store=planned.store, path=file, new_counts=new_counts
            )
        else:
            question = t(
                "restore.confirm_new", store=planned.store, path=file, new_counts=new_counts
            )
        if not output.confirm(question):
            raise KplanError(t("restore.declined"))
    result = restore(planned)
    output.say(
        t(
            "restore.done",
            path=file,
            store=result.store,
            counts=_counts(result.restored.plans, result.restored.events),
        )
    )
    if result.kept is not None:
        output.say(t("restore.kept", kept=result.kept))
    # A copy of an older schema is upgraded now, while the person is here to read about it.
    open_store(db, create=False).close()


def _keep_only_the_invoked_command(argv: list[str]) -> None:
    """Leave the app holding just the command named on the line, when one is.

    Typer builds the parser of every command of an app on every start, which
    for kplan's thirty costs more than most commands' own work. A command
    named as the first argument is all the run needs; anything else (no
    command, an option first, an unknown name, shell completion) keeps the
    whole app, so help, errors and completion are unchanged.
    """

    if len(argv) < 2 or os.environ.get("_KPLAN_COMPLETE"):
        return
    name = argv[1]
    commands = [info for info in app.registered_commands if info.name == name]
    groups = [info for info in app.registered_groups if info.name == name]
    if len(commands) + len(groups) == 1:
        app.registered_commands = commands
        app.registered_groups = groups


def main() -> None:
    """The ``kplan`` entry point: run the app; no traceback reaches the user."""

    output.reset_interrupted()
    output.ensure_standard_streams()
    try:
        _keep_only_the_invoked_command(sys.argv)
        # Not standalone, so Click's own messages (usage errors) come back
        # here and are written through kplan.present.output like everything else.
        code = app(standalone_mode=False)
        if code == EXIT_INTERRUPTED:
            # Ctrl-C while Typer read the arguments, before a command ran:
            # Typer makes it this code without a word. (Said once only.)
            output.interrupted(t("cli.interrupted"))
    except (KeyboardInterrupt, typer.Abort):
        output.interrupted(t("cli.interrupted"))
        sys.exit(EXIT_INTERRUPTED)
    except SystemExit as exit:
        # Click ends a command whose reader went away with exit 1 and no word,
        # after wrapping standard output so the last flush cannot fail; that
        # is a closed pipe too (help text into ``| head``).
        if exit.code == 1 and type(sys.stdout).__name__ == "PacifyFlushWrapper":
            output.closed_pipe()
        _flush_standard_output()
        raise
    except BrokenPipeError:
        output.closed_pipe()
    except OSError as exc:
        # Click's own writes (help, a usage line) to a standard output that
        # fails (a full disk): said as kplan's writes say it. Anything else
        # is a bug, below.
        if _written_by_click(exc):
            output.error(output.output_failed(exc).message)
            sys.exit(1)
        _internal_error(exc)
    except KplanError as error:
        # Outside a command (plain kplan, its help): said as a command would.
        output.error(error.message)
        sys.exit(error.exit_code)
    except Exception as exc:
        if _is_usage_error(exc):
            _show_usage_error(exc)
        _internal_error(exc)
    _flush_standard_output()
    sys.exit(code if isinstance(code, int) else 0)


def _internal_error(exc: Exception) -> NoReturn:

    if os.environ.get("KPLAN_DEBUG"):
        raise exc
    output.notice(t("cli.internal_error", error=f"{type(exc).__name__}: {exc}"))
    sys.exit(70)


def _written_by_click(exc: BaseException) -> bool:
    """Whether ``exc`` came from Click's ``echo``, which writes only to the standard streams."""
    trace = exc.__traceback__
    while trace is not None:
        code = trace.tb_frame.f_code
        if code.co_name == "echo" and "click" in code.co_filename:
            return True
        trace = trace.tb_next
    return False


def _is_usage_error(exc: Exception) -> bool:
    # Click's ClickException (a usage error, a bad parameter), whichever
    # Click Typer brings: it knows how to show itself and its exit code.
    return callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int)


def _show_usage_error(exc: Any) -> None:

    # Click's words quote the arguments as typed; they are shown safely.
    words = io.StringIO()
    exc.show(file=words)
    output.notice(words.getvalue().rstrip("\n"))
    sys.exit(exc.exit_code)


def _flush_standard_output() -> None:
    # What is still buffered goes out now, while a closed pipe can be told
    # apart from an error; at exit Python would report it as one.
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        output.closed_pipe()
    except OSError as exc:
        # A full disk behind a redirection: one line, not an internal error.
        output.error(output.output_failed(exc).message)
        sys.exit(1)
