"""Official statistics: read an indicator's source (PxWeb, Kolada) into its values.

An indicator's ``source`` table (docs/plan-format.md#indicator-sources)
says where its values are published. This module turns it into a request,
sends it (or reads a saved answer with ``--from-file``), decodes the answer
(JSON-stat 2.0 from PxWeb, Kolada's JSON), maps the answer's periods and
codes to the indicator's values and groups, and records what changed
through :func:`kplan.core.changes.apply_changes`: one batch, the usual
permission checks, one event per changed value with the provenance (the
source, its table or key figure, the answer's ``updated`` date and the
sha256 of the answer) kept beside it. A value that is already what the
source says records nothing, so a second fetch of the same data is a no-op.

The decoders need only the standard library; the HTTP client (httpx) is
imported when a source is fetched over the network, never before.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kplan import __version__
from kplan.core.changes import Change, ChangeResult, apply_changes
from kplan.core.planfile import read_limited
from kplan.domain import as_finite, group_part, normalise_period
from kplan.errors import InvalidValueError, UsageError, unknown
from kplan.i18n import t
from kplan.model import Indicator, Plan
from kplan.safetext import visible

if TYPE_CHECKING:
    from kplan.store.engine import Store

DEFAULT_URLS = {
    ("pxweb", 2): "https://statistikdatabasen.scb.se/api/v2",
    ("pxweb", 1): "https://api.scb.se/OV0104/v1/doris/sv/ssd",
    ("kolada", 2): "https://api.kolada.se/v2",
}
DEFAULT_TIMEOUT = 30.0
# A day: longer is no timeout at all, and the operating system refuses huge ones.
MAX_TIMEOUT = 86400.0
# An answer larger than this is refused rather than read into memory.
MAX_ANSWER_BYTES = 50 * 1024 * 1024
# Kolada answers a page at a time; a key figure for one region is one page.
MAX_PAGES = 20
# A base address given with --url: long enough for any service's path.
MAX_URL_LENGTH = 2000
# Kolada's codes for the sexes: T total, K women (kvinnor), M men (män).
KOLADA_TOTAL = "T"
KOLADA_GROUPS = {"K": "kvinnor", "M": "män"}


class SourceError(InvalidValueError):
    """A source that cannot be read: unreachable, refused, or an unusable answer (exit 1)."""


@dataclass(frozen=True)
class Answer:
    """The body of an answer and where it came from (an address, or a file)."""

    body: bytes
    origin: str
    pages: tuple[bytes, ...] = ()

    @property
    def sha256(self) -> str:
        """The sha256 of the answer's bytes (of every page, in order, for Kolada)."""
        digest = hashlib.sha256()
        for page in self.pages or (self.body,):
            digest.update(page)
        return digest.hexdigest()


@dataclass
class Observations:
    """What a source says: the indicator's own values and its groups' values, by period."""

    values: dict[str, float] = field(default_factory=dict)
    groups: dict[str, dict[str, float]] = field(default_factory=dict)
    updated: str | None = None


@dataclass
class FetchedIndicator:
    """One indicator's fetch: its source in short, the provenance and the changes it makes."""

    indicator: str
    source: dict[str, Any]
    provenance: dict[str, Any]
    changes: list[Change]


@dataclass
class FetchResult:
    """A whole fetch: what each indicator's source said, and what was (or would be) recorded."""

    fetched: list[FetchedIndicator]
    result: ChangeResult
    dry_run: bool


# ---------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------

# SCB's time codes: 2016, 2016M03 (month), 2016K1 (quarter, kvartal), 2016T2
# (tertial), 2016H1 (half year); kplan's own forms are taken too.
_TIME_CODE = re.compile(r"^(?P<year>[0-9]{4})(?:(?P<kind>[MKQTH])(?P<part>[0-9]{1,2}))?$")
_POSITION = re.compile(r"[0-9]{1,18}")
_TIME_KINDS = {"M": "", "K": "Q", "Q": "Q", "T": "T", "H": "H"}


def time_period(code: str) -> str | None:
    """kplan's period for a source's time code (``2016M03`` -> ``2016-03``), or None."""
    text = code.strip().upper()
    match = _TIME_CODE.match(text)
    if match is None:
        return normalise_period(text)
    if match["kind"] is None:
        return match["year"]
    kind = _TIME_KINDS[match["kind"]]
    part = int(match["part"])
    candidate = f"{match['year']}-{part:02d}" if kind == "" else f"{match['year']}-{kind}{part}"
    return normalise_period(candidate)


# ---------------------------------------------------------------------------
# JSON-stat 2.0 (https://json-stat.org/full/)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """A decoded JSON-stat 2.0 dataset: its dimensions' codes in order, and its cells."""

    ids: tuple[str, ...]
    codes: tuple[tuple[str, ...], ...]
    values: dict[int, float]
    updated: str | None
    role_time: tuple[str, ...] = ()

    def cells(self) -> Iterator[tuple[dict[str, str], float]]:
        """Each cell that holds a number: {dimension id: category code}, value."""
        sizes = [len(codes) for codes in self.codes]
        for position, value in sorted(self.values.items()):
            rest = position
            where: dict[str, str] = {}
            for index in range(len(sizes) - 1, -1, -1):
                rest, place = divmod(rest, sizes[index])
                where[self.ids[index]] = self.codes[index][place]
            yield where, value


def _problem(what: str, detail: str) -> SourceError:
    return SourceError(t("stats.bad_answer", origin=what, problem=detail))


def _load_json(body: bytes, origin: str) -> Any:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _problem(origin, t("stats.not_utf8")) from None
    if not text.strip():
        raise _problem(origin, t("stats.empty_answer"))
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        detail = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
        raise _problem(origin, t("stats.not_json", detail=detail)) from None


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; a source that sends them sends no number.
    raise ValueError(f"{name} is not a JSON number")


def _category_codes(dimension: Any, name: str, origin: str) -> tuple[str, ...]:
    """A dimension's category codes in index order (index as a list or a map, or one label)."""
    if not isinstance(dimension, dict) or not isinstance(dimension.get("category"), dict):
        raise _problem(origin, t("stats.no_category", dimension=name))
    category = dimension["category"]
    index = category.get("index")
    if index is None:
        labels = category.get("label")
        if isinstance(labels, dict) and len(labels) == 1:
            return (str(next(iter(labels))),)
        raise _problem(origin, t("stats.no_category", dimension=name))
    if isinstance(index, list) and all(isinstance(code, str) for code in index):
        if len(set(index)) != len(index):
            raise _problem(origin, t("stats.bad_index", dimension=name))
        return tuple(index)
    if isinstance(index, dict):
        positions = list(index.values())
        if not all(type(p) is int for p in positions) or sorted(positions) != list(
            range(len(positions))
        ):
            raise _problem(origin, t("stats.bad_index", dimension=name))
        return tuple(code for code, _ in sorted(index.items(), key=lambda item: item[1]))
    raise _problem(origin, t("stats.bad_index", dimension=name))


def decode_jsonstat(body: bytes, origin: str = "") -> Dataset:
    """The dataset in a JSON-stat 2.0 answer; SourceError saying what is wrong with it."""
    document = _load_json(body, origin)
    if not isinstance(document, dict):
        raise _problem(origin, t("stats.not_dataset"))
    if document.get("class") == "error" or (
        "title" in document and "status" in document and "value" not in document
    ):
        raise SourceError(t("stats.refused", origin=origin, detail=_error_detail(document)))
    if document.get("class", "dataset") != "dataset" or "value" not in document:
        raise _problem(origin, t("stats.not_dataset"))
    ids = document.get("id")
    sizes = document.get("size")
    dimensions = document.get("dimension")
    if (
        not isinstance(ids, list)
        or not all(isinstance(name, str) for name in ids)
        or not isinstance(sizes, list)
        or not all(type(size) is int and size >= 0 for size in sizes)
        or len(ids) != len(sizes)
        or len(set(ids)) != len(ids)
        or not isinstance(dimensions, dict)
    ):
        raise _problem(origin, t("stats.bad_dimensions"))
    codes: list[tuple[str, ...]] = []
    for name, size in zip(ids, sizes, strict=True):
        found = _category_codes(dimensions.get(name), name, origin)
        if len(found) != size:
            raise _problem(origin, t("stats.bad_size", dimension=name, size=size, found=len(found)))
        codes.append(found)
    cells = math.prod(sizes)
    raw = document["value"]
    values: dict[int, float] = {}
    if isinstance(raw, list):
        if len(raw) != cells:
            raise _problem(origin, t("stats.bad_values", cells=cells, found=len(raw)))
        entries: Iterator[tuple[int, Any]] = iter(enumerate(raw))
    elif isinstance(raw, dict):
        pairs = []
        for key, value in raw.items():
            # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
            if not _POSITION.fullmatch(key) or not 0 <= int(key) < cells:
                raise _problem(origin, t("stats.bad_values", cells=cells, found=key))
            pairs.append((int(key), value))
        entries = iter(pairs)
    else:
        raise _problem(origin, t("stats.bad_values", cells=cells, found=type(raw).__name__))
    for position, value in entries:
        if value is None or isinstance(value, str):
            continue  # no figure for the cell (a status such as ".." tells why)
        number = as_finite(value)
        if number is None:
            raise _problem(origin, t("stats.bad_number", value=str(value)[:40]))
        values[position] = number
    updated = document.get("updated")
    role = document.get("role")
    time_ids: tuple[str, ...] = ()
    if isinstance(role, dict) and isinstance(role.get("time"), list):
        time_ids = tuple(name for name in role["time"] if isinstance(name, str))
    return Dataset(
        ids=tuple(ids),
        codes=tuple(codes),
        values=values,
        updated=updated if isinstance(updated, str) else None,
        role_time=time_ids,
    )


def _error_detail(document: Mapping[str, Any]) -> str:
    """What an error body says: a Problem's title and detail, or its message."""
    parts = [
        str(document[key]).strip()
        for key in ("title", "detail", "message", "error", "label")
        if isinstance(document.get(key), str | int) and str(document[key]).strip()
    ]
    return " – ".join(dict.fromkeys(parts))[:300] or "–"


def pxweb_observations(source: Mapping[str, Any], dataset: Dataset, origin: str) -> Observations:
    """The indicator's values and groups' values in a PxWeb dataset, as ``source`` selects them."""
    time_variable = source.get("time_variable") or (
        dataset.role_time[0] if dataset.role_time else "Tid"
    )
    if time_variable not in dataset.ids:
        raise _problem(origin, t("stats.no_dimension", dimension=time_variable))
    wanted: dict[str, set[str]] = {
        name: set(codes) for name, codes in (source.get("selection") or {}).items()
    }
    if source.get("region"):
        wanted[source.get("region_variable") or "Region"] = {str(source["region"])}
    if source.get("measure"):
        wanted[source.get("measure_variable") or "ContentsCode"] = {str(source["measure"])}
    split = source.get("split")
    groups: Mapping[str, str] = source.get("groups") or {}
    total = source.get("total")
    for name in [*wanted, *([split] if split else [])]:
        if name not in dataset.ids:
            raise _problem(origin, t("stats.no_dimension", dimension=name))
    found = Observations(updated=dataset.updated)
    seen: set[tuple[str | None, str]] = set()
    for where, value in dataset.cells():
        if any(where[name] not in codes for name, codes in wanted.items()):
            continue
        group: str | None = None
        if split:
            code = where[split]
            if code in groups:
                group = groups[code]
            elif code != total:
                continue
        code = where[time_variable]
        period = time_period(code)
        if period is None:
            raise _problem(origin, t("stats.bad_time", code=code[:40]))
        if (group, period) in seen:
            raise _problem(origin, t("stats.ambiguous", period=period))
        seen.add((group, period))
        if group is None:
            found.values[period] = value
        else:
            found.groups.setdefault(group, {})[period] = value
    return found


# ---------------------------------------------------------------------------
# Kolada (https://github.com/Hypergene/kolada, API v2)
# ---------------------------------------------------------------------------


def kolada_items(body: bytes, origin: str) -> tuple[list[dict[str, Any]], str | None]:
    """The items of one page of a Kolada answer, and the address of the next page if any."""
    document = _load_json(body, origin)
    if not isinstance(document, dict) or not isinstance(document.get("values"), list):
        if isinstance(document, dict) and ("error" in document or "message" in document):
            raise SourceError(t("stats.refused", origin=origin, detail=_error_detail(document)))
        raise _problem(origin, t("stats.not_kolada"))
    items = document["values"]
    if not all(isinstance(item, dict) for item in items):
        raise _problem(origin, t("stats.not_kolada"))
    # API v2 names the next page next_page; newer versions next_url.
    following = document.get("next_page") or document.get("next_url")
    return items, following if isinstance(following, str) and following else None


def kolada_observations(
    source: Mapping[str, Any], items: Sequence[Mapping[str, Any]], origin: str
) -> Observations:
    """The indicator's values (gender T) and groups' values (K, M...) in Kolada's items."""
    groups: Mapping[str, str] = source.get("groups") or (
        KOLADA_GROUPS if source.get("perspective") else {}
    )
    total = source.get("total") or KOLADA_TOTAL
    region = str(source.get("region", ""))
    kpi = str(source.get("kpi", ""))
    found = Observations()
    for item in items:
        if region and str(item.get("municipality", region)) != region:
            continue
        if kpi and str(item.get("kpi", kpi)) != kpi:
            continue
        period = time_period(str(item.get("period", "")))
        if period is None:
            raise _problem(origin, t("stats.bad_time", code=str(item.get("period"))[:40]))
        entries = item.get("values")
        if not isinstance(entries, list):
            raise _problem(origin, t("stats.not_kolada"))
        for entry in entries:
            if not isinstance(entry, dict):
                raise _problem(origin, t("stats.not_kolada"))
            value = entry.get("value")
            if value is None:
                continue
            number = as_finite(value)
            if number is None:
                raise _problem(origin, t("stats.bad_number", value=str(value)[:40]))
            gender = str(entry.get("gender", total))
            if gender == total:
                found.values[period] = number
            elif gender in groups:
                found.groups.setdefault(groups[gender], {})[period] = number
    return found


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One HTTP request to a source."""

    method: str
    url: str
    params: dict[str, str]
    body: dict[str, Any] | None


def base_url(source: Mapping[str, Any]) -> str:
    """The source's base address, its API's default when the plan gives none."""
    kind = str(source.get("kind"))
    api = int(source.get("api") or 2) if kind == "pxweb" else 2
    return str(source.get("url") or DEFAULT_URLS[(kind, api)]).rstrip("/")


def request_for(source: Mapping[str, Any]) -> Request:
    """The request that asks ``source`` for the indicator's values."""
    base = base_url(source)
    if source.get("kind") == "kolada":
        return Request(
            "GET",
            f"{base}/data/kpi/{_segment(source['kpi'])}/municipality/{_segment(source['region'])}",
            {},
            None,
        )
    chosen: dict[str, list[str]] = {}
    if source.get("region"):
        chosen[source.get("region_variable") or "Region"] = [str(source["region"])]
    if source.get("measure"):
        chosen[source.get("measure_variable") or "ContentsCode"] = [str(source["measure"])]
    if source.get("split"):
        codes = list(source.get("groups") or {})
        if source.get("total"):
            codes.append(str(source["total"]))
        chosen[str(source["split"])] = codes
    for name, codes in (source.get("selection") or {}).items():
        chosen[name] = list(codes)
    time_variable = source.get("time_variable") or "Tid"
    if int(source.get("api") or 2) == 1:
        query = [
            {"code": name, "selection": {"filter": "item", "values": codes}}
            for name, codes in chosen.items()
        ]
        query.append({"code": time_variable, "selection": {"filter": "all", "values": ["*"]}})
        path = "/".join(_segment(part) for part in str(source["table"]).strip("/").split("/"))
        return Request(
            "POST", f"{base}/{path}", {}, {"query": query, "response": {"format": "json-stat2"}}
        )
    selection = [{"variableCode": name, "valueCodes": codes} for name, codes in chosen.items()]
    selection.append({"variableCode": time_variable, "valueCodes": ["*"]})
    return Request(
        "POST",
        f"{base}/tables/{_segment(source['table'])}/data",
        {"lang": "sv", "outputFormat": "json-stat2"},
        {"selection": selection},
    )


def check_base_url(url: str) -> str:
    """``url`` as a base address to ask (``--url``): http(s) with a host, else a UsageError."""
    from urllib.parse import urlsplit

    text = url.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not host
        or len(text) > MAX_URL_LENGTH
        or any(char.isspace() or not char.isprintable() for char in text)
    ):
        raise UsageError(t("stats.bad_url_option", url=visible(url[:MAX_URL_LENGTH])))
    return text


def _segment(value: Any) -> str:
    from urllib.parse import quote

    return quote(str(value).strip(), safe="")


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return parts.netloc or url


def send(request: Request, timeout: float) -> bytes:
    """The body of the answer to ``request``; SourceError for every way it can fail."""
    import httpx

    host = _host(request.url)
    headers = {"User-Agent": f"kplan/{__version__}", "Accept": "application/json"}
    try:
        with (
            httpx.Client(timeout=timeout, headers=headers, follow_redirects=True) as client,
            client.stream(
                request.method, request.url, params=request.params or None, json=request.body
            ) as response,
        ):
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise SourceError(
                        t("stats.too_large", origin=host, limit=MAX_ANSWER_BYTES // 1024 // 1024)
                    )
                chunks.append(chunk)
            body = b"".join(chunks)
            status = response.status_code
    except httpx.TimeoutException:
        raise SourceError(t("stats.timeout", origin=host, seconds=f"{timeout:g}")) from None
    except httpx.ConnectError as error:
        raise SourceError(t("stats.unreachable", origin=host, detail=_reason(error))) from None
    except (httpx.RemoteProtocolError, httpx.ReadError) as error:
        raise SourceError(t("stats.cut_short", origin=host, detail=_reason(error))) from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
        raise SourceError(t("stats.bad_url", url=request.url, detail=_reason(error))) from None
    except httpx.HTTPError as error:
        raise SourceError(t("stats.unreachable", origin=host, detail=_reason(error))) from None
    if status >= 400:
        raise SourceError(
            t("stats.refused", origin=host, detail=f"HTTP {status}: {_body_detail(body)}")
        )
    return body


def _reason(error: BaseException) -> str:
    return " ".join(str(error).split())[:200] or type(error).__name__


def _body_detail(body: bytes) -> str:
    """What an error answer says, in one short line."""
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        document = None
    if isinstance(document, dict):
        return _error_detail(document)
    text = body.decode("utf-8", "replace")
    text = re.sub(r"<[^>]*>", " ", text)
    return " ".join(text.split())[:200] or "–"


# ---------------------------------------------------------------------------
# Fetching
# ---------------------------------------------------------------------------


def _answer(source: Mapping[str, Any], from_file: Path | None, timeout: float) -> Answer:
    if from_file is not None:
        try:
            data = read_limited(from_file, MAX_ANSWER_BYTES)
        except OSError as error:
            detail = error.strerror or type(error).__name__
            raise SourceError(t("stats.unreadable", path=from_file, detail=detail)) from None
        if data is None:
            raise SourceError(
                t("stats.too_large", origin=from_file, limit=MAX_ANSWER_BYTES // 1024 // 1024)
            )
        return Answer(bytes(data), str(from_file))
    request = request_for(source)
    body = send(request, timeout)
    if source.get("kind") != "kolada":
        return Answer(body, request.url)
    pages = [body]
    _, following = kolada_items(body, _host(request.url))
    while following is not None:
        if len(pages) >= MAX_PAGES:
            raise SourceError(t("stats.too_many_pages", origin=_host(request.url), pages=MAX_PAGES))
        page = send(Request("GET", following, {}, None), timeout)
        pages.append(page)
        _, following = kolada_items(page, _host(following))
    return Answer(body, request.url, tuple(pages))


def observations(source: Mapping[str, Any], answer: Answer) -> Observations:
    """What ``answer`` says for the indicator whose source is ``source``."""
    origin = answer.origin if answer.origin.startswith(("/", ".")) else _host(answer.origin)
    if source.get("kind") == "kolada":
        items: list[dict[str, Any]] = []
        for page in answer.pages or (answer.body,):
            found, _ = kolada_items(page, origin)
            items.extend(found)
        return kolada_observations(source, items, origin)
    return pxweb_observations(source, decode_jsonstat(answer.body, origin), origin)


def provenance(source: Mapping[str, Any], answer: Answer, updated: str | None) -> dict[str, Any]:
    """What the event log keeps of where a value came from."""
    kept: dict[str, Any] = {"kind": source.get("kind")}
    if source.get("kind") == "kolada":
        kept["kpi"] = source.get("kpi")
    else:
        kept["table"] = source.get("table")
    kept["region"] = source.get("region")
    kept["updated"] = updated
    kept["sha256"] = answer.sha256
    kept["from"] = "file" if not answer.origin.startswith(("http://", "https://")) else "http"
    return kept


def changes_for(
    indicator: Indicator, source: Mapping[str, Any], found: Observations, kept: str
) -> list[Change]:
    """The changes that make ``indicator`` hold what the source says (values it lacks or differ)."""
    changes = [
        Change("indicator", indicator.id, f"values.{period}", value, source=kept)
        for period, value in found.values.items()
    ]
    perspective = source.get("perspective")
    if perspective:
        for group, series in found.groups.items():
            changes += [
                Change(
                    "indicator",
                    indicator.id,
                    f"groups.{group_part(period, str(perspective), group)}",
                    value,
                    source=kept,
                )
                for period, value in series.items()
            ]
    return changes


def sourced(plan: Plan, ids: Sequence[str]) -> list[Indicator]:
    """The indicators to fetch: those named (each must have a source), or every sourced one."""
    indicators = {i.id: i for m in plan.measures for i in m.indicators}
    if not ids:
        chosen = [i for i in indicators.values() if i.source]
        if not chosen:
            raise InvalidValueError(t("stats.none_sourced", plan=plan.id))
        return chosen
    chosen = []
    for key in ids:
        found = indicators.get(key)
        if found is None:
            raise unknown("kind.indicator", key, list(indicators))
        if not found.source:
            raise InvalidValueError(t("stats.no_source", indicator=key))
        if found not in chosen:
            chosen.append(found)
    return chosen


def fetch(
    store: Store,
    plan: Plan,
    ids: Sequence[str],
    *,
    actor: str,
    from_file: Path | None = None,
    dry_run: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    url: str | None = None,
) -> FetchResult:
    """Fetch the sources of the indicators ``ids`` (every sourced one when empty) and record them.

    ``url``: a base address asked instead of each source's own (a mirror of
    the statistics service, or a test server); the sources' tables, key
    figures and selections stay as the plan gives them.

    Every source is read and decoded before anything is written: one that
    fails stops the fetch with a SourceError and nothing is recorded. The
    changes are recorded in one batch (``apply_changes``): the same
    permission checks as ``kplan record``, one event per changed value.
    """
    chosen = sourced(plan, ids)
    if from_file is not None and len(chosen) != 1:
        raise UsageError(t("stats.from_file_one"))
    if not 0 < timeout <= MAX_TIMEOUT:
        raise UsageError(t("stats.bad_timeout", value=timeout))
    if url is not None:
        url = check_base_url(url)
    fetched: list[FetchedIndicator] = []
    changes: list[Change] = []
    for indicator in chosen:
        source = dict(indicator.source or {})
        if url is not None:
            source["url"] = url
        answer = _answer(source, from_file, timeout)
        found = observations(source, answer)
        kept = provenance(source, answer, found.updated)
        text = json.dumps(kept, ensure_ascii=False)
        own = changes_for(indicator, source, found, text)
        fetched.append(FetchedIndicator(indicator.id, source, kept, own))
        changes += own
    result = apply_changes(store, changes, actor=actor, plan=plan.id, dry_run=dry_run)
    return FetchResult(fetched, result, dry_run)
