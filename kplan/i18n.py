"""Every string kplan shows a person, in English and Swedish.

The language is chosen, first to last, by:

1. ``--lang sv|en`` on the command line (:func:`choose`);
2. ``KPLAN_LANG`` (``sv...`` is Swedish, anything else English);
3. the plan's own ``language``, for what is written for the plan's readers
   (exports and reports: :func:`for_plan`);
4. the locale: ``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` starting with ``sv``;
5. English.

Domain words that belong to a plan (its perspectives, its ladder labels)
come from the plan, not from here.
"""

from __future__ import annotations

import os
import string
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kplan.safetext import visible

LANGUAGES = ("en", "sv")

# key: (English, Swedish)
CATALOGUE: dict[str, tuple[str, str]] = {
    # The command line
    "cli.help": (
        "kplan follows up a regional action plan: measures, process owners, the "
        "cross-cutting perspectives, the Fyra P method and the collaboration ladder.",
        "kplan följer upp en regional handlingsplan: åtgärder, processansvariga, de "
        "genomsyrande perspektiven, Fyra P-metoden och samverkanstrappan.",
    ),
    "cli.error": ("kplan: error: {message}", "kplan: fel: {message}"),
    "cli.yes_no": ("[y/N] ", "[j/N] "),
    "cli.internal_error": (
        "kplan: internal error ({error}). Set KPLAN_DEBUG=1 for details and please report it.",
        "kplan: internt fel ({error}). Sätt KPLAN_DEBUG=1 för detaljer och rapportera gärna felet.",
    ),
    "cli.interrupted": (
        "kplan: interrupted. A command's changes are saved whole or not at all; "
        "`kplan log` shows whether this one's were.",
        "kplan: avbrutet. Ett kommandos ändringar sparas helt eller inte alls; "
        "`kplan log` visar om det här kommandots ändringar sparades.",
    ),
    "cmd.init": (
        "Create the store (other commands create it on demand too).",
        "Skapa lagret (övriga kommandon skapar det vid behov).",
    ),
    "cmd.import": (
        "Load a plan file; a plan that exists is updated to the file's content.",
        "Läs in en planfil; en plan som redan finns uppdateras till filens innehåll.",
    ),
    "cmd.plans": ("List the plans in the store.", "Lista planerna i lagret."),
    "cmd.list": ("List the plan's measures.", "Lista planens åtgärder."),
    "cmd.show": (
        "Show everything about one measure, with its recent events.",
        "Visa allt om en åtgärd, med dess senaste händelser.",
    ),
    "cmd.status": (
        "Set a measure's status and/or progress.",
        "Sätt en åtgärds status och/eller framsteg.",
    ),
    "cmd.step": (
        "Move a collaboration up or down the ladder.",
        "Flytta en samverkan upp eller ned i trappan.",
    ),
    "cmd.fourp": (
        "Set one Fyra P part of a measure (perspektiv, policy, plattform, process).",
        "Sätt en del av Fyra P för en åtgärd (perspektiv, policy, plattform, process).",
    ),
    "cmd.perspective": (
        "Set how far a cross-cutting perspective is integrated in a measure.",
        "Sätt hur väl ett genomsyrande perspektiv är integrerat i en åtgärd.",
    ),
    "cmd.record": (
        "Record an indicator's value for a period.",
        "Registrera en indikators värde för en period.",
    ),
    "cmd.log": ("Show the event log, newest first.", "Visa händelseloggen, nyaste först."),
    "cmd.export": (
        "Write the plan, or a snapshot, as TOML, JSON, CSV, Markdown, HTML or an Excel workbook (to standard output by default).",
        "Skriv planen, eller en ögonblicksbild, som TOML, JSON, CSV, Markdown, HTML eller en Excel-arbetsbok (till standard ut om inget annat anges).",
    ),
    "opt.db": (
        "The store: an SQLite file or a database URL [default: kplan.db in the user data folder].",
        "Lagret: en SQLite-fil eller en databas-URL [standard: kplan.db i användarens datamapp].",
    ),
    "opt.plan": (
        "The plan's id; needed when the store holds several plans.",
        "Planens id; behövs när lagret har flera planer.",
    ),
    "opt.as": (
        "Who is acting, for the event log [default: KPLAN_USER, else the database user of a server store, else the login name].",
        "Vem som utför ändringen, för loggen [standard: KPLAN_USER, annars databasanvändaren för ett lager på en server, annars inloggningsnamnet].",
    ),
    "opt.as_mine": (
        "Who you are, for --mine [default: KPLAN_USER, else the database user of a server store, else the login name].",
        "Vem du är, för --mine [standard: KPLAN_USER, annars databasanvändaren för ett lager på en server, annars inloggningsnamnet].",
    ),
    "opt.expect_version": (
        "Refuse (exit 3) if the thing changed since you read this version (see show --json).",
        "Vägra (slutkod 3) om det ändrats sedan du läste denna version (se show --json).",
    ),
    "opt.json": ("Print JSON only.", "Skriv endast JSON."),
    "opt.note": ("A note for the event log.", "En kommentar till händelseloggen."),
    "opt.version": ("Show kplan's version and exit.", "Visa kplans version och avsluta."),
    "opt.dry_run": (
        "Show what would change and write nothing.",
        "Visa vad som skulle ändras utan att skriva något.",
    ),
    "opt.owner": ("Only measures of this owner.", "Endast åtgärder med denna ansvariga."),
    "opt.status_filter": ("Only measures with this status.", "Endast åtgärder med denna status."),
    "opt.step_filter": (
        "Only measures with a collaboration on this ladder step.",
        "Endast åtgärder med en samverkan på detta steg i trappan.",
    ),
    "opt.perspective_filter": (
        "Only measures where this perspective is integrated (partly or yes), or at LEVEL: kön=no lists the gaps.",
        "Endast åtgärder där perspektivet är integrerat (delvis eller ja), eller på nivån LEVEL: kön=no visar luckorna.",
    ),
    "opt.mine": ("Only my measures (owner = --as).", "Endast mina åtgärder (ansvarig = --as)."),
    "opt.events": ("How many recent events to show.", "Hur många senaste händelser som visas."),
    "opt.progress": ("Progress, 0-100.", "Framsteg, 0-100."),
    "opt.since": (
        "Only events from this date or time on (2016-01-31, 2016-01-31T12:00, 7d, 2w, 12h).",
        "Endast händelser från detta datum eller klockslag (2016-01-31, 2016-01-31T12:00, 7d, 2w, 12h).",
    ),
    "opt.limit": ("At most N events; 0 shows all.", "Högst N händelser; 0 visar alla."),
    "opt.output": (
        "Write to FILE instead of standard output.",
        "Skriv till FILE i stället för standard ut.",
    ),
    "arg.plan_file": ("The plan file (TOML).", "Planfilen (TOML)."),
    "arg.measure": ("The measure's id, e.g. 7.", "Åtgärdens id, t.ex. 7."),
    "arg.measure_optional": ("Only events of this measure.", "Endast händelser för denna åtgärd."),
    "arg.status": (
        "not-started, ongoing, delayed, done or cancelled (Swedish words work too).",
        "not-started, ongoing, delayed, done eller cancelled (även ej-påbörjad, påbörjad, försenad, genomförd, avförd).",
    ),
    "arg.collaboration": ("The collaboration's id.", "Samverkans id."),
    "arg.step": (
        "The new step (1 to the number of steps of the plan's ladder), or up, down, +N, -N to move from the current step.",
        "Det nya steget (1 till antalet steg i planens trappa), eller up, down, +N, -N för att flytta från nuvarande steg.",
    ),
    "arg.four_p_part": (
        "perspektiv, policy, plattform or process.",
        "perspektiv, policy, plattform eller process.",
    ),
    "arg.four_p_state": ("not-started, ongoing or done.", "not-started, ongoing eller done."),
    "arg.perspective": (
        "One of the plan's cross-cutting perspectives.",
        "Ett av planens genomsyrande perspektiv.",
    ),
    "arg.level": ("no, partly or yes.", "no, partly eller yes (även nej, delvis, ja)."),
    "arg.indicator": ("The indicator's id.", "Indikatorns id."),
    "arg.period": (
        "The period: 2015, 2015-03, 2015-T2, 2015-Q1 or 2015-H1.",
        "Perioden: 2015, 2015-03, 2015-T2, 2015-Q1 eller 2015-H1.",
    ),
    "arg.value": ("The value, a number.", "Värdet, ett tal."),
    # Results
    "init.done": ("Store ready at {path}", "Lagret finns på {path}"),
    "import.created": (
        "Imported plan {plan}: {measures} {measures:|measure|measures}, {owners} {owners:|owner|owners}.",
        "Planen {plan} inläst: {measures} {measures:|åtgärd|åtgärder}, {owners} ansvariga.",
    ),
    "import.would_create": (
        "Would import new plan {plan}: {measures} {measures:|measure|measures}, {owners} {owners:|owner|owners}. Nothing written (dry run).",
        "Skulle läsa in den nya planen {plan}: {measures} {measures:|åtgärd|åtgärder}, {owners} ansvariga. Inget skrevs (provkörning).",
    ),
    "import.changed": (
        "Updated plan {plan}: {count} {count:|change|changes}.",
        "Planen {plan} uppdaterad: {count} {count:|ändring|ändringar}.",
    ),
    "import.changed_one": (
        "Updated plan {plan}: 1 change.",
        "Planen {plan} uppdaterad: 1 ändring.",
    ),
    "import.would_change_one": (
        "Would update plan {plan} with 1 change. Nothing written (dry run):",
        "Skulle uppdatera planen {plan} med 1 ändring. Inget skrevs (provkörning):",
    ),
    "import.would_change": (
        "Would update plan {plan} with {count} {count:|change|changes}. Nothing written (dry run):",
        "Skulle uppdatera planen {plan} med {count} {count:|ändring|ändringar}. Inget skrevs (provkörning):",
    ),
    "import.unchanged": (
        "Plan {plan} is already up to date; nothing changed.",
        "Planen {plan} är redan aktuell; inget ändrades.",
    ),
    "event.imported_from": ("imported from {source}", "inläst från {source}"),
    "change.nothing": (
        "Nothing changed: the values were already set.",
        "Inget ändrades: värdena var redan satta.",
    ),
    "change.added": ("added {kind} {key}", "ny {kind}: {key}"),
    "change.removed": ("removed {kind} {key}", "borttagen {kind}: {key}"),
    "export.written": ("Wrote {path}", "Skrev {path}"),
    "plans.none": (
        "No plans in the store yet. Load one with: kplan import FILE",
        "Inga planer i lagret ännu. Läs in en med: kplan import FILE",
    ),
    "log.none": ("No events.", "Inga händelser."),
    "list.title": (
        "{plan}: {shown} of {total} {total:|measure|measures}",
        "{plan}: {shown} av {total} {total:|åtgärd|åtgärder}",
    ),
    "list.summary": (
        "Whole plan: {statuses}   Fyra P done: {four_p}%   Integrated: {coverage}",
        "Hela planen: {statuses}   Fyra P klart: {four_p}%   Integrerat: {coverage}",
    ),
    "list.legend": (
        "● done/yes  ◐ ongoing/partly  ○ not started/no   Fyra P: Perspektiv Policy Plattform Process",
        "● klar/ja  ◐ pågår/delvis  ○ ej påbörjad/nej   Fyra P: Perspektiv Policy Plattform Process",
    ),
    "show.four_p": ("Fyra P", "Fyra P"),
    "show.perspectives": ("Cross-cutting perspectives", "Genomsyrande perspektiv"),
    "show.collaborations": ("Collaborations", "Samverkan"),
    "show.indicators": ("Indicators", "Indikatorer"),
    "show.events": ("Recent events", "Senaste händelser"),
    "show.none": ("none", "inga"),
    "show.no_values": ("no values yet", "inga värden ännu"),
    "show.step": ("step {step}: {label}", "steg {step}: {label}"),
    # Errors from changes and queries
    "common.did_you_mean": (" Did you mean '{suggestion}'?", " Menade du '{suggestion}'?"),
    "change.unknown": (
        "unknown {kind} '{key}'.{hint} Valid: {valid}",
        "okänd {kind} '{key}'.{hint} Giltiga: {valid}",
    ),
    "change.unknown_none": (
        "unknown {kind} '{key}': the plan has none.",
        "okänd {kind} '{key}': planen har inga.",
    ),
    "change.invalid": (
        "'{value}' is not a valid {what}.{hint} Valid: {valid}",
        "'{value}' är inte en giltig {what}.{hint} Giltiga: {valid}",
    ),
    "change.progress": (
        "progress must be a whole number from 0 to 100, not '{value}'",
        "framsteg måste vara ett heltal från 0 till 100, inte '{value}'",
    ),
    "change.step": (
        "step must be a whole number from 1 to {high}, not '{value}'. Steps: {labels}",
        "steget måste vara ett heltal från 1 till {high}, inte '{value}'. Steg: {labels}",
    ),
    "change.period": (
        "'{period}' is not a period. Use {formats}",
        "'{period}' är ingen period. Använd {formats}",
    ),
    "change.number": ("'{value}' is not a number", "'{value}' är inget tal"),
    "change.conflict": (
        "{kind} {key} has changed since you read it (version {expected}, now {version}){since}; nothing was written.",
        "{kind} {key} har ändrats sedan du läste den (version {expected}, nu {version}){since}; inget skrevs.",
    ),
    "change.conflict_retry": (
        " Look again and retry with --expect-version {version}",
        " Titta igen och försök med --expect-version {version}",
    ),
    "change.conflict_tui": (
        " Close this dialog to see the new state, then edit again.",
        " Stäng dialogen för att se det nya läget och ändra sedan igen.",
    ),
    "change.changed_by": (
        ": last changed by {actor} ({field}: {old} → {new}, {at})",
        ": senast ändrad av {actor} ({field}: {old} → {new}, {at})",
    ),
    "change.step_relative": (
        "cannot move {key} from step {current} by {delta}: the ladder has steps 1 to {high}",
        "kan inte flytta {key} från steg {current} med {delta}: trappan har steg 1 till {high}",
    ),
    "change.unsupported": (
        "cannot change {field} of a {target}",
        "kan inte ändra {field} för {target}",
    ),
    "change.unknown_field": (
        "'{field}' is not a field a change can set; valid: {valid}",
        "'{field}' är inget fält som en ändring kan sätta; giltiga: {valid}",
    ),
    "status.nothing": (
        "give a STATUS, --progress N, or both (e.g. kplan status 7 delayed --progress 30)",
        "ange STATUS, --progress N eller båda (t.ex. kplan status 7 delayed --progress 30)",
    ),
    "clock.bad_now": (
        "KPLAN_NOW={value} is not a date and time from {earliest} to {latest}; use e.g. 2016-03-01T09:00:00Z",
        "KPLAN_NOW={value} är inget datum med klockslag från {earliest} till {latest}; använd t.ex. 2016-03-01T09:00:00Z",
    ),
    "filter.bad_step": (
        "step:{value} is not a step; write a number, e.g. step:2",
        "steg:{value} är inget steg; skriv ett tal, t.ex. steg:2",
    ),
    "log.bad_since": (
        "'{value}' is not a date or time. Use 2016-01-31, 2016-01-31T12:00, or 7d, 2w, 12h",
        "'{value}' är inget datum eller klockslag. Använd 2016-01-31, 2016-01-31T12:00, eller 7d, 2w, 12h",
    ),
    "plan.none": (
        "unknown plan '{wanted}': the store holds no plans. Load one with: kplan import FILE",
        "okänd plan '{wanted}': lagret har inga planer. Läs in en med: kplan import FILE",
    ),
    "plan.unknown": (
        "unknown plan '{wanted}'.{hint} Plans: {valid}",
        "okänd plan '{wanted}'.{hint} Planer: {valid}",
    ),
    "plan.empty_store": (
        "the store holds no plan yet. Load one with: kplan import FILE",
        "lagret har ingen plan ännu. Läs in en med: kplan import FILE",
    ),
    "plan.choose": (
        "the store holds several plans; choose one with --plan ID or KPLAN_PLAN. Plans: {valid}",
        "lagret har flera planer; välj en med --plan ID eller KPLAN_PLAN. Planer: {valid}",
    ),
    "store.locked": (
        "the store {url} stayed locked by another kplan; try again",
        "lagret {url} var låst av en annan kplan för länge; försök igen",
    ),
    "store.unusable": (
        "cannot use the store {url}: {detail}",
        "kan inte använda lagret {url}: {detail}",
    ),
    "store.nul_text": (
        "PostgreSQL cannot store text with a NUL character (\\u0000); nothing was changed. Remove it and try again",
        "PostgreSQL kan inte lagra text med ett NUL-tecken (\\u0000); inget ändrades. Ta bort det och försök igen",
    ),
    "store.is_directory": (
        "the store path {path} is a folder; give a file name, e.g. {example}",
        "lagrets sökväg {path} är en mapp; ange ett filnamn, t.ex. {example}",
    ),
    "store.missing": (
        "no store at {path} yet. Load a plan with: kplan import FILE",
        "inget lager på {path} ännu. Läs in en plan med: kplan import FILE",
    ),
    "store.no_driver": (
        "cannot open {url}: {detail}. For PostgreSQL install kplan with the postgres extra",
        "kan inte öppna {url}: {detail}. För PostgreSQL, installera kplan med tillägget postgres",
    ),
    "store.bad_url": (
        "'{url}' is not a usable database URL: {detail}",
        "'{url}' är ingen användbar databas-URL: {detail}",
    ),
    "store.cannot_create": (
        "cannot create the store {path}: {detail}",
        "kan inte skapa lagret {path}: {detail}",
    ),
    "store.too_new": (
        "the store {url} has schema version {found}, newer than this kplan knows (up to {known}); upgrade kplan to use it",
        "lagret {url} har schemaversion {found}, nyare än denna kplan känner till (högst {known}); uppgradera kplan för att använda det",
    ),
    "store.unknown_revision": (
        "the store {url} is at schema revision {found}, which this kplan does not know (it knows up to {known}): a newer kplan made it; upgrade kplan to use it",
        "lagret {url} har schemarevision {found}, som denna kplan inte känner till (den känner till högst {known}): en nyare kplan har skapat det; uppgradera kplan för att använda det",
    ),
    "store.bad_schema_version": (
        "the store {url} records schema version '{value}', which no kplan writes (this kplan knows 1 to {known})",
        "lagret {url} anger schemaversion '{value}', som ingen kplan skriver (denna kplan känner till 1 till {known})",
    ),
    "store.upgraded": (
        "kplan: upgraded the store {path} from schema version {old} to {new}; the store as it was is kept in {backup}",
        "kplan: uppgraderade lagret {path} från schemaversion {old} till {new}; lagret som det var finns kvar i {backup}",
    ),
    "store.upgraded_in_place": (
        "kplan: upgraded the store {path} from schema version {old} to {new}",
        "kplan: uppgraderade lagret {path} från schemaversion {old} till {new}",
    ),
    "undo.cannot_revert": (
        "{actor}'s last command changed {fields}, which undo cannot revert",
        "{actor}s senaste kommando ändrade {fields}, som inte kan ångras",
    ),
    "permission.coordinators_only": (
        '{actor} may not {action} in plan {plan}: its edit policy is "owners", so only a coordinator ({coordinators}) may',
        '{actor} får inte {action} i plan {plan}: dess ändringsregel är "owners", så bara en samordnare ({coordinators}) får',
    ),
    "permission.round_open": ("open a round", "öppna en omgång"),
    "permission.round_close": ("close the round", "stänga omgången"),
    "permission.snapshot_take": ("take a snapshot", "ta en ögonblicksbild"),
    "permission.snapshot_delete": ("delete a snapshot", "ta bort en ögonblicksbild"),
    "permission.restore": (
        '{actor} may not restore over this store: a restore replaces every plan in it, and plan {plan} has the edit policy "owners", so only its coordinators ({coordinators}) may',
        '{actor} får inte återställa över detta lager: en återställning ersätter alla planer i det, och plan {plan} har ändringsregeln "owners", så bara dess samordnare ({coordinators}) får',
    ),
    "round.name_is_snapshot": (
        "the plan has a snapshot named '{name}', and closing the round takes a snapshot with the round's name; choose another name for the round",
        "planen har en ögonblicksbild som heter '{name}', och när omgången stängs tas en ögonblicksbild med omgångens namn; välj ett annat namn på omgången",
    ),
    "round.snapshot_in_the_way": (
        "cannot close round '{name}': closing takes a snapshot named '{name}', and the plan has one by that name already (taken by {by} at {at}). Keep it if you need it (kplan export --snapshot '{name}' -o FILE), delete it (kplan snapshot delete '{name}') and close again; nothing was written",
        "kan inte stänga omgången '{name}': när den stängs tas en ögonblicksbild som heter '{name}', och planen har redan en med det namnet (tagen av {by} {at}). Spara den om du behöver den (kplan export --snapshot '{name}' -o FIL), ta bort den (kplan snapshot delete '{name}') och stäng igen; inget skrevs",
    ),
    "snapshot.name_is_round": (
        "'{name}' is the name of a round of this plan, whose snapshot is taken under that name when the round closes; choose another name",
        "'{name}' är namnet på en omgång i denna plan, vars ögonblicksbild tas med det namnet när omgången stängs; välj ett annat namn",
    ),
    # Backup and restore
    "cmd.backup": (
        "Copy the store to a file, safely while others use it (SQLite stores).",
        "Kopiera lagret till en fil, säkert medan andra använder det (SQLite-lager).",
    ),
    "cmd.restore": (
        "Put a copy made by kplan backup back as the store, after confirming.",
        "Lägg tillbaka en kopia från kplan backup som lagret, efter bekräftelse.",
    ),
    "arg.backup_file": (
        "The file to write the copy to (- for standard output).",
        "Filen som kopian skrivs till (- för standard ut).",
    ),
    "arg.restore_file": (
        "The copy to restore, made by kplan backup.",
        "Kopian som ska läggas tillbaka, gjord med kplan backup.",
    ),
    "opt.force_backup": (
        "Overwrite FILE if it exists (at a terminal kplan asks instead).",
        "Skriv över FILE om den finns (i en terminal frågar kplan i stället).",
    ),
    "opt.yes": (
        "Do not ask for confirmation (needed outside a terminal).",
        "Fråga inte om bekräftelse (krävs utanför en terminal).",
    ),
    "backup.plans": ("{count} {count:|plan|plans}", "{count} {count:|plan|planer}"),
    "backup.plans_one": ("1 plan", "1 plan"),
    "backup.events": ("{count} {count:|event|events}", "{count} {count:|händelse|händelser}"),
    "backup.events_one": ("1 event", "1 händelse"),
    "backup.not_sqlite": (
        "kplan {command} works on SQLite stores; {url} is a database server: use its own tools, such as pg_dump and pg_restore for PostgreSQL",
        "kplan {command} fungerar för SQLite-lager; {url} är en databasserver: använd dess egna verktyg, som pg_dump och pg_restore för PostgreSQL",
    ),
    "backup.done": (
        "Backed up the store {store} to {path} ({counts}).",
        "Säkerhetskopierade lagret {store} till {path} ({counts}).",
    ),
    "restore.no_file": ("no file {path}", "filen {path} finns inte"),
    "restore.not_a_store": (
        "{path} is not a kplan store ({detail}); give a file made by kplan backup",
        "{path} är inget kplan-lager ({detail}); ange en fil gjord med kplan backup",
    ),
    "restore.no_tables": ("it has no kplan tables", "den saknar kplans tabeller"),
    "restore.too_new": (
        "{path} has schema {found}, newer than this kplan knows (up to {known}); upgrade kplan to restore it",
        "{path} har schema {found}, nyare än denna kplan känner till (högst {known}); uppgradera kplan för att lägga tillbaka den",
    ),
    "restore.same_file": (
        "{path} is the store itself; nothing to restore",
        "{path} är själva lagret; inget att lägga tillbaka",
    ),
    "restore.needs_yes": (
        "kplan restore replaces the whole store and asks first; outside a terminal, pass --yes to confirm",
        "kplan restore ersätter hela lagret och frågar först; utanför en terminal, ange --yes för att bekräfta",
    ),
    "restore.confirm": (
        "Replace the store at {store} ({counts}) with {path} ({new_counts})?",
        "Ersätta lagret {store} ({counts}) med {path} ({new_counts})?",
    ),
    "restore.confirm_damaged": (
        "Replace the store at {store} (not readable) with {path} ({new_counts})?",
        "Ersätta lagret {store} (går inte att läsa) med {path} ({new_counts})?",
    ),
    "restore.confirm_new": (
        "Restore {path} ({new_counts}) as the store at {store}?",
        "Lägga tillbaka {path} ({new_counts}) som lagret {store}?",
    ),
    "restore.declined": (
        "nothing was restored; the store is as it was",
        "inget lades tillbaka; lagret är som det var",
    ),
    "restore.done": (
        "Restored {path} into the store {store} ({counts}).",
        "Lade tillbaka {path} som lagret {store} ({counts}).",
    ),
    "restore.kept": (
        "The store it replaced is kept in {kept}.",
        "Lagret som ersattes finns kvar i {kept}.",
    ),
    "opt.force_output": (
        "Overwrite FILE if it exists (at a terminal kplan asks instead).",
        "Skriv över FILE om den finns (i en terminal frågar kplan i stället).",
    ),
    "backup.changed": (
        "the store {path} changed while it was copied; run kplan backup again",
        "lagret {path} ändrades medan det kopierades; kör kplan backup igen",
    ),
    "restore.foreign_store": (
        "the store path {store} holds a file that is not a kplan store; kplan restore replaces only a kplan store, a damaged one or an empty file. Move that file away, or choose another --db",
        "lagrets sökväg {store} har en fil som inte är ett kplan-lager; kplan restore ersätter bara ett kplan-lager, ett skadat lager eller en tom fil. Flytta undan filen, eller välj en annan --db",
    ),
    "restore.cannot_write": (
        "cannot restore into {store}: {detail}; nothing was changed",
        "kan inte lägga tillbaka i {store}: {detail}; inget ändrades",
    ),
    "store.bad_location": (
        "'{value}' cannot name a store: {detail}. Give a file path, sqlite:///PATH or postgresql://USER@HOST/DATABASE",
        "'{value}' kan inte ange ett lager: {detail}. Ange en sökväg, sqlite:///SÖKVÄG eller postgresql://ANVÄNDARE@VÄRD/DATABAS",
    ),
    "store.unknown_scheme": (
        "cannot open {url}: kplan keeps its store in an SQLite file (a path, or sqlite:///PATH) or a PostgreSQL database (postgresql://...), not in '{scheme}'",
        "kan inte öppna {url}: kplan har sitt lager i en SQLite-fil (en sökväg, eller sqlite:///SÖKVÄG) eller en PostgreSQL-databas (postgresql://...), inte i '{scheme}'",
    ),
    "store.bad_path": (
        "cannot use the store path {path}: {detail}",
        "kan inte använda lagrets sökväg {path}: {detail}",
    ),
    "store.foreign": (
        "cannot use the store {path}: it is an SQLite database without kplan's tables (another program's?), not a kplan store; kplan leaves it as it is. Give the path of a kplan store, or a new file name for kplan init",
        "kan inte använda lagret {path}: det är en SQLite-databas utan kplans tabeller (ett annat programs?), inget kplan-lager; kplan lämnar den som den är. Ange sökvägen till ett kplan-lager, eller ett nytt filnamn för kplan init",
    ),
    "store.not_database": (
        "cannot use the store {path}: it is not an SQLite database, so not a kplan store; kplan leaves it as it is. Give the path of a kplan store, or a new file name for kplan init",
        "kan inte använda lagret {path}: det är ingen SQLite-databas och alltså inget kplan-lager; kplan lämnar filen som den är. Ange sökvägen till ett kplan-lager, eller ett nytt filnamn för kplan init",
    ),
    "store.foreign_server": (
        "cannot use the store {url}: the database holds tables, but not kplan's; kplan creates nothing in it. Give kplan a database of its own",
        "kan inte använda lagret {url}: databasen har tabeller, men inte kplans; kplan skapar inget i den. Ge kplan en egen databas",
    ),
    "store.missing_server": (
        "no kplan store in {url} yet. Create one with kplan init, or load a plan with kplan import FILE",
        "inget kplan-lager i {url} ännu. Skapa ett med kplan init, eller läs in en plan med kplan import FILE",
    ),
    "location.nul": ("it contains a NUL character", "den innehåller ett NUL-tecken"),
    "location.no_home": (
        "~{user} is the home folder of a user '{user}', and there is no such user",
        "~{user} är hemmappen för en användare '{user}', och någon sådan användare finns inte",
    ),
    "location.sqlite_form": (
        "an SQLite URL has three slashes before the path, as in sqlite:///PATH",
        "en SQLite-URL har tre snedstreck före sökvägen, som i sqlite:///SÖKVÄG",
    ),
    "location.memory": (
        "an in-memory database forgets everything when the command ends",
        "en databas i minnet glömmer allt när kommandot är klart",
    ),
    "location.sqlite_query": (
        "an SQLite URL takes no options after '?'; give the path only",
        "en SQLite-URL tar inga val efter '?'; ange bara sökvägen",
    ),
    "location.bad_port": (
        "the port '{port}' is not a number from 1 to 65535",
        "porten '{port}' är inget tal från 1 till 65535",
    ),
    "files.exists": (
        "{path} exists already; choose another file, or pass --force to overwrite it",
        "{path} finns redan; välj en annan fil, eller ange --force för att skriva över den",
    ),
    "files.question": (
        "{path} exists already. Overwrite it?",
        "{path} finns redan. Skriva över den?",
    ),
    "files.declined": (
        "nothing was written; {path} is as it was",
        "inget skrevs; {path} är som den var",
    ),
    "files.cannot_write": ("cannot write {path}: {detail}", "kan inte skriva {path}: {detail}"),
    "files.is_store": (
        "{path} is the store itself; kplan never writes over its store. Choose another file",
        "{path} är själva lagret; kplan skriver aldrig över sitt lager. Välj en annan fil",
    ),
    "files.is_store_file": (
        "{path} is the store's own {suffix} file (the store is {store}); choose another file",
        "{path} är lagrets egen {suffix}-fil (lagret är {store}); välj en annan fil",
    ),
    "files.is_folder": (
        "{path} is a folder; give a file name, e.g. {example}",
        "{path} är en mapp; ange ett filnamn, t.ex. {example}",
    ),
    "files.is_link": (
        "{path} is a symbolic link (to {target}); kplan does not replace links. Give the file it points to, or another name",
        "{path} är en symbolisk länk (till {target}); kplan ersätter inte länkar. Ange filen den pekar på, eller ett annat namn",
    ),
    "files.not_regular": (
        "{path} is {what}, not a regular file; kplan writes only regular files (- writes to standard output)",
        "{path} är {what}, ingen vanlig fil; kplan skriver bara vanliga filer (- skriver till standard ut)",
    ),
    "files.no_folder": (
        "the folder {path} does not exist; create it first",
        "mappen {path} finns inte; skapa den först",
    ),
    "files.a_device": ("a device", "en enhet"),
    "files.a_fifo": ("a named pipe (FIFO)", "ett namngivet rör (FIFO)"),
    "files.a_socket": ("a socket", "en socket"),
    "files.a_link": ("a symbolic link", "en symbolisk länk"),
    "files.a_folder": ("a folder", "en mapp"),
    "files.a_special": ("a special file", "en specialfil"),
    "files.folder_not_writable": (
        "the folder {folder} cannot be written by you",
        "du kan inte skriva i mappen {folder}",
    ),
    "files.file_not_writable": (
        "the file cannot be written by you",
        "du kan inte skriva till filen",
    ),
    "files.it_is": ("it is {what}, not a regular file", "det är {what}, ingen vanlig fil"),
    "files.broken_link": (
        "it is a symbolic link to a file that does not exist",
        "det är en symbolisk länk till en fil som inte finns",
    ),
    "files.part_is_file": (
        "{part} is a file, not a folder",
        "{part} är en fil, ingen mapp",
    ),
    "files.too_long": (
        "the path or a name in it is too long",
        "sökvägen eller ett namn i den är för långt",
    ),
    "files.nul": ("the name contains a NUL character", "namnet innehåller ett NUL-tecken"),
    "files.no_name": ("no file name was given", "inget filnamn angavs"),
    "files.not_sqlite": ("it is not an SQLite database", "det är ingen SQLite-databas"),
    "files.stdout": ("standard output", "standard ut"),
    "files.stdout_terminal": (
        "standard output is a terminal; send the copy to a file (kplan backup - > FILE) or give FILE",
        "standard ut är en terminal; skicka kopian till en fil (kplan backup - > FILE) eller ange FILE",
    ),
    "location.not_utf8": (
        "it holds bytes that are not UTF-8 text, which a database URL cannot",
        "den innehåller byte som inte är UTF-8-text, vilket en databas-URL inte kan",
    ),
    "restore.cannot_read": (
        "cannot read {path}: {detail}",
        "kan inte läsa {path}: {detail}",
    ),
    "store.changed_while_read": (
        "the store {path} changed while it was read; run the command again",
        "lagret {path} ändrades medan det lästes; kör kommandot igen",
    ),
    "store.read_only": (
        "cannot change the store {path}: {detail}. You may read it; nothing was changed",
        "kan inte ändra lagret {path}: {detail}. Du kan läsa det; inget ändrades",
    ),
    "cli.not_utf8": (
        "'{value}' holds bytes that are not UTF-8 text (byte {byte}); kplan reads its arguments as UTF-8: set the terminal, or the script's locale, to UTF-8",
        "'{value}' innehåller byte som inte är UTF-8-text (byte {byte}); kplan läser sina argument som UTF-8: ställ in terminalen, eller skriptets locale, på UTF-8",
    ),
    "apply.csv_unclosed": (
        'a quoted cell that starts on this line is never closed (a " is missing), so every line after it would be read into it',
        'en citerad cell som börjar på den här raden stängs aldrig (ett " saknas), så varje rad efter den skulle läsas in i den',
    ),
    "files.is_a_store": (
        "{path} is a kplan store; an export never replaces one, even with --force, as its event log would be lost. Choose another file, or move the store away first",
        "{path} är ett kplan-lager; en export ersätter aldrig ett lager, inte ens med --force, eftersom dess händelselogg skulle gå förlorad. Välj en annan fil, eller flytta undan lagret först",
    ),
    "store.upgrade_read_only": (
        "the store {path} was made by an older kplan and must be upgraded before this kplan can use it, but {detail}; nothing was changed. Ask someone who may write it to run any kplan command on it once",
        "lagret {path} gjordes av en äldre kplan och måste uppgraderas innan denna kplan kan använda det, men {detail}; inget ändrades. Be någon som får skriva i det att köra ett kplan-kommando på det en gång",
    ),
    "cli.output_failed": (
        "cannot write to standard output: {detail}. A command's changes are saved whole or not at all; `kplan log` shows whether this one's were",
        "kan inte skriva till standard ut: {detail}. Ett kommandos ändringar sparas helt eller inte alls; `kplan log` visar om detta kommandos sparades",
    ),
    "location.no_current_folder": (
        "the current folder no longer exists (it was removed), so a relative path names nothing; change to another folder or give an absolute path",
        "den aktuella mappen finns inte längre (den togs bort), så en relativ sökväg pekar inte på något; byt till en annan mapp eller ange en absolut sökväg",
    ),
    # Plan-file validation
    "planfile.problem_count": (
        "{count} {count:|problem|problems} in {source}; nothing was written.",
        "{count} fel i {source}; inget skrevs.",
    ),
    "planfile.syntax": ("TOML syntax error: {detail}", "syntaxfel i TOML: {detail}"),
    "planfile.not_found": ("no such file", "filen finns inte"),
    "planfile.is_directory": ("is a folder, not a plan file", "är en mapp, inte en planfil"),
    "planfile.unreadable": ("cannot read the file: {detail}", "kan inte läsa filen: {detail}"),
    "planfile.not_utf8": (
        "not UTF-8 text (bad byte at position {position}); save the file as UTF-8",
        "inte UTF-8-text (felaktig byte på position {position}); spara filen som UTF-8",
    ),
    "planfile.unknown_key": (
        "unknown key '{key}'. Valid keys: {valid}",
        "okänd nyckel '{key}'. Giltiga nycklar: {valid}",
    ),
    "planfile.unknown_key_suggest": (
        "unknown key '{key}'. Did you mean '{suggestion}'?",
        "okänd nyckel '{key}'. Menade du '{suggestion}'?",
    ),
    "planfile.expected_table": ("expected a table, got {got}", "väntade en tabell, fick {got}"),
    "planfile.expected_array": (
        "expected an array of tables, got {got}",
        "väntade en lista av tabeller, fick {got}",
    ),
    "planfile.missing": ("missing; this key is required", "saknas; nyckeln är obligatorisk"),
    "planfile.empty": ("must not be empty", "får inte vara tom"),
    "planfile.empty_value": ("contains an empty name", "innehåller ett tomt namn"),
    "planfile.expected_string": ("expected a string, got {got}", "väntade en sträng, fick {got}"),
    "planfile.expected_string_id": (
        'expected a string, got the number {got}; write it in quotes: id = "{got}"',
        'väntade en sträng, fick talet {got}; skriv det inom citattecken: id = "{got}"',
    ),
    "planfile.not_in_set": (
        "'{value}' is not valid.{hint} Valid: {valid}",
        "'{value}' är inte giltigt.{hint} Giltiga: {valid}",
    ),
    "planfile.did_you_mean": (" Did you mean '{suggestion}'?", " Menade du '{suggestion}'?"),
    "planfile.expected_integer": (
        "expected a whole number from {low} to {high}, got {got}",
        "väntade ett heltal från {low} till {high}, fick {got}",
    ),
    "planfile.out_of_range": (
        "{value} is out of range: must be from {low} to {high}",
        "{value} ligger utanför intervallet: måste vara från {low} till {high}",
    ),
    "planfile.expected_number": ("expected a number, got {got}", "väntade ett tal, fick {got}"),
    "planfile.expected_date": (
        "expected a date like 2016-12-31, got {got}",
        "väntade ett datum som 2016-12-31, fick {got}",
    ),
    "planfile.expected_strings": (
        "expected an array of strings, got {got}",
        "väntade en lista av strängar, fick {got}",
    ),
    "planfile.duplicate_id": (
        "duplicate {kind} id '{id}' (first used at {first})",
        "dubblett av {kind}-id '{id}' (först använt i {first})",
    ),
    "planfile.unknown_ref": (
        "unknown {kind} '{value}'. Defined: {valid}",
        "okänd {kind} '{value}'. Definierade: {valid}",
    ),
    "planfile.unknown_ref_suggest": (
        "unknown {kind} '{value}'. Did you mean '{suggestion}'?",
        "okänd {kind} '{value}'. Menade du '{suggestion}'?",
    ),
    "planfile.unknown_ref_none": (
        "unknown {kind} '{value}': the file defines none",
        "okänd {kind} '{value}': filen definierar inga",
    ),
    "planfile.missing_version": (
        "missing; the first line of a plan file is kplan = {version}",
        "saknas; första raden i en planfil är kplan = {version}",
    ),
    "planfile.version_type": (
        "expected the number {version}, got {got}; write kplan = {version}",
        "väntade talet {version}, fick {got}; skriv kplan = {version}",
    ),
    "planfile.bad_version": (
        "unsupported format version {value}; this kplan reads version {version}",
        "formatversion {value} stöds inte; denna kplan läser version {version}",
    ),
    "planfile.missing_plan": (
        "missing; a plan file needs a [plan] table",
        "saknas; en planfil behöver en [plan]-tabell",
    ),
    "planfile.end_before_start": (
        "the end {end} is before the start {start}",
        "slutet {end} ligger före starten {start}",
    ),
    "planfile.due_before_start": (
        "the due date {due} is before the start {start}",
        "slutdatumet {due} ligger före starten {start}",
    ),
    "planfile.repeated_values": ("names a value more than once", "nämner ett värde mer än en gång"),
    "planfile.ladder_length": (
        "a ladder has {low} to {high} steps, this one has {count}",
        "en trappa har {low} till {high} steg, denna har {count}",
    ),
    "planfile.questions_length": (
        "has {count} {count:|question|questions} for a ladder of {steps} {steps:|step|steps}; give one per step",
        "har {count} {count:|fråga|frågor} för en trappa med {steps} steg; ange en per steg",
    ),
    "planfile.no_actors": (
        "a collaboration needs at least one actor",
        "en samverkan behöver minst en aktör",
    ),
    "planfile.bad_period": (
        "'{period}' is not a period. Use {formats}",
        "'{period}' är ingen period. Använd {formats}",
    ),
    "planfile.repeated_period": (
        "the period {period} is given twice",
        "perioden {period} anges två gånger",
    ),
    "names.character": ("{what} ({code})", "{what} ({code})"),
    "names.char_control": ("a control character", "ett styrtecken"),
    "names.char_bidi": (
        "a control character for text direction",
        "ett styrtecken för textriktning",
    ),
    "names.char_invisible": (
        "an invisible formatting character",
        "ett osynligt formateringstecken",
    ),
    "names.char_surrogate": (
        "half of a character (a lone surrogate)",
        "ett halvt tecken (ett ensamt surrogat)",
    ),
    "names.char_space": (
        "a line break or an unusual space",
        "en radbrytning eller ett ovanligt mellanslag",
    ),
    "names.char_unusable": (
        "a private-use or unassigned character",
        "ett tecken för privat bruk eller utan tilldelning",
    ),
    "names.bad_id": (
        "'{value}' is not a valid id: use 1-{limit} characters without spaces",
        "'{value}' är inget giltigt id: använd 1-{limit} tecken utan mellanslag",
    ),
    "names.bad_id_character": (
        "'{value}' is not a valid id: it holds {what} at position {position}. Use 1-{limit} printable characters without spaces",
        "'{value}' är inget giltigt id: det innehåller {what} på position {position}. Använd 1-{limit} skrivbara tecken utan mellanslag",
    ),
    "names.bad_name_character": (
        "'{value}' holds {what} at position {position}; use printable characters only",
        "'{value}' innehåller {what} på position {position}; använd bara skrivbara tecken",
    ),
    "names.name_spaces": (
        "'{value}' starts or ends with a space; remove it",
        "'{value}' börjar eller slutar med mellanslag; ta bort det",
    ),
    "names.too_long": (
        "too long: {length} {length:|character|characters}, at most {limit} are allowed",
        "för lång: {length} tecken, högst {limit} är tillåtna",
    ),
    "names.same_name": (
        "'{value}' is the same name as '{other}' at {first}: names that differ only in upper and lower case or in Unicode form count as one",
        "'{value}' är samma namn som '{other}' i {first}: namn som bara skiljer sig i stora och små bokstäver eller i Unicode-form räknas som ett",
    ),
    "names.same_id": (
        "{kind} id '{id}' is the same as '{other}' (at {first}): ids that differ only in upper and lower case or in Unicode form count as one",
        "{kind}-id '{id}' är detsamma som '{other}' (i {first}): id som bara skiljer sig i stora och små bokstäver eller i Unicode-form räknas som ett",
    ),
    "names.same_plan": (
        "the store has plan '{other}', and '{id}' differs from it only in upper and lower case or in Unicode form; import the file as '{other}' or choose another id",
        "lagret har planen '{other}', och '{id}' skiljer sig från den bara i stora och små bokstäver eller i Unicode-form; importera filen som '{other}' eller välj ett annat id",
    ),
    "names.ambiguous": (
        "'{value}' matches more than one {what}: {matches}; write it exactly as one of them",
        "'{value}' passar in på mer än ett {what}: {matches}; skriv det exakt som ett av dem",
    ),
    "names.taken": (
        "'{name}' is taken: the {kind} '{other}' has that name (names that differ only in upper and lower case or in Unicode form count as one); choose another name",
        "'{name}' är upptaget: {kind} '{other}' heter så (namn som bara skiljer sig i stora och små bokstäver eller i Unicode-form räknas som ett); välj ett annat namn",
    ),
    "names.kind_round": ("round", "omgången"),
    "names.kind_snapshot": ("snapshot", "ögonblicksbilden"),
    "names.note_too_long": (
        "the note is too long: {length} {length:|character|characters}, at most {limit} are allowed",
        "kommentaren är för lång: {length} tecken, högst {limit} är tillåtna",
    ),
    "planfile.repeated_key": (
        "'{key}' is given twice (once in another Unicode spelling)",
        "'{key}' anges två gånger (en gång i en annan Unicode-stavning)",
    ),
    "planfile.nested_too_deeply": (
        "arrays or tables nested more than {limit} levels deep",
        "listor eller tabeller i mer än {limit} nivåer",
    ),
    "planfile.too_large": (
        "the file is larger than {limit} MB, the most kplan reads; set KPLAN_MAX_FILE_MB to allow more",
        "filen är större än {limit} MB, det mesta kplan läser; sätt KPLAN_MAX_FILE_MB för att tillåta mer",
    ),
    # Batch updates (kplan apply)
    "cmd.apply": (
        "Apply many changes from a JSON Lines or CSV file (or - for standard input), all or nothing.",
        "Genomför många ändringar från en JSON Lines- eller CSV-fil (eller - för standard in), allt eller inget.",
    ),
    "arg.apply_file": (
        "The file of changes, or - for standard input.",
        "Filen med ändringar, eller - för standard in.",
    ),
    "opt.apply_format": (
        "jsonl or csv [default: from the file name, else jsonl].",
        "jsonl eller csv [standard: efter filnamnet, annars jsonl].",
    ),
    "opt.apply_dry_run": (
        "Check everything and show what would change; write nothing.",
        "Kontrollera allt och visa vad som skulle ändras; skriv inget.",
    ),
    "apply.problem": ("line {line}: {field}: {message}", "rad {line}: {field}: {message}"),
    "apply.count": (
        "{count} {count:|problem|problems}; nothing was applied.",
        "{count} fel; inget genomfördes.",
    ),
    "apply.count_one": ("1 problem; nothing was applied.", "1 fel; inget genomfördes."),
    "apply.unknown_field": (
        "unknown field.{hint} Fields: {valid}",
        "okänt fält.{hint} Fält: {valid}",
    ),
    "apply.one_target": (
        "name exactly one of measure, collaboration or indicator",
        "ange exakt en av measure, collaboration eller indicator",
    ),
    "apply.expect_version": (
        "expect_version must be a whole number from 0 up, not '{value}'",
        "expect_version måste vara ett heltal från 0 och uppåt, inte '{value}'",
    ),
    "apply.expected_object": (
        '{field} must be an object, e.g. {{"policy": "done"}}',
        '{field} måste vara ett objekt, t.ex. {{"policy": "done"}}',
    ),
    "apply.nothing": ("the line asks for no change", "raden ber inte om någon ändring"),
    "apply.bad_json": ("not valid JSON: {detail}", "inte giltig JSON: {detail}"),
    "apply.not_object": ("each line must be a JSON object", "varje rad måste vara ett JSON-objekt"),
    "apply.bad_format": (
        "'{value}' is not an apply format. Formats: {valid}",
        "'{value}' är inget format för apply. Format: {valid}",
    ),
    "apply.empty": ("the input holds no changes", "indata innehåller inga ändringar"),
    "apply.done": (
        "Applied {changes} {changes:|change|changes} to {targets} {targets:|measure, collaboration or indicator|measures, collaborations and indicators} in one batch.",
        "Genomförde {changes} {changes:|ändring|ändringar} av {targets} {targets:|åtgärd, samverkan eller indikator|åtgärder, samverkan och indikatorer} i en omgång.",
    ),
    "apply.dry": (
        "Would apply {changes} {changes:|change|changes}. Nothing written (dry run):",
        "Skulle genomföra {changes} {changes:|ändring|ändringar}. Inget skrevs (provkörning):",
    ),
    "apply.unreadable": ("cannot read {path}: {detail}", "kan inte läsa {path}: {detail}"),
    "cmd.undo": (
        "Revert the last command you made (all the changes of one apply together).",
        "Ångra det senaste kommandot du gjorde (alla ändringar i en apply tillsammans).",
    ),
    "undo.nothing": (
        "{actor} has nothing left to undo in this plan",
        "{actor} har inget kvar att ångra i denna plan",
    ),
    "undo.not_undoable": (
        "{actor}'s last command was an import, which undo does not revert; re-import the earlier file instead",
        "{actor}s senaste kommando var en inläsning, som inte kan ångras; läs in den tidigare filen i stället",
    ),
    "undo.clash": (
        "{actor} changed {what} {field} at {at}",
        "{actor} ändrade {what} {field} {at}",
    ),
    "undo.refused": (
        "cannot undo: later changes touched the same fields ({details}); nothing was written",
        "kan inte ångra: senare ändringar rörde samma fält ({details}); inget skrevs",
    ),
    "undo.note": ("undo of {batch}", "ångrar {batch}"),
    "undo.done": ("Undone:", "Ångrat:"),
    "text.too_long": (
        "is {length} {length:|character|characters} long; at most {limit} are allowed",
        "är {length} tecken lång; högst {limit} tillåts",
    ),
    "text.nul": (
        "holds a NUL character (\\u0000), which cannot be stored",
        "innehåller ett NUL-tecken (\\u0000), som inte kan sparas",
    ),
    "text.surrogate": (
        "holds {code}, half of a character (a broken escape, or bytes that are not UTF-8)",
        "innehåller {code}, ett halvt tecken (en trasig escape eller byte som inte är UTF-8)",
    ),
    "change.bad_note": ("the note {problem}", "kommentaren {problem}"),
    "actor.control": (
        "holds control or format characters",
        "innehåller kontroll- eller formattecken",
    ),
    "actor.bad": (
        "'{value}' cannot name who is acting: it {problem}. Give --as or KPLAN_USER an id of 1 to 64 printable characters",
        "'{value}' kan inte ange vem som agerar: det {problem}. Ge --as eller KPLAN_USER ett id med 1 till 64 skrivbara tecken",
    ),
    "limits.bad_max_file": (
        "{variable} must be a whole number of megabytes from 1 to {high}, not '{value}'",
        "{variable} måste vara ett heltal megabyte från 1 till {high}, inte '{value}'",
    ),
    "apply.too_big": (
        "{path} is larger than {limit} MB, the most kplan reads; split it, or raise the limit with {variable}",
        "{path} är större än {limit} MB, det mesta kplan läser; dela upp den eller höj gränsen med {variable}",
    ),
    "apply.not_utf8": (
        "byte 0x{byte} is not UTF-8 text; save the file as UTF-8",
        "byten 0x{byte} är inte UTF-8-text; spara filen som UTF-8",
    ),
    "apply.too_deep": (
        "arrays and objects nested more than {limit} deep; a line needs at most 2",
        "listor och objekt nästlade djupare än {limit} nivåer; en rad behöver högst 2",
    ),
    "apply.long_number": (
        "a number of more than {limit} digits; no field takes one",
        "ett tal med fler än {limit} siffror; inget fält tar emot ett sådant",
    ),
    "apply.repeated_field": (
        "the field is given twice in one line",
        "fältet anges två gånger på samma rad",
    ),
    "apply.bad_csv": ("not valid CSV: {detail}", "inte giltig CSV: {detail}"),
    "apply.csv_too_long": (
        "a field is longer than {limit} characters",
        "ett fält är längre än {limit} tecken",
    ),
    "apply.bad_text": ("the text {problem}", "texten {problem}"),
    "apply.stdin": ("standard input", "standard in"),
    "apply.line_too_long": (
        "the line is {length} {length:|character|characters} long; at most {limit} are read",
        "raden är {length} tecken lång; högst {limit} läses",
    ),
    "apply.csv_cells": (
        "{cells} {cells:|cell|cells}, but the header names {names}; put a text that holds a {separator} in double quotes",
        "{cells} {cells:|cell|celler}, men rubrikraden namnger {names}; sätt en text med {separator} inom citattecken",
    ),
    # Rounds, snapshots, diff and exports
    "snapshot.bad_name": (
        "'{name}' is not a usable name: give 1 to 100 characters",
        "'{name}' är inget användbart namn: ange 1 till 100 tecken",
    ),
    "snapshot.none": (
        "unknown snapshot '{name}': the plan has no snapshots yet. Take one with: kplan snapshot take NAME",
        "okänd ögonblicksbild '{name}': planen har inga ännu. Ta en med: kplan snapshot take NAME",
    ),
    "snapshot.unknown": (
        "unknown snapshot '{name}'.{hint} Snapshots: {valid}",
        "okänd ögonblicksbild '{name}'.{hint} Ögonblicksbilder: {valid}",
    ),
    "snapshot.exists": (
        "a snapshot named '{name}' exists already; choose another name or delete it first",
        "det finns redan en ögonblicksbild som heter '{name}'; välj ett annat namn eller ta bort den först",
    ),
    "snapshot.taken": ("Took snapshot '{name}'.", "Ögonblicksbilden '{name}' är tagen."),
    "snapshot.deleted": ("Deleted snapshot '{name}'.", "Ögonblicksbilden '{name}' är borttagen."),
    "snapshot.list_none": (
        "No snapshots yet. Take one with: kplan snapshot take NAME",
        "Inga ögonblicksbilder ännu. Ta en med: kplan snapshot take NAME",
    ),
    "round.none_open": (
        "no follow-up round is open. Open one with: kplan round open NAME",
        "ingen uppföljningsomgång är öppen. Öppna en med: kplan round open NAME",
    ),
    "round.already_open": (
        "the round '{name}' is still open; close it first (kplan round close)",
        "omgången '{name}' är fortfarande öppen; stäng den först (kplan round close)",
    ),
    "round.exists": (
        "a round named '{name}' existed already; choose another name",
        "det har redan funnits en omgång som heter '{name}'; välj ett annat namn",
    ),
    "permission.change": (
        "{actor} may not change {what}: this plan lets only the measure's owner ({owner}) or a coordinator ({coordinators}) change it",
        "{actor} får inte ändra {what}: i den här planen får bara åtgärdens ansvariga ({owner}) eller en samordnare ({coordinators}) ändra den",
    ),
    "permission.of_measure": (
        "{kind} {key} (measure {measure})",
        "{kind} {key} (åtgärd {measure})",
    ),
    "permission.import": (
        '{actor} may not import over plan {plan}: its edit policy is "owners", so only a coordinator ({coordinators}) may',
        '{actor} får inte importera över plan {plan}: dess ändringsregel är "owners", så bara en samordnare ({coordinators}) får',
    ),
    "planfile.edit_needs_coordinator": (
        'edit = "owners" needs at least one coordinator in plan.coordinators, or nobody could import changes to the plan',
        'edit = "owners" kräver minst en samordnare i plan.coordinators, annars kan ingen importera ändringar av planen',
    ),
    "round.not_yours": (
        "{actor} may not report measure {measure}: only its owner ({owner}) or a coordinator ({coordinators}) may",
        "{actor} får inte rapportera åtgärd {measure}: bara dess ansvariga ({owner}) eller en samordnare ({coordinators}) får",
    ),
    "round.unreported": (
        "round '{name}' has {count} unreported {count:|measure|measures} ({listed}); report them, or close anyway with --force",
        "omgången '{name}' har {count} {count:|orapporterad åtgärd|orapporterade åtgärder} ({listed}); rapportera dem, eller stäng ändå med --force",
    ),
    "round.opened": ("Opened round '{name}'.", "Omgången '{name}' är öppnad."),
    "round.opened_due": (
        "Opened round '{name}', due {due}.",
        "Omgången '{name}' är öppnad, klar senast {due}.",
    ),
    "round.reported": (
        "Measure {measure} reported in round '{name}'.",
        "Åtgärd {measure} rapporterad i omgången '{name}'.",
    ),
    "round.closed": (
        "Closed round '{name}' and took snapshot '{name}'.",
        "Omgången '{name}' är stängd och ögonblicksbilden '{name}' tagen.",
    ),
    "round.status_head": (
        "Round '{name}': {reported} reported, {not_reported} not reported",
        "Omgången '{name}': {reported} {reported:|rapporterad|rapporterade}, {not_reported} inte {not_reported:|rapporterad|rapporterade}",
    ),
    "round.days_left": (
        "{days} {days:|day|days} left (due {due})",
        "{days} {days:|dag|dagar} kvar (klar senast {due})",
    ),
    "round.overdue": (
        "{days} {days:|day|days} overdue (due {due})",
        "{days} {days:|dag|dagar} försenad (skulle vara klar {due})",
    ),
    "round.no_previous": (
        "no earlier snapshot to compare with",
        "ingen tidigare ögonblicksbild att jämföra med",
    ),
    "col.reported": ("Reported", "Rapporterade"),
    "col.not_reported": ("Not reported", "Inte rapporterade"),
    "col.changed": ("Changed since {previous}", "Ändrade sedan {previous}"),
    "col.taken": ("Taken", "Tagen"),
    "col.by": ("By", "Av"),
    "col.name": ("Name", "Namn"),
    "diff.head": ("Changes from {first} to {second}", "Ändringar från {first} till {second}"),
    "diff.now": ("now", "nu"),
    "diff.none": ("No changes.", "Inga ändringar."),
    "diff.summary": (
        "{measures} {measures:|measure|measures} changed: {status} status, {progress} progress, {step} ladder {step:|step|steps}, {four_p} Fyra P, {perspectives} {perspectives:|perspective|perspectives}, {values} indicator {values:|value|values}, {added} added, {removed} removed, {other} other",
        "{measures} {measures:|åtgärd|åtgärder} {measures:|ändrad|ändrade}: {status} status, {progress} framsteg, {step} steg i trappan, {four_p} Fyra P, {perspectives} perspektiv, {values} {values:|indikatorvärde|indikatorvärden}, {added} {added:|tillagd|tillagda}, {removed} {removed:|borttagen|borttagna}, {other} övrigt",
    ),
    "diff.plan": ("The plan itself", "Själva planen"),
    "export.unknown_format": (
        "'{value}' is not an export format. Formats: {valid}",
        "'{value}' är inget exportformat. Format: {valid}",
    ),
    "export.progress": ("Exporting {format}", "Exporterar {format}"),
    "cmd.round": (
        "Follow-up rounds: open, report, status, close.",
        "Uppföljningsomgångar: öppna, rapportera, status, stäng.",
    ),
    "cmd.round_open": (
        "Open a follow-up round (one open round at a time per plan).",
        "Öppna en uppföljningsomgång (en öppen omgång åt gången per plan).",
    ),
    "cmd.round_report": (
        "Mark a measure reported in the open round (its owner or a coordinator).",
        "Markera en åtgärd som rapporterad i den öppna omgången (dess ansvariga eller en samordnare).",
    ),
    "cmd.round_status": (
        "Per owner: measures reported, not reported and changed since the previous round; days left.",
        "Per ansvarig: åtgärder rapporterade, inte rapporterade och ändrade sedan förra omgången; dagar kvar.",
    ),
    "cmd.round_close": (
        "Close the open round and take a snapshot named after it.",
        "Stäng den öppna omgången och ta en ögonblicksbild med dess namn.",
    ),
    "cmd.snapshot": (
        "Named, frozen copies of the plan's state.",
        "Namngivna, frysta kopior av planens läge.",
    ),
    "cmd.snapshot_take": ("Take a snapshot of the plan now.", "Ta en ögonblicksbild av planen nu."),
    "cmd.snapshot_list": ("List the plan's snapshots.", "Lista planens ögonblicksbilder."),
    "cmd.snapshot_delete": ("Delete a snapshot.", "Ta bort en ögonblicksbild."),
    "cmd.diff": (
        "What changed between snapshot A and snapshot B (default: the current state).",
        "Vad som ändrats mellan ögonblicksbild A och B (standard: nuvarande läge).",
    ),
    "arg.round_name": (
        'The round\'s name, e.g. "Uppföljning 2015".',
        'Omgångens namn, t.ex. "Uppföljning 2015".',
    ),
    "arg.snapshot_name": ("The snapshot's name.", "Ögonblicksbildens namn."),
    "arg.snapshot_a": ("The earlier snapshot.", "Den tidigare ögonblicksbilden."),
    "arg.snapshot_b": (
        "The later snapshot; without it, the current state.",
        "Den senare ögonblicksbilden; utan den, nuvarande läge.",
    ),
    "opt.due": (
        "The day reports are due (YYYY-MM-DD).",
        "Dagen då rapporterna ska vara klara (ÅÅÅÅ-MM-DD).",
    ),
    "opt.force": ("Close even with unreported measures.", "Stäng även med orapporterade åtgärder."),
    "opt.format": (
        "toml, json, csv, md, html or xlsx.",
        "toml, json, csv, md, html eller xlsx.",
    ),
    "opt.snapshot": (
        "Export this snapshot instead of the current state.",
        "Exportera denna ögonblicksbild i stället för nuvarande läge.",
    ),
    "opt.with_log": (
        "With the event log (json only; xlsx always has it).",
        "Med händelseloggen (endast json; xlsx har den alltid).",
    ),
    "opt.bad_date": (
        "'{value}' is not a date; write YYYY-MM-DD",
        "'{value}' är inget datum; skriv ÅÅÅÅ-MM-DD",
    ),
    "identity.not_yours": (
        "role {role} acts as {person} on this store; {given} is refused: only the store's owner and members of the delegation role {delegate} may act for someone else",
        "rollen {role} agerar som {person} i det här lagret; {given} avvisas: bara lagrets ägare och medlemmar av delegeringsrollen {delegate} får agera åt någon annan",
    ),
    "log.via": ("{actor} (via {role})", "{actor} (via {role})"),
    "permission.server": (
        "the server refused: {detail}; nothing was written",
        "servern vägrade: {detail}; inget skrevs",
    ),
    "permission.server_grant": (
        "the server refused: {detail}; the store's owner gives access with: kplan postgres grant ROLE",
        "servern vägrade: {detail}; lagrets ägare ger åtkomst med: kplan postgres grant ROLL",
    ),
    "postgres.upgrade_needs_owner": (
        "the store {url} has schema version {old} and needs an upgrade to {new} that only its owner may make; run kplan init as the role {owner} (you are {role})",
        "lagret {url} har schemaversion {old} och behöver en uppgradering till {new} som bara dess ägare får göra; kör kplan init som rollen {owner} (du är {role})",
    ),
    "postgres.needs_owner": (
        "only the store's owner ({owner}) may {action} access; you are connected as {role}",
        "bara lagrets ägare ({owner}) får ändra åtkomst ({action}); du är ansluten som {role}",
    ),
    "postgres.no_role": (
        "there is no role '{role}' on the server; create it first (as a superuser or a role with CREATEROLE): CREATE ROLE name LOGIN",
        "det finns ingen roll '{role}' på servern; skapa den först (som superanvändare eller en roll med CREATEROLE): CREATE ROLE namn LOGIN",
    ),
    "postgres.bad_person": (
        "'{person}' is not a usable person id: give 1 to {most} printable characters",
        "'{person}' är inget användbart person-id: ange 1 till {most} skrivbara tecken",
    ),
    "postgres.sqlite": (
        "kplan postgres works on a PostgreSQL store only; on an SQLite file whoever may write the file may do anything",
        "kplan postgres fungerar bara på ett PostgreSQL-lager; i en SQLite-fil får den som kan skriva filen göra allt",
    ),
    "postgres.grant_owner": (
        "{role} owns the store and may do everything already",
        "{role} äger lagret och får redan göra allt",
    ),
    "postgres.cannot_delegate": (
        "cannot change membership of the delegation role {group}: {detail}. As a superuser run: CREATE ROLE {group} NOLOGIN; GRANT {group} TO {owner} WITH ADMIN OPTION; then try again",
        "kan inte ändra medlemskap i delegeringsrollen {group}: {detail}. Kör som superanvändare: CREATE ROLE {group} NOLOGIN; GRANT {group} TO {owner} WITH ADMIN OPTION; försök sedan igen",
    ),
    "postgres.granted": (
        "Granted {role} the use of the store, acting as {person}.",
        "{role} har fått använda lagret och agerar som {person}.",
    ),
    "postgres.granted_delegate": (
        "Granted {role} the use of the store, acting as {person}; as a member of {group} it may act for anyone (--as).",
        "{role} har fått använda lagret och agerar som {person}; som medlem av {group} får den agera åt vem som helst (--as).",
    ),
    "postgres.revoked": (
        "Revoked {role}'s use of the store; its events stay in the log.",
        "{role} får inte längre använda lagret; dess händelser finns kvar i loggen.",
    ),
    "postgres.list_none": (
        "Nobody has been granted the use of this store yet. Grant it with: kplan postgres grant ROLE",
        "Ingen har fått använda det här lagret ännu. Ge åtkomst med: kplan postgres grant ROLL",
    ),
    "init.postgres_owner": (
        "You own this store ({role}); its rules are in place. Give each person access with: kplan postgres grant ROLE [--owner ID]",
        "Du äger det här lagret ({role}); dess regler är på plats. Ge varje person åtkomst med: kplan postgres grant ROLL [--owner ID]",
    ),
    "init.postgres_user": (
        "You act as {person} (role {role}); the store is owned by {owner}.",
        "Du agerar som {person} (rollen {role}); lagret ägs av {owner}.",
    ),
    "cmd.postgres": (
        "A PostgreSQL store's access: grant, revoke and list who may use it (as the store's owner).",
        "Åtkomst till ett PostgreSQL-lager: ge, ta bort och lista vem som får använda det (som lagrets ägare).",
    ),
    "cmd.postgres_grant": (
        "Let a database role use the store, acting as a person id (its own name by default).",
        "Låt en databasroll använda lagret och agera som ett person-id (rollens namn som standard).",
    ),
    "cmd.postgres_revoke": (
        "Take a role's use of the store away again.",
        "Ta bort en rolls åtkomst till lagret.",
    ),
    "cmd.postgres_list": (
        "The roles that may use the store, with the person each acts as.",
        "Rollerna som får använda lagret och personen var och en agerar som.",
    ),
    "arg.role": ("The database role (login name).", "Databasrollen (inloggningsnamnet)."),
    "opt.person": (
        "The person id (owner id or coordinator id in the plan) the role acts as; default: the role's name.",
        "Person-id:t (ansvarigs eller samordnares id i planen) som rollen agerar som; standard: rollens namn.",
    ),
    "opt.delegate": (
        "Also make the role a delegate, which may act for anyone (for scripts).",
        "Gör också rollen till ombud som får agera åt vem som helst (för skript).",
    ),
    "col.role": ("Role", "Roll"),
    "col.person": ("Person", "Person"),
    "col.delegate": ("Delegate", "Ombud"),
    "postgres.delegate_yes": ("yes", "ja"),
    "opt.template": (
        "With --format html: a Jinja2 template of your own for the page's body (docs/export.md).",
        "Med --format html: en egen Jinja2-mall för sidans innehåll (docs/export.md).",
    ),
    "template.only_html": (
        "--template works with --format html only, not {format}",
        "--template fungerar bara med --format html, inte {format}",
    ),
    "template.not_found": (
        "The template {path} does not exist",
        "Mallen {path} finns inte",
    ),
    "template.unreadable": (
        "Cannot read the template {path}: {detail}",
        "Kan inte läsa mallen {path}: {detail}",
    ),
    "template.not_utf8": (
        "The template {path} is not UTF-8 text (bad byte at position {position}); save it as UTF-8",
        "Mallen {path} är inte UTF-8-text (felaktig byte på position {position}); spara den som UTF-8",
    ),
    "template.syntax": (
        "The template {path} has an error on line {line}: {detail}",
        "Mallen {path} har ett fel på rad {line}: {detail}",
    ),
    "template.refused": (
        "The template {path} turns escaping off or loads another template on line {line} (|safe, autoescape, include, extends and import are not allowed); plan text is always escaped",
        "Mallen {path} stänger av escapning eller läser in en annan mall på rad {line} (|safe, autoescape, include, extends och import är inte tillåtna); text från planen escapas alltid",
    ),
    "template.undefined": (
        "The template {path} uses something it does not receive: {detail}. A template receives: {valid}",
        "Mallen {path} använder något den inte får: {detail}. En mall får: {valid}",
    ),
    "template.failed": (
        "The template {path} failed: {detail}",
        "Mallen {path} misslyckades: {detail}",
    ),
    "snapshot.not_json": (
        "its content is not a plan as kplan writes one ({detail}); it was changed outside kplan. Delete it with: kplan snapshot delete NAME",
        "dess innehåll är ingen plan så som kplan skriver en ({detail}); den har ändrats utanför kplan. Ta bort den med: kplan snapshot delete NAME",
    ),
    # The TUI: keys (footer and help), palette, screens and dialogs
    "matrix.legend_perspectives": ("Perspectives", "Perspektiv"),
    "key.open_measure": ("Open measure", "Öppna åtgärd"),
    "key.previous_step": ("Previous step", "Föregående steg"),
    "key.next_step": ("Next step", "Nästa steg"),
    "key.step_up": ("Step up", "Steg upp"),
    "key.step_down": ("Step down", "Steg ned"),
    "board.card_meta": ("measure {measure} · {owner}", "åtgärd {measure} · {owner}"),
    "board.empty": ("none on this step", "ingen på detta steg"),
    "board.no_collaborations": (
        "The plan has no collaborations yet.",
        "Planen har ingen samverkan ännu.",
    ),
    "board.nothing_selected": (
        "No collaboration is highlighted.",
        "Ingen samverkan är markerad.",
    ),
    "board.at_top": (
        "{collaboration} is already on the top step, {step}.",
        "{collaboration} står redan på översta steget, {step}.",
    ),
    "board.at_bottom": (
        "{collaboration} is already on the bottom step, {step}.",
        "{collaboration} står redan på nedersta steget, {step}.",
    ),
    "board.move_question": (
        "Move {collaboration} from {old} to {new}?",
        "Flytta {collaboration} från {old} till {new}?",
    ),
    "board.moved": ("{collaboration} moved to {step}.", "{collaboration} flyttades till {step}."),
    "board.unchanged": (
        "{collaboration} already stands on {step}; nothing was written.",
        "{collaboration} står redan på {step}; inget sparades.",
    ),
    "matrix.total_row": ("Share integrated / done", "Andel integrerat / klart"),
    "matrix.totals_perspective": (
        "{name}: {yes} integrated, {partly} partly, {no} not integrated",
        "{name}: {yes} integrerat, {partly} delvis, {no} ej integrerat",
    ),
    "matrix.totals_four_p": (
        "{name}: {done} done, {ongoing} ongoing, {not_started} not started",
        "{name}: {done} {done:|klar|klara}, {ongoing} pågår, {not_started} ej {not_started:|påbörjad|påbörjade}",
    ),
    "log_view.placeholder": (
        "Filter: measure:7 actor:ID or any words (Enter: to the log, Esc: back)",
        "Filter: åtgärd:7 vem:ID eller valfria ord (Enter: till loggen, Esc: tillbaka)",
    ),
    "log_view.loading": ("Reading the event log…", "Läser händelseloggen…"),
    "log_view.shown": (
        "{shown} of {total} {total:|event|events}, newest first",
        "{shown} av {total} {total:|händelse|händelser}, nyaste först",
    ),
    "log_view.shown_newest": (
        "{shown} of the {total} newest {total:|event|events}, newest first",
        "{shown} av {total:|den|de} {total} senaste {total:|händelsen|händelserna}, nyaste först",
    ),
    "log_view.no_measure": (
        "This event is about the plan, not a measure.",
        "Händelsen gäller planen, inte en åtgärd.",
    ),
    "log_view.when": ("{when}", "{when}"),
    "cmd.tui": (
        "Open the terminal workplace (TUI) on the plan.",
        "Öppna arbetsplatsen i terminalen (TUI) för planen.",
    ),
    "opt.as_tui": (
        "Who you are: changes are logged under this name [default: KPLAN_USER, else the database user of a server store, else the login name].",
        "Vem du är: ändringar loggas under detta namn [standard: KPLAN_USER, annars databasanvändaren för ett lager på en server, annars inloggningsnamnet].",
    ),
    "key.help": ("Keys", "Tangenter"),
    "key.theme": ("Light/dark", "Ljust/mörkt"),
    "key.open": ("Open", "Öppna"),
    "key.filter": ("Filter", "Filtrera"),
    "key.clear_filter": ("Clear filter", "Rensa filter"),
    "key.mine": ("Mine", "Mina"),
    "key.status": ("Status", "Status"),
    "key.four_p": ("Fyra P", "Fyra P"),
    "key.perspective": ("Perspective", "Perspektiv"),
    "key.record": ("Record", "Registrera"),
    "key.board": ("Board", "Tavla"),
    "key.matrix": ("Matrix", "Matris"),
    "key.log": ("Log", "Logg"),
    "key.sort": ("Sort", "Sortera"),
    "key.sort_reverse": ("Sort descending", "Sortera fallande"),
    "key.quit": ("Quit", "Avsluta"),
    "key.cancel": ("Cancel", "Avbryt"),
    "key.save": ("Save", "Spara"),
    "key.back": ("Back", "Tillbaka"),
    "palette.overview": ("Overview", "Översikt"),
    "palette.overview_help": ("Every measure of the plan", "Planens alla åtgärder"),
    "palette.board": ("Ladder board", "Trappans tavla"),
    "palette.board_help": (
        "Collaborations by step of the ladder; move them up or down",
        "Samverkan per steg i trappan; flytta upp eller ned",
    ),
    "palette.matrix": ("Perspective matrix", "Perspektivmatris"),
    "palette.matrix_help": (
        "Measures against perspectives and Fyra P: the gaps at a glance",
        "Åtgärder mot perspektiv och Fyra P: luckorna med en blick",
    ),
    "palette.log": ("Event log", "Händelselogg"),
    "palette.log_help": ("Who changed what, newest first", "Vem ändrade vad, nyaste först"),
    "palette.mine": ("My measures", "Mina åtgärder"),
    "palette.mine_help": (
        "Show only the measures you own, or all again",
        "Visa bara åtgärderna du ansvarar för, eller alla igen",
    ),
    "palette.theme": ("Light or dark", "Ljust eller mörkt"),
    "palette.theme_help": (
        "Switch between the light and the dark theme",
        "Växla mellan ljust och mörkt tema",
    ),
    "tui.loading": ("Loading the plan…", "Läser in planen…"),
    "tui.filter_placeholder": (
        "Filter: words, owner:ID status:delayed step:2 gap:kön perspective:kön=no (Enter: done, Esc: clear)",
        "Filter: ord, ansvarig:ID status:försenad steg:2 lucka:kön perspektiv:kön=no (Enter: klar, Esc: rensa)",
    ),
    "tui.shown": (
        "{shown} of {total} {total:|measure|measures}",
        "{shown} av {total} {total:|åtgärd|åtgärder}",
    ),
    "tui.mine_on": ("mine ({actor})", "mina ({actor})"),
    "tui.filter_on": ("filter: {expression}", "filter: {expression}"),
    "tui.sorted_by": ("sorted by {column} {arrow}", "sorterat på {column} {arrow}"),
    "tui.not_an_owner": (
        "{actor} owns no measure of this plan; start kplan with --as ID",
        "{actor} ansvarar inte för någon åtgärd i planen; starta kplan med --as ID",
    ),
    "tui.no_indicators": (
        "Measure {measure} has no indicators.",
        "Åtgärd {measure} har inga indikatorer.",
    ),
    "tui.measure_gone": (
        "Measure {measure} is no longer in the plan.",
        "Åtgärd {measure} finns inte längre i planen.",
    ),
    "tui.summary_four_p": ("Fyra P done: {share}%", "Fyra P klart: {share}%"),
    "tui.summary_integrated": ("Integrated: ", "Integrerat: "),
    "tui.needs_terminal": (
        "the TUI needs a terminal; use the other commands (e.g. kplan list) in scripts",
        "TUI:n behöver en terminal; använd de andra kommandona (t.ex. kplan list) i skript",
    ),
    "col.four_p_short": ("4P", "4P"),
    "col.perspectives_short": ("Persp.", "Persp."),
    "col.trend": ("Trend", "Trend"),
    "trend.up": ("positive", "positiv"),
    "trend.flat": ("unchanged", "oförändrad"),
    "trend.down": ("negative", "negativ"),
    "trend.none": ("no data", "data saknas"),
    "dialog.note": ("Note (optional)", "Kommentar (valfri)"),
    "dialog.note_placeholder": ("Why, for the event log", "Varför, för händelseloggen"),
    "dialog.save": ("Save", "Spara"),
    "dialog.cancel": ("Cancel", "Avbryt"),
    "dialog.move": ("Move", "Flytta"),
    "dialog.choose": ("choose a {what}", "välj {what}"),
    "dialog.status_title": ("Status and progress", "Status och framsteg"),
    "dialog.progress": ("Progress (0-100)", "Framsteg (0-100)"),
    "dialog.four_p_title": ("Fyra P", "Fyra P"),
    "dialog.four_p_part": ("Part", "Del"),
    "dialog.four_p_state": ("State", "Läge"),
    "dialog.perspective_title": ("Cross-cutting perspective", "Genomsyrande perspektiv"),
    "dialog.record_title": ("Record an indicator value", "Registrera ett indikatorvärde"),
    "dialog.period": ("Period ({formats})", "Period ({formats})"),
    "dialog.value": ("Value", "Värde"),
    "four_p_help.perspektiv": (
        "Show how the perspective links to the goal; define its value and use; analyse gaps and what they lead to.",
        "Visa hur perspektivet hänger ihop med målet; beskriv värdet och nyttan; analysera brister och deras följder.",
    ),
    "four_p_help.policy": (
        "Steer by expectations and demands; state clear goals and actions, and carry them out.",
        "Styr utifrån förväntningar och krav; formulera tydliga mål och åtgärder och genomför dem.",
    ),
    "four_p_help.plattform": (
        "Secure mandate, competence, time, resources, process support and a communication plan inside and out.",
        "Säkra mandat, kompetens, tid, resurser, processtöd och en kommunikationsplan internt och externt.",
    ),
    "four_p_help.process": (
        "Find and support the actors and target groups that can make a difference; learn from each other; share resources.",
        "Hitta och stötta aktörer och målgrupper som kan påverka; lär av varandra; dela på resurser.",
    ),
    # Names of things
    "html.generated": ("Page made {when}", "Sidan skapad {when}"),
    "html.footer_snapshot": (
        "Published with kplan {when}. The figures show the plan as recorded in snapshot {name}.",
        "Publicerad med kplan {when}. Siffrorna visar planen enligt ögonblicksbilden {name}.",
    ),
    "html.history_heading": ("Development over time", "Utveckling över tid"),
    "html.history_intro": (
        "The plan at each snapshot, oldest first.",
        "Planen vid varje ögonblicksbild, äldst först.",
    ),
    "html.history_bar_label": ("{name}: {parts}", "{name}: {parts}"),
    "html.history_table": (
        "Measures per status at each snapshot",
        "Åtgärder per status vid varje ögonblicksbild",
    ),
    "html.col_snapshot": ("Snapshot", "Ögonblicksbild"),
    "html.col_taken": ("Taken", "Tagen"),
    "html.now": ("Now", "Nu"),
    "html.glance_heading": ("All measures at a glance", "Alla åtgärder i korthet"),
    "html.glance_table": (
        "Status and progress of every measure",
        "Status och framsteg för varje åtgärd",
    ),
    "html.col_highest_step": ("Highest ladder step", "Högsta steg i trappan"),
    "html.progress_label": ("Progress {value}", "Framsteg {value}"),
    "html.measures_heading": ("The measures", "Åtgärderna"),
    "html.measure_number": ("Measure {id}", "Åtgärd {id}"),
    "html.col_time": ("Time", "Tid"),
    "html.time_span": ("{start} – {due}", "{start} – {due}"),
    "html.no_indicators": ("No indicators.", "Inga indikatorer."),
    "html.indicators_table": ("Indicators of {title}", "Indikatorer för {title}"),
    "html.col_indicator": ("Indicator", "Indikator"),
    "html.col_latest": ("Latest", "Senaste"),
    "html.latest_value": ("{value} ({period})", "{value} ({period})"),
    "html.col_toward": ("Toward target", "Mot målvärdet"),
    "html.target_reached": ("reached", "uppnått"),
    "html.no_collaborations": ("No collaborations.", "Ingen samverkan."),
    "html.measure_history": ("History", "Historik"),
    "html.measure_history_table": (
        "Status and progress of {title} over time",
        "Status och framsteg för {title} över tid",
    ),
    "html.sparkline_label": ("Progress over time: {points}", "Framsteg över tid: {points}"),
    "html.not_in_plan": ("not in the plan", "fanns inte med"),
    "html.footer": (
        "Published with kplan. The figures show the plan as of {when}.",
        "Publicerad med kplan. Siffrorna visar planen som den såg ut {when}.",
    ),
    "html.legend": (
        "Status: ✓ done, ◐ ongoing, ⚠ delayed, ○ not started, ✕ cancelled. Fyra P and perspectives: ● done or integrated, ◐ ongoing or partly, ○ not started or not integrated. Trend: ↑ positive, → unchanged, ↓ negative, – no data.",
        "Status: ✓ genomförd, ◐ påbörjad, ⚠ försenad, ○ ej påbörjad, ✕ avförd. Fyra P och perspektiv: ● klar eller integrerat, ◐ pågår eller delvis, ○ ej påbörjad eller ej integrerat. Trend: ↑ positiv, → oförändrad, ↓ negativ, – data saknas.",
    ),
    "html.status_heading": ("Where the measures stand", "Läget för åtgärderna"),
    "html.status_intro": (
        "The plan's {count} {count:|measure|measures} by status.",
        "Planens {count} {count:|åtgärd|åtgärder} efter status.",
    ),
    "html.status_chart_label": ("Measures per status: {parts}", "Åtgärder per status: {parts}"),
    "html.status_table": ("Measures per status", "Åtgärder per status"),
    "html.col_share": ("Share", "Andel"),
    "html.total": ("Total", "Totalt"),
    "html.col_chart": ("Chart", "Diagram"),
    "html.method_heading": (
        "Method, collaboration and perspectives",
        "Metod, samverkan och perspektiv",
    ),
    "html.four_p_heading": ("Fyra P usage", "Användning av Fyra P"),
    "html.four_p_intro": (
        "How far the measures have applied each part of the Fyra P method.",
        "Hur långt åtgärderna har kommit med varje del av Fyra P-metoden.",
    ),
    "html.four_p_headline": (
        "Fyra P usage rate: {share} ({done} of {cells} {cells:|part|parts} done)",
        "Användning av Fyra P: {share} ({done} av {cells} {cells:|del|delar} klara)",
    ),
    "html.four_p_bar_label": ("{part}: {states}", "{part}: {states}"),
    "html.four_p_table": ("Fyra P parts by state", "Fyra P-delar efter läge"),
    "html.col_part": ("Part", "Del"),
    "html.col_usage": ("Share done", "Andel klar"),
    "html.four_p_overall_row": ("All parts", "Alla delar"),
    "html.ladder_heading": ("Collaboration ladder", "Samverkanstrappan"),
    "html.ladder_intro": (
        "Collaborations per step of the plan's ladder, from the first step to the top.",
        "Samverkan per steg i planens trappa, från första steget till det översta.",
    ),
    "html.ladder_bar_label": (
        "Step {step}, {label}: {count} {count:|collaboration|collaborations}",
        "Steg {step}, {label}: {count} st. samverkan",
    ),
    "html.ladder_table": ("Collaborations per step", "Samverkan per steg"),
    "html.col_step": ("Step", "Steg"),
    "html.col_question": ("Question the step answers", "Frågan steget besvarar"),
    "html.col_collaborations": ("Collaborations", "Antal"),
    "html.perspectives_heading": ("Cross-cutting perspectives", "Genomsyrande perspektiv"),
    "html.perspectives_intro": (
        "How many measures have integrated each of the plan's cross-cutting perspectives.",
        "Hur många åtgärder som har integrerat vart och ett av planens genomsyrande perspektiv.",
    ),
    "html.perspective_bar_label": ("{perspective}: {levels}", "{perspective}: {levels}"),
    "html.perspectives_table": (
        "Measures per perspective and level",
        "Åtgärder per perspektiv och nivå",
    ),
    "html.col_perspective": ("Perspective", "Perspektiv"),
    "html.col_integrated": ("Share integrated", "Andel integrerat"),
    "html.page_title": ("{plan} – follow-up", "{plan} – uppföljning"),
    "html.plan_period": ("Plan period {start} – {end}", "Planperiod {start} – {end}"),
    "html.snapshot_shown": ("As recorded in snapshot {name}", "Enligt ögonblicksbilden {name}"),
    "html.figures_as_of": ("Figures as of {when}", "Uppgifter per {when}"),
    "html.summary": ("Summary", "Sammanfattning"),
    "html.card_measures": ("Measures", "Åtgärder"),
    "html.card_measures_note": (
        "{done} done · {delayed} delayed",
        "{done} {done:|genomförd|genomförda} · {delayed} {delayed:|försenad|försenade}",
    ),
    "html.card_progress": ("Average progress", "Genomsnittligt framsteg"),
    "html.card_progress_note": (
        "across the {count} {count:|measure|measures} not cancelled",
        "för {count:|den|de} {count} {count:|åtgärd|åtgärder} som inte är {count:|avförd|avförda}",
    ),
    "html.card_four_p": ("Fyra P usage rate", "Användning av Fyra P"),
    "html.card_four_p_note": (
        "share of the measures' Fyra P parts that are done",
        "andel av åtgärdernas Fyra P-delar som är klara",
    ),
    "html.card_integrated": ("Perspectives integrated", "Integrerade perspektiv"),
    "html.card_integrated_note": (
        "share of measure × perspective fully integrated",
        "andel av åtgärder × perspektiv som är helt integrerade",
    ),
    "html.card_collaborations": ("Collaborations", "Samverkan"),
    "html.card_collaborations_note": (
        "{count} on the top step, {label}",
        "{count} på översta steget, {label}",
    ),
    "report.title": ("{plan}: status report {date}", "{plan}: lägesrapport {date}"),
    "report.meta_organisation": ("Organisation", "Organisation"),
    "report.meta_plan": ("Plan id", "Planens id"),
    "report.meta_period": ("Plan period", "Planperiod"),
    "report.meta_generated": ("Generated", "Framtagen"),
    "report.meta_snapshot": ("Snapshot", "Ögonblicksbild"),
    "report.summary": ("Summary", "Sammanfattning"),
    "report.measure_total": ("The plan has {count}.", "Planen har {count}."),
    "report.count_measures": (
        "{count} {count:|measure|measures}",
        "{count} {count:|åtgärd|åtgärder}",
    ),
    "report.count_measures_one": ("1 measure", "1 åtgärd"),
    "report.count_measures_none": ("none", "inga"),
    "report.status_heading": ("Measures per status", "Åtgärder per status"),
    "report.col_share": ("Share", "Andel"),
    "report.four_p_heading": ("Fyra P", "Fyra P"),
    "report.four_p_rate": (
        "{percent} of the Fyra P work is done: {done} of {total} {total:|part|parts} ({measures} {measures:|measure|measures} × {parts} {parts:|part|parts}).",
        "{percent} av arbetet med Fyra P är klart: {done} av {total} {total:|del|delar} ({measures} {measures:|åtgärd|åtgärder} × {parts} {parts:|del|delar}).",
    ),
    "report.col_part": ("Part", "Del"),
    "report.perspectives_heading": ("Cross-cutting perspectives", "Genomsyrande perspektiv"),
    "report.perspectives_intro": (
        "Measures at each level of integration, and their share of all {total}.",
        "Åtgärder på varje nivå av integrering och deras andel av alla {total}.",
    ),
    "report.col_perspective": ("Perspective", "Perspektiv"),
    "report.ladder_heading": ("Collaboration ladder", "Samverkanstrappan"),
    "report.ladder_intro": (
        "Collaborations per step of the ladder ({count} in all).",
        "Samverkan per steg i trappan ({count} totalt).",
    ),
    "report.col_step": ("Step", "Steg"),
    "report.col_level": ("Level", "Nivå"),
    "report.col_question": ("Question", "Fråga"),
    "report.col_collaborations": ("Collaborations", "Samverkan"),
    "report.measures_heading": ("Measures", "Åtgärder"),
    "report.legend": (
        "● done or integrated, ◐ ongoing or partly integrated, ○ not started or not integrated. The Fyra P column shows the parts in the order Perspektiv, Policy, Plattform, Process; each perspective column shows how far that perspective is integrated.",
        "● klar eller integrerat, ◐ pågår eller delvis integrerat, ○ ej påbörjad eller ej integrerat. Kolumnen Fyra P visar delarna i ordningen Perspektiv, Policy, Plattform, Process; varje perspektivkolumn visar hur väl det perspektivet är integrerat.",
    ),
    "report.gaps": ("Gaps", "Luckor"),
    "report.gaps_intro": ("Cancelled measures are left out.", "Avförda åtgärder är inte med."),
    "report.gaps_perspectives": (
        "Perspectives not integrated",
        "Perspektiv som inte är integrerade",
    ),
    "report.gaps_four_p": ("Fyra P parts not started", "Delar av Fyra P som inte har påbörjats"),
    "report.gaps_step_one": (
        "Collaborations still on step 1, {label}",
        "Samverkan som står kvar på steg 1, {label}",
    ),
    "report.no_collaborations": ("None.", "Ingen."),
    "report.collaboration_item": (
        "{collaboration} (measure {measure})",
        "{collaboration} (åtgärd {measure})",
    ),
    "report.changes": ("Changes", "Ändringar"),
    "report.no_previous": (
        "There is no earlier snapshot to compare with.",
        "Det finns ingen tidigare ögonblicksbild att jämföra med.",
    ),
    "report.changes_since": ("Changes since {name}", "Ändringar sedan {name}"),
    "report.changes_intro": (
        "Compared with the snapshot {name}, taken {moment}.",
        "Jämfört med ögonblicksbilden {name}, tagen {moment}.",
    ),
    "report.no_changes": ("Nothing has changed since then.", "Inget har ändrats sedan dess."),
    "report.plan_changes": ("The plan", "Planen"),
    "report.change_line": ("{what}: {old} → {new}", "{what}: {old} → {new}"),
    "report.in_collaboration": ("collaboration {key}, {what}", "samverkan {key}, {what}"),
    "report.in_indicator": ("indicator {key}, {what}", "indikator {key}, {what}"),
    "report.in_organisation": ("organisation {key}, {what}", "organisation {key}, {what}"),
    "report.in_owner": ("owner {key}, {what}", "ansvarig {key}, {what}"),
    "report.field_title": ("title", "titel"),
    "report.field_goal": ("goal", "mål"),
    "report.field_area": ("area", "område"),
    "report.field_owner": ("owner", "ansvarig"),
    "report.field_status": ("status", "status"),
    "report.field_progress": ("progress", "framsteg"),
    "report.field_start": ("start", "start"),
    "report.field_due": ("due date", "slutdatum"),
    "report.field_end": ("end", "slut"),
    "report.field_description": ("description", "beskrivning"),
    "report.field_organisation": ("organisation", "organisation"),
    "report.field_perspectives": ("perspectives", "perspektiv"),
    "report.field_ladder": ("ladder steps", "trappans steg"),
    "report.field_ladder_questions": ("ladder questions", "trappans frågor"),
    "report.field_coordinators": ("coordinators", "samordnare"),
    "report.field_measure_order": ("order of the measures", "åtgärdernas ordning"),
    "report.field_organisation_order": ("order of the organisations", "organisationernas ordning"),
    "report.field_owner_order": ("order of the owners", "de ansvarigas ordning"),
    "report.field_collaboration_order": ("order of the collaborations", "ordningen för samverkan"),
    "report.field_indicator_order": ("order of the indicators", "indikatorernas ordning"),
    "report.field_name": ("name", "namn"),
    "report.field_kind": ("kind", "typ"),
    "report.field_email": ("email", "e-post"),
    "report.field_actors": ("actors", "aktörer"),
    "report.field_step": ("step", "steg"),
    "report.field_note": ("note", "kommentar"),
    "report.field_measure": ("measure", "åtgärd"),
    "report.field_unit": ("unit", "enhet"),
    "report.field_baseline": ("baseline", "utgångsläge"),
    "report.field_target": ("target", "målvärde"),
    "report.field_direction": ("direction", "riktning"),
    "report.field_four_p": ("Fyra P {part}", "Fyra P {part}"),
    "report.field_perspective": ("perspective {name}", "perspektiv {name}"),
    "report.field_value": ("value {period}", "värde {period}"),
    "report.direction_increase": ("higher is better", "högre är bättre"),
    "report.direction_decrease": ("lower is better", "lägre är bättre"),
    "kind.organisation": ("organisation", "organisation"),
    "kind.owner": ("owner", "ansvarig"),
    "kind.measure": ("measure", "åtgärd"),
    "kind.collaboration": ("collaboration", "samverkan"),
    "kind.indicator": ("indicator", "indikator"),
    "field.status": ("status", "status"),
    "field.four_p_part": ("Fyra P part", "del av Fyra P"),
    "field.four_p_state": ("Fyra P state", "läge för Fyra P"),
    "field.perspective": ("perspective", "perspektiv"),
    "field.coverage": ("coverage level", "täckningsnivå"),
    "type.boolean": ("a boolean", "ett sanningsvärde"),
    "type.integer": ("an integer", "ett heltal"),
    "type.float": ("a decimal number", "ett decimaltal"),
    "type.string": ("a string", "en sträng"),
    "type.array": ("an array", "en lista"),
    "type.table": ("a table", "en tabell"),
    "type.datetime": ("a date and time", "ett datum med klockslag"),
    "type.date": ("a date", "ett datum"),
    "type.huge_number": ("a number too large to use", "ett för stort tal"),
    "type.time": ("a time of day", "ett klockslag"),
    "status.not-started": ("not started", "ej påbörjad"),
    "status.ongoing": ("ongoing", "påbörjad"),
    "status.delayed": ("delayed", "försenad"),
    "status.done": ("done", "genomförd"),
    "status.cancelled": ("cancelled", "avförd"),
    "four_p.perspektiv": ("Perspektiv", "Perspektiv"),
    "four_p.policy": ("Policy", "Policy"),
    "four_p.plattform": ("Plattform", "Plattform"),
    "four_p.process": ("Process", "Process"),
    "four_p_state.not-started": ("not started", "ej påbörjad"),
    "four_p_state.ongoing": ("ongoing", "pågår"),
    "four_p_state.done": ("done", "klar"),
    "coverage.no": ("not integrated", "ej integrerat"),
    "coverage.partly": ("partly integrated", "delvis integrerat"),
    "coverage.yes": ("integrated", "integrerat"),
    # Column headings
    "col.id": ("ID", "ID"),
    "col.title": ("Title", "Titel"),
    "col.organisation": ("Organisation", "Organisation"),
    "col.period": ("Period", "Period"),
    "col.measures": ("Measures", "Åtgärder"),
    "col.owner": ("Owner", "Ansvarig"),
    "col.status": ("Status", "Status"),
    "col.progress": ("Progress", "Framsteg"),
    "col.steps": ("Steps", "Steg"),
    "col.four_p": ("Fyra P", "Fyra P"),
    "col.area": ("Area", "Område"),
    "col.goal": ("Goal", "Mål"),
    "col.actors": ("Actors", "Aktörer"),
    "col.baseline": ("Baseline", "Utgångsläge"),
    "col.target": ("Target", "Målvärde"),
    "col.when": ("When", "När"),
    "col.actor": ("Who", "Vem"),
    "col.measure": ("Measure", "Åtgärd"),
    "col.field": ("Field", "Fält"),
    "col.old": ("Old", "Före"),
    "col.new": ("New", "Efter"),
    "col.note": ("Note", "Kommentar"),
    # The plan's people and organisations (kplan person, kplan org; who acts)
    "people.not_a_person": (
        "{actor} is not a person of plan {plan}; did you mean {suggestion}?",
        "{actor} är inte en person i plan {plan}; menade du {suggestion}?",
    ),
    "people.not_a_person_none": (
        "{actor} is not a person of plan {plan} (its people: {people})",
        "{actor} är inte en person i plan {plan} (dess personer: {people})",
    ),
    "people.warning": ("kplan: {message}", "kplan: {message}"),
    "people.permission": (
        "add or change the plan's people and organisations",
        "lägga till eller ändra planens personer och organisationer",
    ),
    "people.what_name": ("name", "namn"),
    "people.what_email": ("e-mail address", "e-postadress"),
    "people.bad_text": ("{what}: {problem}", "{what}: {problem}"),
    "people.exists": (
        "{kind} '{key}' is already in the plan (as '{other}'); change it with edit",
        "{kind} '{key}' finns redan i planen (som '{other}'); ändra med edit",
    ),
    "people.bad_kind": (
        "'{value}' is not a kind of organisation.{hint} Valid: {valid} (or {aliases})",
        "'{value}' är inte en sorts organisation.{hint} Giltiga: {valid} (eller {aliases})",
    ),
    "people.nothing_to_change": (
        "nothing to change: give at least one of {options}",
        "inget att ändra: ange minst en av {options}",
    ),
    "people.undo_in_use": (
        "cannot undo adding {kind} '{key}': it is in use now ({users})",
        "kan inte ångra att {kind} '{key}' lades till: den används nu ({users})",
    ),
    "people.undo_gone": (
        "cannot undo: {field} was '{value}', which is no longer in the plan",
        "kan inte ångra: {field} var '{value}', som inte längre finns i planen",
    ),
    "people.cmd_person": (
        "Add or change the plan's people (its [[owners]]).",
        "Lägg till eller ändra planens personer (dess [[owners]]).",
    ),
    "people.cmd_org": (
        "Add or change the plan's organisations (its [[organisations]]).",
        "Lägg till eller ändra planens organisationer (dess [[organisations]]).",
    ),
    "people.cmd_person_add": ("Add a person to the plan.", "Lägg till en person i planen."),
    "people.cmd_person_edit": (
        "Change a person's name, organisation or e-mail address.",
        "Ändra en persons namn, organisation eller e-postadress.",
    ),
    "people.cmd_org_add": (
        "Add an organisation to the plan.",
        "Lägg till en organisation i planen.",
    ),
    "people.cmd_org_edit": (
        "Change an organisation's name or kind.",
        "Ändra en organisations namn eller sort.",
    ),
    "people.arg_person": ("The person's id.", "Personens id."),
    "people.arg_org": ("The organisation's id.", "Organisationens id."),
    "people.opt_name": ("Full name.", "Fullständigt namn."),
    "people.opt_organisation": (
        'Id of the person\'s organisation ("" for none).',
        'Id för personens organisation ("" för ingen).',
    ),
    "people.opt_email": (
        'E-mail address ("" for none).',
        'E-postadress ("" för ingen).',
    ),
    "people.opt_kind": (
        "public, private, education, industry, civil or other (Swedish words too).",
        "public, private, education, industry, civil eller other (även svenska ord).",
    ),
    # Structure changes (kplan measure, collab, indicator, note) and läget
    "structure.schema_situation": (
        "The measure's current state in its owner's words (läget).",
        "Åtgärdens läge just nu, med ägarens ord.",
    ),
    "structure.bad_situation": (
        "The current state (läget) cannot be stored: {problem}.",
        "Läget kan inte sparas: {problem}.",
    ),
    "structure.cmd_note": (
        "Set a measure's current state (läget) in its owner's words; an empty TEXT clears it.",
        "Skriv en åtgärds läge just nu med ägarens ord; en tom TEXT tar bort det.",
    ),
    "structure.arg_situation": (
        'The current state, e.g. "Uppstart i maj".',
        'Läget, t.ex. "Uppstart i maj".',
    ),
    "structure.col_situation": (
        "Current state",
        "Läget",
    ),
    "structure.exists": (
        "The plan has a {kind} {key} already; choose another id, or use edit to change it.",
        "Planen har redan en {kind} {key}; välj ett annat id, eller använd edit för att ändra den.",
    ),
    "structure.nothing": (
        "Nothing to change: give at least one option for the {kind} (see --help).",
        "Inget att ändra: ange minst ett alternativ för {kind} (se --help).",
    ),
    "structure.needs_measure": (
        "A new {kind} needs --measure: the measure it belongs to.",
        "En ny {kind} behöver --measure: åtgärden den hör till.",
    ),
    "structure.remove_needs_force": (
        "Measure {key} has a history in the event log; add --force to remove it (the log and the snapshots keep its history, and kplan undo brings it back).",
        "Åtgärd {key} har en historik i händelseloggen; lägg till --force för att ta bort den (loggen och ögonblicksbilderna behåller historiken, och kplan undo tar tillbaka den).",
    ),
    "structure.permission": (
        "{actor} may not change {what}: in this plan only a coordinator ({coordinators}) changes its structure; a measure's owner may edit only the texts of her own measure ({texts}).",
        "{actor} får inte ändra {what}: i den här planen ändrar bara en samordnare ({coordinators}) dess struktur; en åtgärds ägare får bara ändra texterna i sin egen åtgärd ({texts}).",
    ),
    "structure.cannot_revert": (
        "The change cannot be undone, the plan has changed since: {problems}",
        "Ändringen kan inte ångras, planen har ändrats sedan dess: {problems}",
    ),
    "structure.cmd_measure": (
        "Add, edit and remove measures.",
        "Lägg till, ändra och ta bort åtgärder.",
    ),
    "structure.cmd_collab": (
        "Add, edit and remove collaborations.",
        "Lägg till, ändra och ta bort samverkan.",
    ),
    "structure.cmd_indicator": (
        "Add, edit and remove indicators.",
        "Lägg till, ändra och ta bort indikatorer.",
    ),
    "structure.cmd_measure_add": (
        "Add a measure (--title and --owner are required).",
        "Lägg till en åtgärd (--title och --owner krävs).",
    ),
    "structure.cmd_measure_edit": (
        "Change a measure's fields; an empty text clears an optional one.",
        "Ändra en åtgärds fält; en tom text tar bort ett valfritt fält.",
    ),
    "structure.cmd_measure_remove": (
        "Remove a measure with its collaborations and indicators (--force if it has a history).",
        "Ta bort en åtgärd med dess samverkan och indikatorer (--force om den har en historik).",
    ),
    "structure.cmd_collab_add": (
        "Add a collaboration to a measure (--measure, --name and --actors are required).",
        "Lägg till samverkan i en åtgärd (--measure, --name och --actors krävs).",
    ),
    "structure.cmd_collab_edit": (
        "Change a collaboration; --measure moves it to another measure.",
        "Ändra en samverkan; --measure flyttar den till en annan åtgärd.",
    ),
    "structure.cmd_collab_remove": (
        "Remove a collaboration.",
        "Ta bort en samverkan.",
    ),
    "structure.cmd_indicator_add": (
        "Add an indicator to a measure (--measure and --name are required).",
        "Lägg till en indikator i en åtgärd (--measure och --name krävs).",
    ),
    "structure.cmd_indicator_edit": (
        "Change an indicator; --measure moves it to another measure.",
        "Ändra en indikator; --measure flyttar den till en annan åtgärd.",
    ),
    "structure.cmd_indicator_remove": (
        "Remove an indicator with its values.",
        "Ta bort en indikator med dess värden.",
    ),
    "structure.arg_collab": (
        "The collaboration's id, e.g. fastighet.",
        "Samverkans id, t.ex. fastighet.",
    ),
    "structure.arg_indicator": (
        "The indicator's id, e.g. restid.",
        "Indikatorns id, t.ex. restid.",
    ),
    "structure.opt_title": (
        "The measure's title.",
        "Åtgärdens titel.",
    ),
    "structure.opt_owner": (
        "The process owner: the id of a person of the plan.",
        "Processägaren: id för en person i planen.",
    ),
    "structure.opt_area": (
        'The measure\'s area; "" clears it.',
        'Åtgärdens område; "" tar bort det.',
    ),
    "structure.opt_goal": (
        'The measure\'s goal; "" clears it.',
        'Åtgärdens mål; "" tar bort det.',
    ),
    "structure.opt_start": (
        'When work starts, YYYY-MM-DD; "" clears it.',
        'När arbetet börjar, ÅÅÅÅ-MM-DD; "" tar bort det.',
    ),
    "structure.opt_due": (
        'When it should be done, YYYY-MM-DD, not before the start; "" clears it.',
        'När den ska vara klar, ÅÅÅÅ-MM-DD, inte före starten; "" tar bort det.',
    ),
    "structure.opt_description": (
        'Free text about the measure; "" clears it.',
        'Fri text om åtgärden; "" tar bort den.',
    ),
    "structure.opt_name": (
        "The name.",
        "Namnet.",
    ),
    "structure.opt_measure": (
        "The measure it belongs to (for edit: moves it there).",
        "Åtgärden den hör till (vid edit: flyttar den dit).",
    ),
    "structure.opt_actors": (
        "The organisations taking part: ids of the plan's organisations, separated by commas.",
        "Organisationerna som deltar: id för planens organisationer, åtskilda med komman.",
    ),
    "structure.opt_step": (
        "The ladder step reached, from 1.",
        "Steget på stegen som nåtts, från 1.",
    ),
    "structure.opt_collab_note": (
        "The collaboration's note (its own text, not the log's); \"\" clears it.",
        'Samverkans kommentar (dess egen text, inte loggens); "" tar bort den.',
    ),
    "structure.opt_unit": (
        'The unit, e.g. "%"; "" clears it.',
        'Enheten, t.ex. "%"; "" tar bort den.',
    ),
    "structure.opt_baseline": (
        'The value at the start; "" clears it.',
        'Värdet vid starten; "" tar bort det.',
    ),
    "structure.opt_target": (
        'The value aimed at; "" clears it.',
        'Målvärdet; "" tar bort det.',
    ),
    "structure.opt_direction": (
        "Which way is better: increase or decrease (öka, minska).",
        "Åt vilket håll det blir bättre: increase eller decrease (öka, minska).",
    ),
    "structure.opt_force": (
        "Remove a measure that has a history in the event log.",
        "Ta bort en åtgärd som har en historik i händelseloggen.",
    ),
    # Import conflicts: follow-up work a plan file would undo (kplan import)
    "importconflict.refused": (
        "Import of plan {plan} refused: {count} follow-up values were changed in the store"
        " after the file's base, and the file changes them too. Nothing was written.",
        "Inläsningen av planen {plan} avbröts: {count} uppföljningsvärden har ändrats i lagret"
        " efter filens utgångsläge, och filen ändrar dem också. Inget skrevs.",
    ),
    "importconflict.refused_one": (
        "Import of plan {plan} refused: 1 follow-up value was changed in the store"
        " after the file's base, and the file changes it too. Nothing was written.",
        "Inläsningen av planen {plan} avbröts: 1 uppföljningsvärde har ändrats i lagret"
        " efter filens utgångsläge, och filen ändrar det också. Inget skrevs.",
    ),
    "importconflict.nothing_else": (
        "Plan {plan}: nothing else to change.",
        "Planen {plan}: inget annat att ändra.",
    ),
    "importconflict.hint": (
        " Use --keep-store to keep the store's values and import the rest,"
        " or --force to let the file's values win.",
        " Använd --keep-store för att behålla lagrets värden och läsa in resten,"
        " eller --force för att låta filens värden gälla.",
    ),
    "importconflict.base_exported": (
        "The file's base: it was exported at {at}.",
        "Filens utgångsläge: den exporterades {at}.",
    ),
    "importconflict.base_import": (
        "The file's base: the plan's last import, at {at}.",
        "Filens utgångsläge: planens senaste inläsning, {at}.",
    ),
    "importconflict.line": (
        "{what} {field}: the file says {file}, the store says {store} (changed by {actor} at {at})",
        "{what} {field}: filen säger {file}, lagret säger {store} (ändrat av {actor} {at})",
    ),
    "importconflict.kept": (
        "Kept the store's values of {count} follow-up {count:|value|values} changed after the file's base:",
        "Behöll lagrets värden för {count} {count:|uppföljningsvärde|uppföljningsvärden} som ändrats efter filens"
        " utgångsläge:",
    ),
    "importconflict.kept_one": (
        "Kept the store's value of 1 follow-up value changed after the file's base:",
        "Behöll lagrets värde för 1 uppföljningsvärde som ändrats efter filens utgångsläge:",
    ),
    "importconflict.forced": (
        "The file's values replaced {count} follow-up {count:|value|values} changed after the file's base:",
        "Filens värden ersatte {count} {count:|uppföljningsvärde|uppföljningsvärden} som ändrats efter filens utgångsläge:",
    ),
    "importconflict.would_force": (
        "The file's values would replace {count} follow-up {count:|value|values} changed after the file's base:",
        "Filens värden skulle ersätta {count} {count:|uppföljningsvärde|uppföljningsvärden} som ändrats efter filens"
        " utgångsläge:",
    ),
    "importconflict.would_keep": (
        "Would keep the store's values of {count} follow-up {count:|value|values} changed after the file's base:",
        "Skulle behålla lagrets värden för {count} {count:|uppföljningsvärde|uppföljningsvärden} som ändrats efter filens"
        " utgångsläge:",
    ),
    "importconflict.bad_base": (
        "The file's {mark} line names no moment: '{value}'. Write an ISO date and time,"
        " such as {mark} 2026-03-01T09:30:00Z, or remove the line.",
        "Filens {mark}-rad anger ingen tidpunkt: '{value}'. Skriv ett ISO-datum med tid,"
        " till exempel {mark} 2026-03-01T09:30:00Z, eller ta bort raden.",
    ),
    "importconflict.future_base": (
        "The file's {mark} line names a moment that has not come yet: '{value}'."
        " Write when the file was made, or remove the line.",
        "Filens {mark}-rad anger en tidpunkt som inte har kommit än: '{value}'."
        " Skriv när filen gjordes, eller ta bort raden.",
    ),
    "importconflict.both": (
        "--keep-store and --force cannot be used together: choose one.",
        "--keep-store och --force kan inte användas samtidigt: välj en av dem.",
    ),
    "importconflict.opt_keep_store": (
        "Where the store changed a follow-up value after the file's base and the file"
        " changes it too, keep the store's value and import the rest.",
        "Där lagret har ändrat ett uppföljningsvärde efter filens utgångsläge och filen"
        " också ändrar det: behåll lagrets värde och läs in resten.",
    ),
    "importconflict.opt_force": (
        "Let the file's values win over follow-up values the store changed after the file's base.",
        "Låt filens värden gälla över uppföljningsvärden som lagret har ändrat efter filens"
        " utgångsläge.",
    ),
    # The TUI's structure dialogs: a measure edited or added, läget, collaborations
    "tui_edit.key_edit": ("Edit", "Redigera"),
    "tui_edit.key_situation": ("Current state", "Läget"),
    "tui_edit.key_collab_add": ("Add collab.", "Ny samverkan"),
    "tui_edit.key_collab_edit": ("Edit collab.", "Ändra samverkan"),
    "tui_edit.key_step": ("Step", "Steg"),
    "tui_edit.key_add_measure": ("Add measure", "Ny åtgärd"),
    "tui_edit.edit_title": ("Edit the measure", "Redigera åtgärden"),
    "tui_edit.add_title": ("Add a measure", "Lägg till en åtgärd"),
    "tui_edit.collab_add_title": ("Add a collaboration", "Lägg till en samverkan"),
    "tui_edit.collab_edit_title": ("Edit a collaboration", "Ändra en samverkan"),
    "tui_edit.step_title": ("Move a collaboration on the ladder", "Flytta en samverkan på trappan"),
    "tui_edit.id": ("Id (letters, digits, - and _)", "Id (bokstäver, siffror, - och _)"),
    "tui_edit.title": ("Title", "Titel"),
    "tui_edit.owner": ("Owner", "Ansvarig"),
    "tui_edit.area": ("Area", "Område"),
    "tui_edit.goal": ("Goal", "Mål"),
    "tui_edit.start": ("Start (YYYY-MM-DD)", "Start (ÅÅÅÅ-MM-DD)"),
    "tui_edit.due": ("Due (YYYY-MM-DD)", "Klart senast (ÅÅÅÅ-MM-DD)"),
    "tui_edit.description": ("Description", "Beskrivning"),
    "tui_edit.name": ("Name", "Namn"),
    "tui_edit.actors": ("Actors (space ticks one)", "Aktörer (mellanslag bockar i)"),
    "tui_edit.step": ("Step on the ladder", "Steg på trappan"),
    "tui_edit.collab_note": ("About the collaboration", "Om samverkan"),
    "tui_edit.measure": ("Measure", "Åtgärd"),
    "tui_edit.choose_owner": ("Choose the owner", "Välj ansvarig"),
    "tui_edit.texts_only": (
        "As the measure's owner you may change its texts ({texts}); a coordinator changes the rest.",
        "Som åtgärdens ansvariga får du ändra dess texter ({texts}); en samordnare ändrar resten.",
    ),
    "tui_edit.situation_help": (
        "Where the measure stands now, in the owner's words; empty clears it.",
        "Hur det går för åtgärden just nu, med den ansvarigas ord; tomt tar bort det.",
    ),
    "tui_edit.no_collaborations": (
        "Measure {measure} has no collaborations yet; press a to add one.",
        "Åtgärd {measure} har ingen samverkan än; tryck a för att lägga till en.",
    ),
    # The plan's settings (kplan plan show, kplan plan edit)
    "settings.cmd_plan": (
        "Show and change the plan's settings.",
        "Visa och ändra planens inställningar.",
    ),
    "settings.cmd_show": (
        "Show the plan's settings: title, period, coordinators, edit policy, ladder.",
        "Visa planens inställningar: titel, period, samordnare, ändringsregel, trappa.",
    ),
    "settings.cmd_edit": (
        "Change the plan's settings (title, period, description, coordinators, edit policy,"
        " ladder questions); an empty text clears an optional one.",
        "Ändra planens inställningar (titel, period, beskrivning, samordnare, ändringsregel,"
        " trappstegens frågor); en tom text tar bort en valfri inställning.",
    ),
    "settings.opt_title": ("The plan's title.", "Planens titel."),
    "settings.opt_start": (
        "The first day of the plan's period (YYYY-MM-DD; empty: none).",
        "Första dagen i planens period (ÅÅÅÅ-MM-DD; tom: ingen).",
    ),
    "settings.opt_end": (
        "The last day of the plan's period, not before its start (YYYY-MM-DD; empty: none).",
        "Sista dagen i planens period, inte före starten (ÅÅÅÅ-MM-DD; tom: ingen).",
    ),
    "settings.opt_description": (
        "The plan's description (empty: none).",
        "Planens beskrivning (tom: ingen).",
    ),
    "settings.opt_coordinators": (
        "The plan's coordinators, persons of the plan, separated by commas (replaces the list).",
        "Planens samordnare, personer i planen, åtskilda med kommatecken (ersätter listan).",
    ),
    "settings.opt_edit": (
        "Who may change the plan: open (anyone) or owners (owners and coordinators).",
        "Vem som får ändra planen: open (alla) eller owners (ägare och samordnare).",
    ),
    "settings.opt_ladder_question": (
        "The question of ladder step N, as N=TEXT (repeat for more steps; empty TEXT: none).",
        "Frågan för trappans steg N, som N=TEXT (upprepa för fler steg; tom TEXT: ingen).",
    ),
    "settings.opt_force": (
        'Make a change that leaves you outside the coordinators of an "owners" plan.',
        'Gör en ändring som lämnar dig utanför samordnarna i en plan med "owners".',
    ),
    "settings.nothing": (
        "Nothing to change: give at least one of {options} (see kplan plan edit --help).",
        "Inget att ändra: ange minst ett av {options} (se kplan plan edit --help).",
    ),
    "settings.bad_step": (
        "--ladder-question: '{value}' is not N=TEXT with N a step of the ladder, 1 to {steps}"
        " ({ladder})",
        "--ladder-question: '{value}' är inte N=TEXT med N ett steg i trappan, 1 till {steps}"
        " ({ladder})",
    ),
    "settings.locks_out": (
        "{actor} would not be a coordinator of plan {plan} (coordinators: {coordinators}), whose"
        ' edit policy is "owners": {actor} could no longer change its settings or undo this.'
        " Add --force to do it anyway.",
        "{actor} skulle inte vara samordnare i planen {plan} (samordnare: {coordinators}), vars"
        ' ändringsregel är "owners": {actor} skulle inte längre kunna ändra dess'
        " inställningar eller ångra detta. Lägg till --force för att ändå göra det.",
    ),
    "settings.permission": (
        "change the plan's settings",
        "ändra planens inställningar",
    ),
    "settings.col_edit": ("Edit policy", "Ändringsregel"),
    "settings.col_coordinators": ("Coordinators", "Samordnare"),
    "settings.col_perspectives": ("Perspectives", "Perspektiv"),
    "settings.col_ladder": ("Ladder (step, name, question)", "Trappa (steg, namn, fråga)"),
    "settings.edit_open": (
        "open (anyone may change the plan)",
        "open (alla får ändra planen)",
    ),
    "settings.edit_owners": (
        "owners (a measure's owner and the coordinators)",
        "owners (åtgärdens ägare och samordnarna)",
    ),
    "settings.stranger_any": (
        "{actor} is not a person of any plan of this store ({plan}); did you mean {suggestion}?",
        "{actor} är inte en person i någon plan i detta lager ({plan}); menade du {suggestion}?",
    ),
    "settings.stranger_any_none": (
        "{actor} is not a person of any plan of this store ({plan}; their people: {people})",
        "{actor} är inte en person i någon plan i detta lager ({plan}; deras personer: {people})",
    ),
    # The follow-up year: rounds' history, overdue measures, reminders, the calendar
    "year.none_open_last": (
        "no follow-up round is open; the last one, '{name}', closed on {closed} with {reported} of {total} {total:|measure|measures} reported. See it with: kplan round show NAME; open a new one with: kplan round open NAME",
        "ingen uppföljningsomgång är öppen; den senaste, '{name}', stängdes {closed} med {reported} av {total} {total:|åtgärd|åtgärder} rapporterade. Visa den med: kplan round show NAME; öppna en ny med: kplan round open NAME",
    ),
    "year.no_rounds": (
        "no round named '{name}': the plan has had no rounds yet. Open one with: kplan round open NAME",
        "ingen omgång heter '{name}': planen har inte haft några omgångar ännu. Öppna en med: kplan round open NAME",
    ),
    "year.unknown_round": (
        "no round named '{name}'; the plan's rounds are: {valid}{hint}",
        "ingen omgång heter '{name}'; planens omgångar är: {valid}{hint}",
    ),
    "year.cmd_round_list": (
        "List every round of the plan, open or closed.",
        "Lista planens alla omgångar, öppna och stängda.",
    ),
    "year.cmd_round_show": (
        "Show one round, open or closed: who reported what, with notes, and what changed since the round before.",
        "Visa en omgång, öppen eller stängd: vem som rapporterade vad, med anteckningar, och vad som ändrats sedan omgången före.",
    ),
    "year.arg_round": ("The round's name.", "Omgångens namn."),
    "year.list_none": (
        "No rounds yet. Open one with: kplan round open NAME",
        "Inga omgångar ännu. Öppna en med: kplan round open NAME",
    ),
    "year.col_opened": ("Opened", "Öppnad"),
    "year.col_due": ("Due", "Klar senast"),
    "year.col_closed": ("Closed", "Stängd"),
    "year.due_overdue": (
        "{due} ({days} {days:|day|days} overdue)",
        "{due} ({days} {days:|dag|dagar} försenad)",
    ),
    "year.still_open": ("open", "öppen"),
    "year.reported_of": ("{reported} of {total}", "{reported} av {total}"),
    "year.show_head_open": (
        "Round '{name}' (open): {reported} reported",
        "Omgången '{name}' (öppen): {reported} {reported:|rapporterad|rapporterade}",
    ),
    "year.show_head_closed": (
        "Round '{name}' (closed {closed} by {by}): {reported} reported",
        "Omgången '{name}' (stängd {closed} av {by}): {reported} {reported:|rapporterad|rapporterade}",
    ),
    "year.show_opened": ("Opened {at} by {by}", "Öppnad {at} av {by}"),
    "year.show_due": ("Due {due}", "Klar senast {due}"),
    "year.show_reports": ("Reports ({count}):", "Rapporter ({count}):"),
    "year.show_report": (
        "{measure}  {title}  reported by {by}, {at}",
        "{measure}  {title}  rapporterad av {by}, {at}",
    ),
    "year.show_unreported": ("Not reported ({count}):", "Inte rapporterade ({count}):"),
    "year.show_owners": ("Reported per owner:", "Rapporterat per ansvarig:"),
    "year.show_no_changes": (
        "No earlier round's snapshot to compare with.",
        "Ingen ögonblicksbild från en tidigare omgång att jämföra med.",
    ),
    "year.show_nothing_changed": (
        "Nothing changed since '{previous}'.",
        "Inget har ändrats sedan '{previous}'.",
    ),
    "year.show_changes": ("Changed since '{previous}':", "Ändrat sedan '{previous}':"),
    "year.opt_overdue": (
        "Only measures past their due date that are neither done nor cancelled.",
        "Bara åtgärder vars slutdatum har passerat och som varken är klara eller avbrutna.",
    ),
    "year.status_overdue": (
        "{status}, {days} {days:|day|days} overdue",
        "{status}, {days} {days:|dag|dagar} efter slutdatum",
    ),
    "year.col_overdue": ("Overdue", "Förfallen"),
    "year.overdue_days": (
        "{days} {days:|day|days} past the due date",
        "{days} {days:|dag|dagar} efter slutdatum",
    ),
    "year.show_overdue": (
        "Overdue: {days} {days:|day|days} past the due date ({due}), neither done nor cancelled",
        "Förfallen: {days} {days:|dag|dagar} efter slutdatum ({due}), varken klar eller avbruten",
    ),
    "year.cmd_calendar": (
        "Write the plan period, every measure's due date and the rounds' deadlines as an iCalendar file.",
        "Skriv planperioden, varje åtgärds slutdatum och omgångarnas sista dagar som en iCalendar-fil.",
    ),
    "year.opt_calendar_output": (
        "Write the calendar to FILE (.ics) rather than to standard output.",
        "Skriv kalendern till FILE (.ics) i stället för till standardutmatningen.",
    ),
    "year.opt_calendar_owner": (
        "Only this owner's measures (the plan period and the rounds stay).",
        "Bara den här ansvarigas åtgärder (planperioden och omgångarna är kvar).",
    ),
    "year.cal_plan": ("Plan period: {title}", "Planperiod: {title}"),
    "year.cal_plan_text": (
        "The plan {title} runs from {start} to {end}.",
        "Planen {title} gäller från {start} till {end}.",
    ),
    "year.cal_measure": ("Due: {id} {title}", "Slutdatum: {id} {title}"),
    "year.cal_measure_owner": ("Owner: {owner}", "Ansvarig: {owner}"),
    "year.cal_measure_status": ("Status: {status}", "Status: {status}"),
    "year.cal_round": (
        "Follow-up round '{name}': reports due",
        "Uppföljningsomgången '{name}': sista dag för rapporter",
    ),
    "year.cal_round_text": (
        "The last day to report in the follow-up round '{name}' of {plan}.",
        "Sista dagen att rapportera i uppföljningsomgången '{name}' för {plan}.",
    ),
    "year.cmd_remind": (
        "Write each process owner's digest of what to follow up (the open round's unreported measures, overdue measures, quiet delayed measures, stuck collaborations); with --send, e-mail it.",
        "Skriv varje processägares sammanställning av vad som ska följas upp (den öppna omgångens orapporterade åtgärder, förfallna åtgärder, försenade åtgärder utan anteckning, samverkan som står still); med --send skickas den med e-post.",
    ),
    "year.opt_remind_format": (
        "The digests' format: text, md (Markdown) or eml (e-mail messages). [default: text]",
        "Sammanställningarnas format: text, md (Markdown) eller eml (e-postmeddelanden). [standard: text]",
    ),
    "year.opt_remind_output": (
        "Write one file per owner into the folder DIR (made if missing) rather than to standard output.",
        "Skriv en fil per ansvarig i mappen DIR (skapas om den saknas) i stället för till standardutmatningen.",
    ),
    "year.opt_remind_send": (
        "Send each digest by e-mail to its owner over SMTP (settings: docs/cli.md, kplan remind). Without it nothing is sent.",
        "Skicka varje sammanställning med e-post till den ansvariga via SMTP (inställningar: docs/cli.md, kplan remind). Utan flaggan skickas ingenting.",
    ),
    "year.opt_quiet_days": (
        "Remind of a delayed measure whose last note is more than N days old. [default: 30]",
        "Påminn om en försenad åtgärd vars senaste anteckning är mer än N dagar gammal. [standard: 30]",
    ),
    "year.opt_stuck_days": (
        "Remind of a collaboration that has not moved a step in more than N days. [default: 90]",
        "Påminn om en samverkan som inte har flyttats ett steg på mer än N dagar. [standard: 90]",
    ),
    "year.opt_remind_owner": (
        "Only this owner's digest.",
        "Bara den här ansvarigas sammanställning.",
    ),
    "year.opt_smtp_config": (
        "The SMTP settings file (TOML, an [smtp] table); KPLAN_SMTP_* variables win over it. Only with --send.",
        "Filen med SMTP-inställningar (TOML, en tabell [smtp]); variablerna KPLAN_SMTP_* går före den. Bara med --send.",
    ),
    "year.bad_remind_format": (
        "unknown format '{value}'; valid: {valid}",
        "okänt format '{value}'; giltiga: {valid}",
    ),
    "year.smtp_config_needs_send": (
        "--smtp-config is only used with --send; add --send to send, or leave it out to see the digests",
        "--smtp-config används bara med --send; lägg till --send för att skicka, eller utelämna den för att se sammanställningarna",
    ),
    "year.bad_days": (
        "{option} {value} is out of range; use a whole number of days from 0 to {high}",
        "{option} {value} ligger utanför intervallet; ange ett helt antal dagar från 0 till {high}",
    ),
    "year.remind_nothing": (
        "Nobody has anything to follow up: no messages.",
        "Ingen har något att följa upp: inga meddelanden.",
    ),
    "year.remind_no_email": (
        "Not sent to {owner} ({name}): the plan has no e-mail address for them. Add one with: kplan person edit {owner} --email ADDRESS",
        "Inte skickat till {owner} ({name}): planen har ingen e-postadress till hen. Lägg till en med: kplan person edit {owner} --email ADRESS",
    ),
    "year.remind_bad_email": (
        "Not sent to {owner} ({name}): '{email}' is not one e-mail address. Correct it with: kplan person edit {owner} --email ADDRESS",
        "Inte skickat till {owner} ({name}): '{email}' är inte en e-postadress. Rätta den med: kplan person edit {owner} --email ADRESS",
    ),
    "year.remind_bad_folder": (
        "cannot write the digests into {path}: {detail}",
        "kan inte skriva sammanställningarna i {path}: {detail}",
    ),
    "year.not_a_folder": ("it is not a folder", "det är ingen mapp"),
    "year.count_unreported": ("{count} unreported", "{count} {count:|orapporterad|orapporterade}"),
    "year.count_overdue": ("{count} overdue", "{count} {count:|förfallen|förfallna}"),
    "year.count_quiet": ("{count} without a recent note", "{count} utan ny anteckning"),
    "year.count_stuck": (
        "{count} stuck {count:|collaboration|collaborations}",
        "{count} samverkan som står still",
    ),
    "year.remind_sent": ("Sent to {to}: {what}", "Skickat till {to}: {what}"),
    "year.remind_not_sent": (
        "not sent to {to}: the server said: {reason}",
        "inte skickat till {to}: servern svarade: {reason}",
    ),
    "year.smtp_unreadable": (
        "cannot read the SMTP {what} file {path}: {detail}",
        "kan inte läsa SMTP-filen ({what}) {path}: {detail}",
    ),
    "year.smtp_too_big": (
        "the SMTP {what} file {path} is too big to be one",
        "SMTP-filen ({what}) {path} är för stor för att vara en sådan",
    ),
    "year.smtp_bad_file": (
        "the SMTP settings file {path} is not valid TOML: {detail}",
        "SMTP-inställningsfilen {path} är inte giltig TOML: {detail}",
    ),
    "year.smtp_no_table": (
        "the SMTP settings file {path} has no [smtp] table; see docs/cli.md, kplan remind",
        "SMTP-inställningsfilen {path} saknar tabellen [smtp]; se docs/cli.md, kplan remind",
    ),
    "year.smtp_password_in_file": (
        "the SMTP settings file {path} holds a password; kplan reads it only from KPLAN_SMTP_PASSWORD or a file named by password_file. Move it there",
        "SMTP-inställningsfilen {path} innehåller ett lösenord; kplan läser det bara från KPLAN_SMTP_PASSWORD eller en fil som password_file anger. Flytta det dit",
    ),
    "year.smtp_unknown_keys": (
        "the SMTP settings file {path} has unknown keys: {keys}; valid: {valid}",
        "SMTP-inställningsfilen {path} har okända nycklar: {keys}; giltiga: {valid}",
    ),
    "year.smtp_bad_value": (
        "the SMTP setting {key} ({source}) must be a non-empty line of text",
        "SMTP-inställningen {key} ({source}) måste vara en rad text som inte är tom",
    ),
    "year.smtp_bad_number": (
        "the SMTP setting {key} ({source}) must be a number from {low:g} to {high:g}",
        "SMTP-inställningen {key} ({source}) måste vara ett tal från {low:g} till {high:g}",
    ),
    "year.smtp_bad_sender": (
        "the sender '{value}' ({source}) is not one e-mail address; use e.g. Kplan <kplan@region.se>",
        "avsändaren '{value}' ({source}) är inte en e-postadress; använd t.ex. Kplan <kplan@region.se>",
    ),
    "year.smtp_missing": (
        "--send needs an SMTP server and a sender: set {missing} (or host and sender in the settings file, --smtp-config FILE); see docs/cli.md, kplan remind",
        "--send behöver en SMTP-server och en avsändare: sätt {missing} (eller host och sender i inställningsfilen, --smtp-config FILE); se docs/cli.md, kplan remind",
    ),
    "year.smtp_bad_tls": (
        "the SMTP setting tls ({source}) is '{value}'; valid: {valid}",
        "SMTP-inställningen tls ({source}) är '{value}'; giltiga: {valid}",
    ),
    "year.smtp_password_not_text": (
        "the SMTP password file {path} is not UTF-8 text",
        "SMTP-lösenordsfilen {path} är inte UTF-8-text",
    ),
    "year.smtp_no_password": (
        "an SMTP user is set but no password: set {variable}, or password_file in the settings file",
        "en SMTP-användare är angiven men inget lösenord: sätt {variable}, eller password_file i inställningsfilen",
    ),
    "year.smtp_cannot_connect": (
        "cannot send through the SMTP server {where}: {reason}; nothing was sent",
        "kan inte skicka via SMTP-servern {where}: {reason}; ingenting skickades",
    ),
    "year.mail_subject": (
        "{plan}: {count} {count:|thing|things} to follow up",
        "{plan}: {count} {count:|sak|saker} att följa upp",
    ),
    "year.remind_no_due": ("no due date", "inget slutdatum"),
    "year.remind_round_late": (
        "{days} {days:|day|days} past the round's due date ({due})",
        "{days} {days:|dag|dagar} efter omgångens sista dag ({due})",
    ),
    "year.remind_days_left": (
        "{days} {days:|day|days} left (due {due})",
        "{days} {days:|dag|dagar} kvar (senast {due})",
    ),
    "year.remind_item": ("{id} {title}: {detail}", "{id} {title}: {detail}"),
    "year.remind_overdue_detail": (
        "due {due}, {days} {days:|day|days} overdue",
        "slutdatum {due}, {days} {days:|dag|dagar} sedan",
    ),
    "year.remind_never_noted": (
        "no note yet ({days} {days:|day|days} in kplan)",
        "ingen anteckning ännu ({days} {days:|dag|dagar} i kplan)",
    ),
    "year.remind_last_note": (
        "last note {at} ({days} {days:|day|days} ago)",
        "senaste anteckning {at} (för {days} {days:|dag|dagar} sedan)",
    ),
    "year.remind_step_never": (
        "on step {step} since it came into kplan ({days} {days:|day|days})",
        "på steg {step} sedan den kom in i kplan ({days} {days:|dag|dagar})",
    ),
    "year.remind_step_since": (
        "on step {step} since {at} ({days} {days:|day|days})",
        "på steg {step} sedan {at} ({days} {days:|dag|dagar})",
    ),
    "year.remind_collab": (
        "{id} {name} (measure {measure}): {detail}",
        "{id} {name} (åtgärd {measure}): {detail}",
    ),
    "year.remind_head_unreported": (
        "Not yet reported in the follow-up round '{round}':",
        "Ännu inte rapporterade i uppföljningsomgången '{round}':",
    ),
    "year.remind_head_overdue": (
        "Overdue (past the due date, neither done nor cancelled):",
        "Förfallna (slutdatum passerat, varken klara eller avbrutna):",
    ),
    "year.remind_head_quiet": (
        "Delayed, with no note for more than {days} {days:|day|days}:",
        "Försenade, utan anteckning på mer än {days} {days:|dag|dagar}:",
    ),
    "year.remind_head_stuck": (
        "Collaborations that have not moved a step in more than {days} {days:|day|days}:",
        "Samverkan som inte har flyttats ett steg på mer än {days} {days:|dag|dagar}:",
    ),
    "year.remind_hint_unreported": (
        "Report with: kplan round report MEASURE --note TEXT",
        "Rapportera med: kplan round report MEASURE --note TEXT",
    ),
    "year.remind_hint_quiet": (
        "Say how it stands with: kplan note MEASURE TEXT",
        "Beskriv läget med: kplan note MEASURE TEXT",
    ),
    "year.remind_hint_stuck": (
        "Move a step with: kplan step COLLABORATION up",
        "Flytta ett steg med: kplan step COLLABORATION up",
    ),
    "year.remind_hello": ("Hello {name},", "Hej {name}!"),
    "year.remind_intro": (
        "this is what to follow up in {plan} ({id}) as of {day}.",
        "det här behöver följas upp i {plan} ({id}) per {day}.",
    ),
    "year.remind_signature": (
        "Sent by kplan for the plan's coordinators.",
        "Skickat av kplan för planens samordnare.",
    ),
    # The TUI's rounds: the open round in the summary, reporting, the rounds screen
    "tui_rounds.palette": ("Rounds", "Omgångar"),
    "tui_rounds.palette_help": (
        "Follow-up rounds, open and closed, with each owner's progress",
        "Uppföljningsomgångar, öppna och stängda, med varje ansvarigs framsteg",
    ),
    "tui_rounds.key_rounds": ("Rounds", "Omgångar"),
    "tui_rounds.key_report": ("Report", "Rapportera"),
    "tui_rounds.key_open": ("Open round", "Öppna omgång"),
    "tui_rounds.key_close": ("Close round", "Stäng omgång"),
    "tui_rounds.summary_round": ("Round '{name}' open", "Omgången '{name}' är öppen"),
    "tui_rounds.summary_mine": (
        "{count} of your {total} {total:|measure|measures} unreported",
        "{count} av {total:|din|dina} {total} {total:|åtgärd|åtgärder} orapporterade",
    ),
    "tui_rounds.summary_all": (
        "{reported} of {total} {total:|measure|measures} reported",
        "{reported} av {total} {total:|åtgärd|åtgärder} rapporterade",
    ),
    "tui_rounds.title": ("Follow-up rounds", "Uppföljningsomgångar"),
    "tui_rounds.loading": ("Reading the rounds…", "Läser omgångarna…"),
    "tui_rounds.none": (
        "No rounds yet. A coordinator opens one with o.",
        "Inga omgångar ännu. En samordnare öppnar en med o.",
    ),
    "tui_rounds.none_open": (
        "No round is open. A coordinator opens one with o.",
        "Ingen omgång är öppen. En samordnare öppnar en med o.",
    ),
    "tui_rounds.progress_head": (
        "Each owner's progress in '{name}'",
        "Varje ansvarigs framsteg i '{name}'",
    ),
    "tui_rounds.col_progress": ("Reported", "Rapporterat"),
    "tui_rounds.col_missing": ("Not reported", "Inte rapporterade"),
    "tui_rounds.reports_of": ("Reports of {owner}:", "Rapporter från {owner}:"),
    "tui_rounds.open_title": ("Open a follow-up round", "Öppna en uppföljningsomgång"),
    "tui_rounds.open_help": (
        "Every owner then reports her measures; closing the round takes a snapshot named after it.",
        "Varje ansvarig rapporterar sedan sina åtgärder; när omgången stängs tas en ögonblicksbild med dess namn.",
    ),
    "tui_rounds.name": ("Name", "Namn"),
    "tui_rounds.name_placeholder": ("e.g. Uppföljning 2016", "t.ex. Uppföljning 2016"),
    "tui_rounds.due": ("Due (YYYY-MM-DD, optional)", "Klar senast (ÅÅÅÅ-MM-DD, valfritt)"),
    "tui_rounds.open": ("Open", "Öppna"),
    "tui_rounds.close_title": ("Close round '{name}'", "Stäng omgången '{name}'"),
    "tui_rounds.close_question": (
        "{reported} of {total} {total:|measure|measures} {reported:|is|are} reported. Closing takes a snapshot named '{name}'.",
        "{reported} av {total} {total:|åtgärd|åtgärder} är {reported:|rapporterad|rapporterade}. När omgången stängs tas ögonblicksbilden '{name}'.",
    ),
    "tui_rounds.force": (
        "Close even with measures unreported (--force)",
        "Stäng trots att åtgärder är orapporterade (--force)",
    ),
    "tui_rounds.close": ("Close", "Stäng"),
    "tui_rounds.report_title": ("Report in round '{name}'", "Rapportera i omgången '{name}'"),
    "tui_rounds.report_title_none": ("Report in the open round", "Rapportera i den öppna omgången"),
    "tui_rounds.report": ("Report", "Rapportera"),
    "tui_rounds.reported_before": (
        "Reported already by {by}, {at}; reporting again replaces that report.",
        "Redan rapporterad av {by}, {at}; en ny rapport ersätter den.",
    ),
    # Official statistics: indicator sources, kplan indicator fetch, values split by group
    "stats.schema_groups": (
        "Values split by the groups of a perspective: perspective, then group, then values by"
        " period ({formats}).",
        "Värden uppdelade på ett perspektivs grupper: perspektiv, sedan grupp, sedan värden per"
        " period ({formats}).",
    ),
    "stats.schema_source": (
        "Where the indicator's values come from: a table of SCB's statistical database (PxWeb)"
        " or a Kolada key figure; kplan indicator fetch reads it.",
        "Var indikatorns värden kommer ifrån: en tabell i SCB:s statistikdatabas (PxWeb) eller"
        " ett nyckeltal i Kolada; kplan indicator fetch hämtar dem.",
    ),
    "stats.schema_source_kind": (
        "pxweb (SCB's statistical database) or kolada.",
        "pxweb (SCB:s statistikdatabas) eller kolada.",
    ),
    "stats.schema_source_url": (
        "The API's base address (PxWeb: up to /api/v2, or the v1 address up to the language);"
        " Kolada's own when left out.",
        "API:ets basadress (PxWeb: till och med /api/v2, eller v1-adressen till och med"
        " språket); Koladas egen om den utelämnas.",
    ),
    "stats.schema_source_api": (
        "The PxWeb API version: 2 (the default) or 1.",
        "PxWeb-API:ets version: 2 (standard) eller 1.",
    ),
    "stats.schema_source_table": (
        "PxWeb: the table's id (API 2) or its path in the database (API 1).",
        "PxWeb: tabellens id (API 2) eller dess sökväg i databasen (API 1).",
    ),
    "stats.schema_source_kpi": (
        "Kolada: the key figure's id (N00914...).",
        "Kolada: nyckeltalets id (N00914...).",
    ),
    "stats.schema_source_region": (
        "The region's code: SCB's two digits for a county, four for a municipality (Kolada:"
        " its municipality or region id).",
        "Regionens kod: SCB:s två siffror för ett län, fyra för en kommun (Kolada: kommunens"
        " eller regionens id).",
    ),
    "stats.schema_source_region_variable": (
        "PxWeb: the variable that holds the region (Region when left out).",
        "PxWeb: variabeln som anger regionen (Region om den utelämnas).",
    ),
    "stats.schema_source_time_variable": (
        "PxWeb: the variable that holds the period (Tid when left out).",
        "PxWeb: variabeln som anger perioden (Tid om den utelämnas).",
    ),
    "stats.schema_source_measure": (
        "PxWeb: the code of the measure (the ContentsCode value) to read.",
        "PxWeb: koden för det mått (ContentsCode-värdet) som ska läsas.",
    ),
    "stats.schema_source_measure_variable": (
        "PxWeb: the variable that holds the measure (ContentsCode when left out).",
        "PxWeb: variabeln som anger måttet (ContentsCode om den utelämnas).",
    ),
    "stats.schema_source_selection": (
        "PxWeb: the value codes of the other variables, by variable.",
        "PxWeb: värdekoderna för övriga variabler, per variabel.",
    ),
    "stats.schema_source_split": (
        "PxWeb: the variable whose values are the groups (Kon...). Kolada splits by gender.",
        "PxWeb: variabeln vars värden är grupperna (Kon...). Kolada delar upp på kön.",
    ),
    "stats.schema_source_perspective": (
        "The plan's perspective the groups belong to (kön...).",
        "Det perspektiv i planen som grupperna hör till (kön...).",
    ),
    "stats.schema_source_groups": (
        "The source's codes of the groups and the group each is (2 = kvinnor; Kolada: K, M).",
        "Källans koder för grupperna och vilken grupp varje kod är (2 = kvinnor; Kolada: K, M).",
    ),
    "stats.schema_source_total": (
        "The code whose value is the indicator's own value (PxWeb: a code of the split"
        " variable; Kolada: T).",
        "Koden vars värde är indikatorns eget värde (PxWeb: en kod i uppdelningsvariabeln;"
        " Kolada: T).",
    ),
    "stats.same_group": (
        "the group '{group}' is the same name as '{other}'; give each group one name",
        "gruppen '{group}' är samma namn som '{other}'; ge varje grupp ett namn",
    ),
    "stats.perspective_separator": (
        "the perspective '{perspective}' holds '=', so its values cannot be split by group;"
        " rename the perspective",
        "perspektivet '{perspective}' innehåller '=', så dess värden kan inte delas upp på"
        " grupper; byt namn på perspektivet",
    ),
    "stats.source_needs": (
        "a {kind} source needs '{key}'",
        "en källa av typen {kind} behöver '{key}'",
    ),
    "stats.source_needs_perspective": (
        "a source that splits by group needs 'perspective': the plan's perspective the groups"
        " belong to",
        "en källa som delar upp på grupper behöver 'perspective': det perspektiv i planen som"
        " grupperna hör till",
    ),
    "stats.bad_selection": (
        "expected an array of value codes (text), at least one",
        "väntade en lista med värdekoder (text), minst en",
    ),
    "stats.bad_group": (
        "'{group}' names no group: write PERSPECTIVE=GROUP (kön=kvinnor)",
        "'{group}' anger ingen grupp: skriv PERSPEKTIV=GRUPP (kön=kvinnor)",
    ),
    "stats.bad_group_name": (
        "the group '{group}' cannot be used: {problem}",
        "gruppen '{group}' kan inte användas: {problem}",
    ),
    "stats.opt_group": (
        "Record the value of one group of a perspective: PERSPECTIVE=GROUP (kön=kvinnor).",
        "Registrera värdet för en grupp i ett perspektiv: PERSPEKTIV=GRUPP (kön=kvinnor).",
    ),
    "stats.gap": (
        "gap between the groups of {perspective}",
        "skillnad mellan grupperna inom {perspective}",
    ),
    "stats.source_line": ("Source: {source}", "Källa: {source}"),
    "stats.bad_answer": (
        "the answer from {origin} cannot be used: {problem}",
        "svaret från {origin} går inte att använda: {problem}",
    ),
    "stats.not_utf8": ("it is not UTF-8 text", "det är inte UTF-8-text"),
    "stats.empty_answer": ("it is empty", "det är tomt"),
    "stats.not_json": (
        "it is not JSON, or it is cut short ({detail})",
        "det är inte JSON, eller så är det avkortat ({detail})",
    ),
    "stats.not_dataset": (
        "it is not a JSON-stat 2.0 dataset (ask for outputFormat json-stat2)",
        "det är inte ett JSON-stat 2.0-dataset (be om outputFormat json-stat2)",
    ),
    "stats.not_kolada": (
        "it is not a Kolada answer (an object with a list 'values' of items)",
        "det är inte ett svar från Kolada (ett objekt med en lista 'values')",
    ),
    "stats.no_category": (
        "the dimension '{dimension}' has no categories",
        "dimensionen '{dimension}' saknar kategorier",
    ),
    "stats.bad_index": (
        "the categories of '{dimension}' are not a list of codes or a map of code to position",
        "kategorierna i '{dimension}' är varken en lista med koder eller en tabell från kod"
        " till position",
    ),
    "stats.bad_dimensions": (
        "'id' and 'size' must be lists of the same length (dimension ids and their sizes)"
        " and 'dimension' an object",
        "'id' och 'size' måste vara listor av samma längd (dimensionernas id och storlek)"
        " och 'dimension' ett objekt",
    ),
    "stats.bad_size": (
        "the dimension '{dimension}' has {found} {found:|category|categories}, but 'size' says {size}",
        "dimensionen '{dimension}' har {found} {found:|kategori|kategorier}, men 'size' anger {size}",
    ),
    "stats.bad_values": (
        "'value' must hold {cells} {cells:|cell|cells} (a list, or an object from position to value);"
        " found {found}",
        "'value' måste ha {cells} {cells:|cell|celler} (en lista, eller ett objekt från position till"
        " värde); fann {found}",
    ),
    "stats.bad_number": (
        "'{value}' is not a finite number",
        "'{value}' är inte ett ändligt tal",
    ),
    "stats.no_dimension": (
        "it has no variable '{dimension}' (check the source's variables in the plan file)",
        "det har ingen variabel '{dimension}' (kontrollera källans variabler i planfilen)",
    ),
    "stats.bad_time": (
        "the time code '{code}' is no period kplan knows (YYYY, YYYYMmm, YYYYKn...)",
        "tidskoden '{code}' är ingen period kplan känner (ÅÅÅÅ, ÅÅÅÅMmm, ÅÅÅÅKn...)",
    ),
    "stats.ambiguous": (
        "it has more than one value for {period}; narrow the source's selection to one",
        "det har mer än ett värde för {period}; begränsa källans urval till ett",
    ),
    "stats.refused": (
        "{origin} refused the query: {detail}",
        "{origin} avvisade frågan: {detail}",
    ),
    "stats.timeout": (
        "no answer from {origin} within {seconds} s; try again later or give --timeout",
        "inget svar från {origin} inom {seconds} s; försök igen senare eller ange --timeout",
    ),
    "stats.unreachable": (
        "cannot reach {origin}: {detail}",
        "når inte {origin}: {detail}",
    ),
    "stats.cut_short": (
        "the answer from {origin} was cut short: {detail}",
        "svaret från {origin} avbröts: {detail}",
    ),
    "stats.bad_url": (
        "'{url}' is not an address kplan can fetch (http or https): {detail}",
        "'{url}' är ingen adress kplan kan hämta från (http eller https): {detail}",
    ),
    "stats.too_large": (
        "the answer from {origin} is larger than {limit} MB; narrow the source's selection",
        "svaret från {origin} är större än {limit} MB; begränsa källans urval",
    ),
    "stats.too_many_pages": (
        "{origin} answered in more than {pages} {pages:|page|pages}; narrow the source",
        "{origin} svarade med fler än {pages} {pages:|sida|sidor}; begränsa källan",
    ),
    "stats.unreadable": (
        "cannot read {path}: {detail}",
        "kan inte läsa {path}: {detail}",
    ),
    "stats.none_sourced": (
        "no indicator of plan {plan} has a source; give one a 'source' table in the plan file",
        "ingen indikator i planen {plan} har en källa; ge en indikator en 'source'-tabell i"
        " planfilen",
    ),
    "stats.no_source": (
        "the indicator {indicator} has no source; give it a 'source' table in the plan file",
        "indikatorn {indicator} har ingen källa; ge den en 'source'-tabell i planfilen",
    ),
    "stats.from_file_one": (
        "--from-file holds one source's answer: name the one indicator it is for",
        "--from-file innehåller en källas svar: ange den indikator det gäller",
    ),
    "stats.bad_timeout": (
        "--timeout must be a number of seconds above 0 and at most 86400, not {value}",
        "--timeout måste vara ett antal sekunder över 0 och högst 86400, inte {value}",
    ),
    "stats.bad_url_option": (
        "--url must be an http or https address with a host, such as"
        " http://127.0.0.1:8080/api/v2, not '{url}'",
        "--url måste vara en http- eller https-adress med en värd, till exempel"
        " http://127.0.0.1:8080/api/v2, inte '{url}'",
    ),
    "stats.opt_url": (
        "Ask this base address instead of each source's own (a mirror or a test server).",
        "Fråga den här basadressen i stället för källans egen (en spegel eller en testserver).",
    ),
    "stats.cmd_fetch": (
        "Read the indicators' sources (SCB's PxWeb, Kolada) and record the values that changed.",
        "Hämta indikatorernas källor (SCB:s PxWeb, Kolada) och registrera de värden som ändrats.",
    ),
    "stats.arg_indicators": (
        "The indicators to fetch (each with a source); every indicator with a source when none.",
        "Indikatorerna som ska hämtas (var och en med en källa); alla med källa om ingen anges.",
    ),
    "stats.opt_from_file": (
        "Read a saved answer (JSON-stat 2.0 or Kolada JSON) instead of asking the source.",
        "Läs ett sparat svar (JSON-stat 2.0 eller Koladas JSON) i stället för att fråga källan.",
    ),
    "stats.opt_dry_run": (
        "Show what would be recorded; write nothing.",
        "Visa vad som skulle registreras; skriv ingenting.",
    ),
    "stats.opt_timeout": (
        "Seconds to wait for a source to answer (default 30).",
        "Sekunder att vänta på att en källa svarar (standard 30).",
    ),
    "stats.fetched": (
        "{indicator}: {source}, updated {updated}",
        "{indicator}: {source}, uppdaterad {updated}",
    ),
    "stats.nothing_changed": (
        "Nothing changed: the store holds what the sources say.",
        "Inget ändrades: lagret har redan det källorna anger.",
    ),
    "stats.recorded": (
        "Recorded {count} {count:|value|values}:",
        "Registrerade {count} {count:|värde|värden}:",
    ),
    "stats.would_record": (
        "Would record {count} {count:|value|values} (--dry-run, nothing written):",
        "Skulle registrera {count} {count:|värde|värden} (--dry-run, inget skrevs):",
    ),
    "stats.fetched_from": (
        "{source}, updated {updated}, sha256 {sha}…",
        "{source}, uppdaterad {updated}, sha256 {sha}…",
    ),
    "stats.gap_up": ("narrowing", "minskar"),
    "stats.gap_down": ("widening", "ökar"),
    "stats.gap_flat": ("unchanged", "oförändrad"),
    "stats.gap_none": ("–", "–"),
    "stats.report_heading": ("Values split by group", "Värden uppdelade på grupper"),
    "stats.report_intro": (
        "Indicators whose values are split by the groups of a perspective; the gap is the"
        " highest group's value less the lowest's, and it narrows (↑) or widens (↓).",
        "Indikatorer vars värden är uppdelade på ett perspektivs grupper; skillnaden är den"
        " högsta gruppens värde minus den lägstas, och den minskar (↑) eller ökar (↓).",
    ),
    "stats.col_group": ("Group", "Grupp"),
    # The plan across the years (kplan trend) and regions side by side (kplan compare)
    "trend.cmd": (
        "The plan across the years: statuses, Fyra P, perspectives, ladder and indicators "
        "for each year's last snapshot (or closed round), or for the named snapshots.",
        "Planen över åren: status, Fyra P, perspektiv, trappa och indikatorer för varje års "
        "sista ögonblicksbild (eller stängda omgång), eller för de namngivna.",
    ),
    "trend.opt_snapshot": (
        "A snapshot to show (repeat for more); without it, each year's last snapshot.",
        "En ögonblicksbild att visa (upprepa för fler); utan den, varje års sista.",
    ),
    "trend.no_snapshots": (
        "The plan has no snapshots or closed rounds yet: take one with "
        "`kplan snapshot take NAME` or close a round, then run `kplan trend` again.",
        "Planen har ännu inga ögonblicksbilder eller stängda omgångar: ta en med "
        "`kplan snapshot take NAMN` eller stäng en omgång och kör sedan `kplan trend` igen.",
    ),
    "trend.col_figure": ("Figure", "Mått"),
    "trend.row_measures": ("Measures", "Åtgärder"),
    "trend.row_status": ("Status: {status}", "Status: {status}"),
    "trend.row_four_p": ("Fyra P done", "Fyra P genomfört"),
    "trend.four_p_cell": ("{share} ({done} of {of})", "{share} ({done} av {of})"),
    "trend.row_four_p_part": ("  Fyra P: {part}", "  Fyra P: {part}"),
    "trend.row_perspective": (
        "Perspective {name}: yes/partly/no",
        "Perspektivet {name}: ja/delvis/nej",
    ),
    "trend.perspective_cell": ("{yes}/{partly}/{no} ({share})", "{yes}/{partly}/{no} ({share})"),
    "trend.row_step": ("Ladder step {step} {name}", "Trappsteg {step} {name}"),
    "trend.row_indicator": ("Indicator {name}", "Indikator {name}"),
    "trend.indicator_cell": ("{value} ({period})", "{value} ({period})"),
    "trend.by_year": (
        "Each year's column is the last snapshot or closed round of that year "
        "(the year a name names, such as 2016, else the year it was taken).",
        "Varje års kolumn är årets sista ögonblicksbild eller stängda omgång "
        "(året som namnet anger, till exempel 2016, annars året den togs).",
    ),
    "trend.heading": ("Development over the years", "Utvecklingen över åren"),
    "trend.intro": (
        "How the plan has developed, one column per year (each year's last snapshot or "
        "closed round). A perspective's cell counts measures where it is integrated, partly "
        "integrated and not integrated, with the share integrated.",
        "Hur planen har utvecklats, en kolumn per år (årets sista ögonblicksbild eller "
        "stängda omgång). Ett perspektivs cell räknar åtgärder där det är integrerat, delvis "
        "integrerat och ej integrerat, med andelen integrerat.",
    ),
    "trend.chart_four_p": (
        "Fyra P done, share of measures × parts, per year",
        "Fyra P genomfört, andel av åtgärder × delar, per år",
    ),
    "trend.chart_perspectives": (
        "Share of measures where each perspective is integrated, per year",
        "Andel åtgärder där varje perspektiv är integrerat, per år",
    ),
    "trend.chart_ladder": (
        "Collaborations per ladder step, per year",
        "Samverkan per trappsteg, per år",
    ),
    "trend.bar_text": ("{label}: {value}", "{label}: {value}"),
    "trend.intro_rows": (
        "How the plan has developed, one row per year (each year's last snapshot or closed "
        "round): the measures per status, the share of Fyra P done, the share of measures "
        "where each perspective is integrated, and the collaborations on each step of the "
        "ladder.",
        "Hur planen har utvecklats, en rad per år (årets sista ögonblicksbild eller stängda "
        "omgång): åtgärderna per status, andelen av Fyra P som är genomförd, andelen åtgärder "
        "där varje perspektiv är integrerat och samverkan på varje steg i trappan.",
    ),
    "trend.chart_status": ("Measures per status, per year", "Åtgärder per status, per år"),
    "trend.col_year": ("Year", "År"),
    "trend.col_indicator": ("Indicator", "Indikator"),
    "trend.table_indicators": (
        "Each indicator's latest value for a period up to the year",
        "Varje indikators senaste värde för en period till och med året",
    ),
    "compare.cmd": (
        "Put several plans side by side: plans in the store and plans other regions "
        "exported (kplan export --format json).",
        "Ställ flera planer sida vid sida: planer i lagret och planer som andra regioner "
        "exporterat (kplan export --format json).",
    ),
    "compare.arg_plans": ("The ids of plans in the store.", "Id för planer i lagret."),
    "compare.opt_file": (
        "A plan exported with `kplan export --format json` (repeat for more).",
        "En plan exporterad med `kplan export --format json` (upprepa för fler).",
    ),
    "compare.opt_format": (
        "The output: text, json, md or html.",
        "Utdata: text, json, md eller html.",
    ),
    "compare.unknown_format": (
        "'{value}' is not a comparison format; valid: {valid}",
        "'{value}' är inget format för jämförelsen; giltiga: {valid}",
    ),
    "compare.json_and_format": (
        "--json prints JSON; it cannot go with --format {format}",
        "--json skriver JSON; det går inte ihop med --format {format}",
    ),
    "compare.too_few": (
        "Give at least two plans to compare: ids of plans in the store and/or --file FILE "
        "(a JSON export)",
        "Ange minst två planer att jämföra: id för planer i lagret och/eller --file FIL "
        "(en JSON-export)",
    ),
    "compare.not_json": (
        "{path} is not JSON: {detail}; give a file written by `kplan export --format json`",
        "{path} är inte JSON: {detail}; ange en fil skriven av `kplan export --format json`",
    ),
    "compare.not_export": (
        "{path} is not a kplan JSON export: {where} is not as `kplan export --format json` "
        "writes it",
        "{path} är ingen JSON-export från kplan: {where} är inte som `kplan export --format "
        "json` skriver den",
    ),
    "compare.bad_export": (
        "{path} is not a usable kplan JSON export: {where}: {detail}{more}",
        "{path} är ingen användbar JSON-export från kplan: {where}: {detail}{more}",
    ),
    "compare.more_problems": (
        " (and {count} more found)",
        " (och {count} fel till)",
    ),
    "compare.written": ("Wrote the comparison to {path}.", "Skrev jämförelsen till {path}."),
    "compare.row_title": ("Title", "Titel"),
    "compare.row_organisation": ("Organisation", "Organisation"),
    "compare.row_source": ("Read from", "Läst från"),
    "compare.source_store": ("the store", "lagret"),
    "compare.count_share": ("{count} ({share})", "{count} ({share})"),
    "compare.row_perspective": (
        "Perspective {name}: integrated (yes/partly/no)",
        "Perspektivet {name}: integrerat (ja/delvis/nej)",
    ),
    "compare.perspective_cell": ("{share} ({yes}/{partly}/{no})", "{share} ({yes}/{partly}/{no})"),
    "compare.row_steps": ("Ladder steps", "Trappsteg"),
    "compare.row_collaborations": ("Collaborations", "Samverkan"),
    "compare.row_position": (
        "Mean ladder position (step ÷ steps)",
        "Genomsnittlig plats i trappan (steg ÷ antal steg)",
    ),
    "compare.row_top": ("Collaborations on the top step", "Samverkan på översta steget"),
    "compare.row_indicator": ("Indicator {name}", "Indikator {name}"),
    "compare.heading": ("Plans side by side", "Planer sida vid sida"),
    "compare.page_title": ("Plans side by side: {plans}", "Planer sida vid sida: {plans}"),
    "compare.generated": ("Generated {moment}", "Skapad {moment}"),
    "compare.intro": (
        "Each plan's own figures: its perspectives are matched by name where plans share "
        "them, and a collaboration's place on the ladder is its step as a share of the "
        "plan's own ladder, since ladders differ in length. Indicators are matched by id, "
        "else by name.",
        "Varje plans egna siffror: perspektiven matchas på namn där planerna delar dem, och "
        "en samverkans plats i trappan är dess steg som andel av planens egen trappa, "
        "eftersom trapporna är olika långa. Indikatorer matchas på id, annars på namn.",
    ),
    "compare.section_status": ("Statuses", "Status"),
    "compare.section_four_p": ("Fyra P done", "Fyra P genomfört"),
    "compare.section_perspectives": (
        "Share of measures where the perspective is integrated",
        "Andel åtgärder där perspektivet är integrerat",
    ),
    "compare.section_ladder": (
        "Collaborations on the ladder, as a share of each plan's own ladder",
        "Samverkan i trappan, som andel av varje plans egen trappa",
    ),
    "compare.section_indicators": ("Shared indicators", "Gemensamma indikatorer"),
    "compare.section_figures": ("All figures", "Alla siffror"),
    "compare.col_plan": ("Plan", "Plan"),
    "compare.no_shared_indicators": (
        "The plans share no indicator by id or name.",
        "Planerna har ingen indikator gemensam till id eller namn.",
    ),
    # Personal data only when chosen (kplan export --public, kplan calendar --public)
    "public.process_owner": ("Process owner", "Processägare"),
    "public.opt": (
        "A public export: no names, e-mail addresses, notes or log; owners by organisation"
        " (default: the plan's setting).",
        "En offentlig export: inga namn, e-postadresser, anteckningar eller logg; ägare"
        " anges med organisation (standard: planens inställning).",
    ),
    "public.opt_calendar": (
        "A public calendar: each measure's owner by organisation or role, no names"
        " (default: the plan's setting).",
        "En offentlig kalender: varje åtgärds ägare anges med organisation eller roll, inga"
        " namn (standard: planens inställning).",
    ),
    "public.no_log": (
        "A public export leaves out the log: drop --with-log, or add --no-public"
        " for the whole export",
        "En offentlig export utelämnar loggen: ta bort --with-log, eller lägg till"
        " --no-public för hela exporten",
    ),
    "public.plan_file": (
        "A plan file (toml) holds the whole plan and cannot be public; a public export"
        " is one of: {valid}",
        "En planfil (toml) innehåller hela planen och kan inte vara offentlig; en offentlig"
        " export är en av: {valid}",
    ),
    # Spreadsheets: CSV for Excel, apply's CSV dialects, the xlsx workbook
    "sheets.opt_excel": (
        "With --format csv: semicolons and decimal commas, as Excel with Swedish settings reads them (--no-excel: commas and decimal points) [default: --excel when kplan speaks Swedish].",
        "Med --format csv: semikolon och decimalkomma, som Excel med svenska inställningar läser dem (--no-excel: kommatecken och decimalpunkt) [standard: --excel när kplan talar svenska].",
    ),
    "sheets.excel_only_csv": (
        "--excel and --no-excel choose a CSV dialect; they go with --format csv, not {format}",
        "--excel och --no-excel väljer en CSV-dialekt; de hör till --format csv, inte {format}",
    ),
    "sheets.binary_terminal": (
        "{format} is a binary file and standard output is a terminal; write it with -o plan.{format}, or redirect it (> plan.{format})",
        "{format} är en binär fil och standard ut är en terminal; skriv den med -o plan.{format} eller styr om den (> plan.{format})",
    ),
    "sheets.no_openpyxl": (
        "--format xlsx needs the Python package openpyxl, which is not installed; install it with: pip install openpyxl",
        "--format xlsx behöver Python-paketet openpyxl, som inte är installerat; installera det med: pip install openpyxl",
    ),
    "sheets.comma": ("comma", "kommatecken"),
    "sheets.semicolon": ("semicolon", "semikolon"),
    "sheets.unknown_header": (
        "the header names no column kplan apply knows (read with a {separator} between cells; a comma or a semicolon may separate them). Columns: {valid}, or those of kplan export --format csv",
        "rubrikraden namnger ingen kolumn som kplan apply känner till (läst med {separator} mellan cellerna; kommatecken eller semikolon kan skilja dem). Kolumner: {valid} eller de i kplan export --format csv",
    ),
    "sheets.unnamed_cell": (
        "'{value}' is in a column the header gives no name",
        "'{value}' står i en kolumn som rubrikraden inte namnger",
    ),
    "sheets.not_applied": (
        "kplan apply does not change {column}, and this one differs from the plan; change it with {command}, or put back the exported text",
        "kplan apply ändrar inte {column}, och den här skiljer sig från planen; ändra den med {command} eller sätt tillbaka den exporterade texten",
    ),
    "sheets.read_with": (
        "(The header was read with a {separator} between cells.)",
        "(Rubrikraden lästes med {separator} mellan cellerna.)",
    ),
    "sheets.not_utf8": (
        'byte 0x{byte} is not UTF-8 text; save the file as UTF-8 (in Excel: Save As, "CSV UTF-8")',
        'byten 0x{byte} är inte UTF-8-text; spara filen som UTF-8 (i Excel: Spara som, "CSV UTF-8")',
    ),
    "sheets.too_big": (
        "the workbook's sheet {sheet} would have {columns} columns and {rows} rows; Excel opens at most {max_columns} columns and {max_rows} rows. Export csv or json instead",
        "arbetsbokens blad {sheet} skulle få {columns} kolumner och {rows} rader; Excel öppnar högst {max_columns} kolumner och {max_rows} rader. Exportera csv eller json i stället",
    ),
    "sheets.workbook_input": (
        '{path} is a workbook, not text: kplan apply reads JSON Lines or CSV; in Excel, Save As "CSV UTF-8" and apply that file',
        '{path} är en arbetsbok, inte text: kplan apply läser JSON Lines eller CSV; i Excel, Spara som "CSV UTF-8" och använd den filen',
    ),
    # Accessibility of the published pages (skip link, table of contents, landmarks)
    "a11y.skip_link": ("Skip to the main content", "Hoppa till huvudinnehållet"),
    "a11y.contents": ("On this page", "På den här sidan"),
    "a11y.compare_footer": (
        "Published with kplan. The figures show the plans as of {moment}.",
        "Publicerad med kplan. Siffrorna visar planerna som de såg ut {moment}.",
    ),
    # Words, not field names: a change told in words (log, diff, show, exports, TUI)
    "words.level_no": ("no", "nej"),
    "words.level_partly": ("partly", "delvis"),
    "words.level_yes": ("yes", "ja"),
    "words.yes": ("yes", "ja"),
    "words.no": ("no", "nej"),
    "words.step": ("step {step}", "steg {step}"),
    "words.step_label": ("step {step} {label}", "steg {step} {label}"),
    "words.perspective": ("{name}", "{name}"),
    "words.value": ("{indicator} {period}", "{indicator} {period}"),
    "words.group_value": (
        "{indicator} {period}, {perspective} {group}",
        "{indicator} {period}, {perspective} {group}",
    ),
    "words.plan_field": ("the plan's {what}", "planens {what}"),
    "words.of_thing": ("{thing}: {what}", "{thing}: {what}"),
    "words.field_situation": ("current state", "läget"),
    "words.field_edit": ("edit policy", "ändringsregel"),
    "words.field_language": ("language", "språk"),
    "words.field_timezone": ("time zone", "tidszon"),
    "words.field_public": ("exports public by default", "offentliga exporter som standard"),
    "words.field_situation_public": (
        "current state may be published",
        "läget får publiceras",
    ),
    "words.field_source": ("source", "källa"),
    "words.moved": (
        "{thing} moved from measure {old} to measure {new}",
        "{thing} flyttad från åtgärd {old} till åtgärd {new}",
    ),
    "words.round_report": ("reported in {name}", "rapporterad i {name}"),
    "words.round_report_undone": (
        "report in {name} withdrawn",
        "rapporten i {name} återtagen",
    ),
    "words.round_open": ("opened the round {name}", "öppnade omgången {name}"),
    "words.round_open_undone": ("the round {name} withdrawn", "omgången {name} återtagen"),
    "words.round_close": ("closed the round {name}", "stängde omgången {name}"),
    "words.round_close_undone": ("opened the round {name} again", "öppnade omgången {name} igen"),
    "words.snapshot_take": ("took the snapshot {name}", "tog ögonblicksbilden {name}"),
    "words.snapshot_take_undone": (
        "the snapshot {name} withdrawn",
        "ögonblicksbilden {name} återtagen",
    ),
    "words.snapshot_delete": ("deleted the snapshot {name}", "raderade ögonblicksbilden {name}"),
    "words.plan_created": ("created the plan {name}", "skapade planen {name}"),
    "words.plan_removed": ("removed the plan {name}", "tog bort planen {name}"),
    "words.on_measure": ("measure {key}, {what}", "åtgärd {key}, {what}"),
    "words.col_change": ("Change", "Ändring"),
    "words.col_overdue": ("Days overdue", "Dagar försenad"),
    # Language and time: --lang, a plan's language, time zone and public settings (langtime)
    "langtime.opt_lang": (
        "The language to speak, sv or en [default: KPLAN_LANG, else (exports) the plan's language, else the locale].",
        "Språket kplan talar, sv eller en [standard: KPLAN_LANG, annars (exporter) planens språk, annars systemets språk].",
    ),
    "langtime.bad_lang": (
        "--lang: '{value}' is no language kplan speaks; use sv (Swedish) or en (English).",
        "--lang: '{value}' är inget språk kplan talar; ange sv (svenska) eller en (engelska).",
    ),
    "langtime.schema_language": (
        "The plan's language, sv or en: its exports and reports speak it unless --lang or KPLAN_LANG says otherwise. Unset, a plan is Swedish.",
        "Planens språk, sv eller en: dess exporter och rapporter talar det om inte --lang eller KPLAN_LANG säger annat. Utan språk är en plan svensk.",
    ),
    "langtime.schema_timezone": (
        "The time zone the plan's moments are shown in, as an IANA name (Europe/Stockholm, the default for a Swedish plan; UTC for an English one). JSON keeps UTC.",
        "Tidszonen som planens tidpunkter visas i, som ett IANA-namn (Europe/Stockholm, standard för en svensk plan; UTC för en engelsk). JSON behåller UTC.",
    ),
    "langtime.schema_public": (
        "Whether the plan's exports are public by default (true or false; default false).",
        "Om planens exporter är offentliga som standard (true eller false; standard false).",
    ),
    "langtime.schema_situation_public": (
        "Whether the measure's läget (situation) may be published in a public export (true or false; default false).",
        "Om åtgärdens läge får publiceras i en offentlig export (true eller false; standard false).",
    ),
    "langtime.expected_boolean": (
        "expected true or false, got {got}",
        "förväntade true eller false, fick {got}",
    ),
    "langtime.bad_zone": (
        "'{value}' is no time zone kplan knows; give an IANA name such as Europe/Stockholm or UTC.{hint}",
        "'{value}' är ingen tidszon som kplan känner till; ange ett IANA-namn som Europe/Stockholm eller UTC.{hint}",
    ),
    "langtime.opt_language": (
        "The plan's language, sv or en (its exports speak it); an empty text unsets it (Swedish).",
        "Planens språk, sv eller en (dess exporter talar det); en tom text tar bort det (svenska).",
    ),
    "langtime.opt_timezone": (
        "The time zone the plan's moments are shown in (an IANA name: Europe/Stockholm); an empty text unsets it.",
        "Tidszonen som planens tidpunkter visas i (ett IANA-namn: Europe/Stockholm); en tom text tar bort den.",
    ),
    "langtime.opt_public": (
        "Whether the plan's exports are public by default.",
        "Om planens exporter är offentliga som standard.",
    ),
    "langtime.opt_situation_public": (
        "Whether the measure's läget may be published in a public export.",
        "Om åtgärdens läge får publiceras i en offentlig export.",
    ),
    "langtime.col_language": ("Language", "Språk"),
    "langtime.col_timezone": ("Time zone", "Tidszon"),
    "langtime.col_public": ("Exports", "Exporter"),
    "langtime.language_sv": ("Swedish (sv)", "svenska (sv)"),
    "langtime.language_en": ("English (en)", "engelska (en)"),
    "langtime.language_unset": ("Swedish (not set)", "svenska (ej angivet)"),
    "langtime.zone_default": ("{zone} (default)", "{zone} (standard)"),
    "langtime.public_yes": ("public by default", "offentliga som standard"),
    "langtime.public_no": ("not public unless asked", "inte offentliga om det inte begärs"),
    "langtime.situation_public": ("Läget may be published", "Läget får publiceras"),
    # Reads that stream: --jsonl on list, log and the other lists
    "reads.opt_jsonl": (
        "Print JSON Lines: one compact JSON object a line, as --json's items.",
        "Skriv JSON Lines: ett kompakt JSON-objekt per rad, som posterna i --json.",
    ),
    "reads.both": (
        "--json and --jsonl cannot be used together: choose one.",
        "--json och --jsonl kan inte användas samtidigt: välj en av dem.",
    ),
    # A screen that uses its width (kplan list fitted to the terminal, the TUI's footer and matrix)
    "width.status_overdue_short": ("{status} !{days}d", "{status} !{days}d"),
    "width.overdue_legend": (
        "!12d: 12 days past the due date",
        "!12d: 12 dagar efter slutdatum",
    ),
    "width.perspective_legend": ("Perspectives: {pairs}", "Perspektiv: {pairs}"),
    "width.overdue": ("overdue", "efter slutdatum"),
    # The TUI that draws only what shows: the overview's and the log's tables (tuifast)
    "tuifast.col_progress_short": ("%", "%"),
    "tuifast.key_up": ("Up", "Upp"),
    "tuifast.key_down": ("Down", "Ned"),
    "tuifast.key_page_up": ("Page up", "Sida upp"),
    "tuifast.key_page_down": ("Page down", "Sida ned"),
    "tuifast.key_first": ("First row", "Första raden"),
    "tuifast.key_last": ("Last row", "Sista raden"),
    "tuifast.key_left": ("Scroll left", "Rulla åt vänster"),
    "tuifast.key_right": ("Scroll right", "Rulla åt höger"),
    "tuifast.key_page_left": ("Page left", "Sida åt vänster"),
    "tuifast.key_page_right": ("Page right", "Sida åt höger"),
    # Plan files checked like code (kplan check, kplan schema)
    "check.same_part": (
        "'{key}' names the part {part} a second time",
        "'{key}' anger delen {part} en andra gång",
    ),
    "check.cmd": (
        "Check plan files without a store: every problem of every file, exit 1 if any.",
        "Kontrollera planfiler utan lager: alla fel i alla filer, slutstatus 1 om något finns.",
    ),
    "check.cmd_schema": (
        "Print the JSON Schema of a plan file, for editors and validators.",
        "Skriv ut planfilens JSON Schema, för editorer och validerare.",
    ),
    "check.arg_files": ("Plan files (TOML) to check.", "Planfiler (TOML) att kontrollera."),
    "check.opt_format": (
        "How to report problems: text (default), json, or github (workflow annotations).",
        "Hur fel rapporteras: text (standard), json eller github (annoteringar i arbetsflöden).",
    ),
    "check.bad_format": (
        "unknown format '{value}'.{hint} Valid: {valid}",
        "okänt format '{value}'.{hint} Giltiga: {valid}",
    ),
    "check.json_and_format": (
        "--json asks for JSON and --format for {format}; give one of them",
        "--json ber om JSON och --format om {format}; ange bara ett av dem",
    ),
    "check.valid": (
        "{file}: a valid plan file ({measures} {measures:|measure|measures}, {owners} {owners:|owner|owners})",
        "{file}: en giltig planfil ({measures} {measures:|åtgärd|åtgärder}, {owners} ansvariga)",
    ),
    "check.one_problem": ("{file}: 1 problem", "{file}: 1 fel"),
    "check.problems": ("{file}: {count} {count:|problem|problems}", "{file}: {count} fel"),
    # The JSON Schema's descriptions (kplan schema): English, then Swedish, in one file
    "check.schema_document": (
        "A kplan plan file: one regional action plan.",
        "En planfil för kplan: en regional handlingsplan.",
    ),
    "check.schema_version": (
        "The plan-file format version: {version}.",
        "Planfilens formatversion: {version}.",
    ),
    "check.schema_id": (
        "An id: 1 to {limit} characters without spaces, used once in the file.",
        "Ett id: 1 till {limit} tecken utan mellanslag, som används en gång i filen.",
    ),
    "check.schema_alias": (
        "Another name for {name}.",
        "Ett annat namn för {name}.",
    ),
    "check.schema_plan": (
        "The plan's settings.",
        "Planens inställningar.",
    ),
    "check.schema_plan_title": (
        "The plan's title.",
        "Planens titel.",
    ),
    "check.schema_plan_organisation": (
        "The organisation behind the plan.",
        "Organisationen bakom planen.",
    ),
    "check.schema_plan_start": (
        "The first day of the plan's period.",
        "Första dagen i planens period.",
    ),
    "check.schema_plan_end": (
        "The last day of the plan's period.",
        "Sista dagen i planens period.",
    ),
    "check.schema_plan_description": (
        "What the plan is for.",
        "Vad planen är till för.",
    ),
    "check.schema_perspectives": (
        "The cross-cutting perspectives every measure is judged against.",
        "De genomsyrande perspektiv som varje åtgärd bedöms mot.",
    ),
    "check.schema_ladder": (
        "The names of the collaboration ladder's steps, lowest first.",
        "Namnen på samverkanstrappans steg, det lägsta först.",
    ),
    "check.schema_ladder_questions": (
        "One question per step of the ladder: what reaching it means.",
        "En fråga per steg i trappan: vad det innebär att nå steget.",
    ),
    "check.schema_coordinators": (
        "Ids of the owners who coordinate the plan.",
        "Id för de personer som samordnar planen.",
    ),
    "check.schema_edit": (
        'Who may change a measure: anyone ("open"), or its owner and the coordinators ("owners").',
        'Vem som får ändra en åtgärd: alla ("open"), eller dess ansvariga och samordnarna ("owners").',
    ),
    "check.schema_organisations": (
        "An organisation taking part in the plan.",
        "En organisation som deltar i planen.",
    ),
    "check.schema_organisation_name": (
        "The organisation's name.",
        "Organisationens namn.",
    ),
    "check.schema_organisation_kind": (
        "What sort of organisation it is.",
        "Vilket slags organisation det är.",
    ),
    "check.schema_owners": (
        "A person who owns or coordinates measures.",
        "En person som är ansvarig för åtgärder eller samordnar dem.",
    ),
    "check.schema_owner_name": (
        "The person's name.",
        "Personens namn.",
    ),
    "check.schema_owner_organisation": (
        "The id of the person's organisation.",
        "Id för personens organisation.",
    ),
    "check.schema_owner_email": (
        "The person's e-mail address.",
        "Personens e-postadress.",
    ),
    "check.schema_measures": (
        "A measure of the plan, driven by one owner.",
        "En åtgärd i planen, som drivs av en processansvarig.",
    ),
    "check.schema_measure_title": (
        "The measure's title.",
        "Åtgärdens titel.",
    ),
    "check.schema_measure_goal": (
        "What the measure is to achieve.",
        "Vad åtgärden ska uppnå.",
    ),
    "check.schema_measure_area": (
        "The area of the plan the measure belongs to.",
        "Det område i planen som åtgärden hör till.",
    ),
    "check.schema_measure_owner": (
        "The id of the owner who drives the measure.",
        "Id för den processansvariga som driver åtgärden.",
    ),
    "check.schema_measure_status": (
        "The measure's status.",
        "Åtgärdens status.",
    ),
    "check.schema_measure_progress": (
        "Progress in per cent.",
        "Framsteg i procent.",
    ),
    "check.schema_measure_start": (
        "When the measure starts.",
        "När åtgärden börjar.",
    ),
    "check.schema_measure_due": (
        "When the measure is to be done.",
        "När åtgärden ska vara klar.",
    ),
    "check.schema_measure_description": (
        "More about the measure.",
        "Mer om åtgärden.",
    ),
    "check.schema_measure_perspectives": (
        "How well the measure covers each of the plan's perspectives.",
        "Hur väl åtgärden täcker vart och ett av planens perspektiv.",
    ),
    "check.schema_four_p": (
        "How far the measure has come in each part of the Fyra P method.",
        "Hur långt åtgärden har kommit i varje del av Fyra P-metoden.",
    ),
    "check.schema_four_p_part": (
        "The state of the part {part}.",
        "Läget för delen {part}.",
    ),
    "check.schema_collaborations": (
        "A collaboration of the measure, on its way up the collaboration ladder.",
        "En samverkan inom åtgärden, på väg uppför samverkanstrappan.",
    ),
    "check.schema_collaboration_name": (
        "The collaboration's name.",
        "Samverkans namn.",
    ),
    "check.schema_actors": (
        "Ids of the organisations that take part.",
        "Id för de organisationer som deltar.",
    ),
    "check.schema_step": (
        "The step of the ladder reached, 1 for the lowest.",
        "Det steg i trappan som nåtts, 1 för det lägsta.",
    ),
    "check.schema_note": (
        "A note on the collaboration.",
        "En kommentar om samverkan.",
    ),
    "check.schema_indicators": (
        "A measurable indicator of the measure, with its values by period.",
        "En mätbar indikator för åtgärden, med värden per period.",
    ),
    "check.schema_indicator_name": (
        "What the indicator measures.",
        "Vad indikatorn mäter.",
    ),
    "check.schema_unit": (
        "The unit of its values.",
        "Enheten för dess värden.",
    ),
    "check.schema_baseline": (
        "The value before the measure started.",
        "Värdet innan åtgärden började.",
    ),
    "check.schema_target": (
        "The value the measure aims at.",
        "Det värde som åtgärden siktar mot.",
    ),
    "check.schema_direction": (
        "Whether a higher or a lower value is better.",
        "Om ett högre eller ett lägre värde är bättre.",
    ),
    "check.schema_values": (
        "Values by period: {formats}.",
        "Värden per period: {formats}.",
    ),
}


# Set by --lang (the command line), and by an export for its plan's readers.
_chosen: str | None = None
_plan_language: str | None = None


def parse_language(text: str) -> str | None:
    """``sv`` or ``en`` for a language as people write it (``sv``, ``SV``, ``sv_SE``, ``en-GB``).

    None when ``text`` names neither.
    """
    word = text.strip().lower()
    for code in LANGUAGES:
        if word == code or word.startswith((code + "_", code + "-")):
            return code
    return {"svenska": "sv", "swedish": "sv", "english": "en", "engelska": "en"}.get(word)


def choose(code: str | None) -> None:
    """Speak ``code`` (``sv`` or ``en``, as --lang gives it) from now on; None forgets it."""
    global _chosen
    if code is not None and code not in LANGUAGES:
        raise ValueError(code)
    _chosen = code


@contextmanager
def for_plan(code: str | None) -> Iterator[None]:
    """Within the block, speak the plan's language unless --lang or KPLAN_LANG chose one.

    What is written for a plan's readers (an export, a report) is in the
    plan's language; what kplan says to the person at the terminal is not.
    """
    global _plan_language
    kept = _plan_language
    _plan_language = code if code in LANGUAGES else None
    try:
        yield
    finally:
        _plan_language = kept


def language() -> str:
    """The language to speak: ``sv`` or ``en`` (the order is in this module's docstring)."""
    if _chosen is not None:
        return _chosen
    chosen = os.environ.get("KPLAN_LANG", "").strip().lower()
    if chosen:
        return "sv" if chosen.startswith("sv") else "en"
    if _plan_language is not None:
        return _plan_language
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "sv" if value.lower().startswith("sv") else "en"
    return "en"


def t(key: str, /, **values: object) -> str:
    """The string for ``key`` in the current language, with ``values`` filled in.

    Every string is for a person to read, so a value that is text (an id,
    a title, a name, a path, an error's detail) goes in with its control,
    bidi and invisible characters spelled out and its newlines as ``\\n``:
    a sentence stays one line and cannot steer the terminal, whatever the
    value holds. Numbers and dates go in as they are.
    """
    english, swedish = CATALOGUE[key]
    text = swedish if language() == "sv" else english
    if not values:
        return text
    return fill(text, {name: _shown(value) for name, value in values.items()})


_BY_TEXT: dict[str, str] = {}


def in_language(text: str) -> str:
    """A catalogue text in the current language, whichever language it was taken in.

    The command line's help is made when kplan starts, before ``--lang`` is
    read; this puts each help text into the language chosen. A text that is
    no catalogue entry as it stands (one with values filled in) is kept.
    """
    if not _BY_TEXT:
        for name, (english, swedish) in CATALOGUE.items():
            _BY_TEXT.setdefault(english, name)
            _BY_TEXT.setdefault(swedish, name)
    found = _BY_TEXT.get(text)
    return text if found is None else t(found)


def _shown(value: object) -> object:
    if isinstance(value, str | os.PathLike | BaseException):
        # Not clipped here: a report written to a file keeps the whole value;
        # what prints a message clips its lines.
        return visible(
            os.fspath(value) if isinstance(value, os.PathLike) else str(value), limit=None
        )
    return value


def plural(count: int, one: str, other: str) -> str:
    """``one`` for a count of exactly one, ``other`` for every other count (0, 2, 1.5...).

    English and Swedish both put the singular with one alone: "1 measure",
    "0 measures", "1 åtgärd", "2 åtgärder".
    """
    return one if count == 1 else other


class _Plurals(string.Formatter):
    """Formats a catalogue string, with plurals: ``{count:|measure|measures}``.

    A field whose format spec starts with ``|`` gives the word for its
    count, singular first, so a message counts in both languages: the
    catalogue writes ``"{count} {count:|change|changes}"`` and
    ``"{count} {count:|ändring|ändringar}"``.
    """

    def format_field(self, value: Any, format_spec: str) -> Any:
        """The word for ``value``'s count when ``format_spec`` names one, else as usual."""
        if format_spec.startswith("|"):
            one, _, other = format_spec[1:].partition("|")
            return plural(value, one, other) if isinstance(value, int) else other
        return super().format_field(value, format_spec)


_FORMATTER = _Plurals()


def fill(text: str, values: dict[str, Any]) -> str:
    """A catalogue string with ``values`` filled in as they are, plurals chosen by count."""
    if ":|" not in text:
        # No plural in it: str.format fills it as the formatter would, in C
        # (a page of 500 measures fills some ten thousand of them).
        return text.format_map(values)
    return _FORMATTER.vformat(text, (), values)
