"""The audit trail as pages: OPH search and export, and a student's own access log.

``/ehoks-virkailija-ui/loki`` (OPH administrators only): search by student, user, HOKS, days,
operation and outcome (GET parameters, so a search is a link), paged; ``…/loki/vienti.csv`` the
same filters as a streamed CSV download. Both are audited (``audit-search``, ``audit-export``,
the filters as the target).

``/ehoks/katseluloki``: a signed-in student's "who has viewed or changed my data" — organisations
and roles, not officers' names (``docs/adr/0006-audit-trail-and-student-access-log.md``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.responses import Response, StreamingResponse

from ehoks.access import audit, audit_queries
from ehoks.access.audit_queries import AccessKind, AuditFilters
from ehoks.access.identity import ActorKind
from ehoks.access.roles import RoleName
from ehoks.db.types import utcnow
from ehoks.web.context import PageContext
from ehoks.web.deps import ContextDep, OfficerDep, StudentDep
from ehoks.web.errors import PageForbidden
from ehoks.web.i18n import N_
from ehoks.web.pages import page_response

router = APIRouter(include_in_schema=False)

SEARCH_PATH = "/ehoks-virkailija-ui/loki"
EXPORT_PATH = "/ehoks-virkailija-ui/loki/vienti.csv"
ACCESS_LOG_PATH = "/ehoks/katseluloki"
PAGE_SIZE = 50
MAX_HOKS_ID = 2**63 - 1
OID_RE = re.compile(r"[0-9]+(\.[0-9]+){1,20}")  # and at most 64 characters, as stored

# The form's GET parameters.
FIELDS = ("oppija", "kayttaja", "hoks", "alkaen", "asti", "toiminto", "tulos")

OPERATIONS: dict[str, str] = {
    "read": N_("Read"),
    "create": N_("Create"),
    "update": N_("Update"),
    "overwrite": N_("Overwrite"),
    "delete": N_("Delete"),
    "validate": N_("Validate"),
    "sign-in": N_("Sign-in"),
    "sign-out": N_("Sign-out"),
    "audit-search": N_("Audit trail search"),
    "audit-export": N_("Audit trail export"),
}
OUTCOMES: dict[str, str] = {
    audit.SUCCEEDED: N_("Succeeded"),
    audit.FAILED: N_("Failed"),
}
ACTOR_KINDS: dict[str, str] = {
    ActorKind.VIRKAILIJA.value: N_("Officer"),
    ActorKind.PALVELU.value: N_("Service user"),
    ActorKind.OPPIJA.value: N_("Student"),
    ActorKind.SYSTEM.value: N_("System"),
    ActorKind.ANONYMOUS.value: N_("Not signed in"),
}

# A student's access log: the role through which an organisation used the data ...
ROLE_LABELS: dict[str, str] = {
    RoleName.READ.value: N_("viewer"),
    RoleName.CRUD.value: N_("recorder"),
    RoleName.PAAKAYTTAJA.value: N_("main user"),
    RoleName.HOKS_DELETE.value: N_("HOKS deletion rights"),
    RoleName.OPHPAAKAYTTAJA.value: N_("administrator"),
}
OTHER_ROLE = N_("user")
SERVICE_USER = N_("eHOKS service user (student administration system)")
SYSTEM_MAINTENANCE = N_("eHOKS service maintenance")
OTHER_USER = N_("Another user")
# ... and what was done with it.
ACCESS_KINDS: dict[str, str] = {
    AccessKind.VIEWED.value: N_("Viewed your data"),
    AccessKind.CREATED.value: N_("Saved new data"),
    AccessKind.CHANGED.value: N_("Changed your data"),
    AccessKind.DELETED.value: N_("Deleted your data"),
    AccessKind.CHECKED.value: N_("Checked your data before saving it"),
    AccessKind.AUDITED.value: N_("Looked at this log of your data"),
    AccessKind.PROCESSED.value: N_("Processed your data"),
}

INVALID_OPPIJA_OID = N_(
    "Enter the student OID as numbers and dots, for example 1.2.246.562.24.10000000008."
)
INVALID_USER = N_("The user can be at most 128 characters long.")
INVALID_HOKS_ID = N_("The HOKS id must be a whole number.")
INVALID_SINCE = N_("Enter the start date as a date, for example 2026-01-31.")
INVALID_UNTIL = N_("Enter the end date as a date, for example 2026-01-31.")
SINCE_AFTER_UNTIL = N_("The start date must not be after the end date.")


# --- OPH: search and export ----------------------------------------------------------------


@dataclass
class SearchForm:
    """The search form as given (to show it again) and the filters it makes."""

    values: dict[str, str]
    filters: AuditFilters
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field id, message id)
    submitted: bool = False

    @property
    def field_errors(self) -> dict[str, str]:
        """The first error of each field, by field id."""
        found: dict[str, str] = {}
        for name, message in self.errors:
            found.setdefault(name, message)
        return found


def read_form(page: PageContext) -> SearchForm:
    params = page.request.query_params
    values = {name: params.get(name, "").strip() for name in FIELDS}
    errors: list[tuple[str, str]] = []
    if values["oppija"] and not (
        len(values["oppija"]) <= 64 and OID_RE.fullmatch(values["oppija"])
    ):
        errors.append(("oppija", INVALID_OPPIJA_OID))
    if len(values["kayttaja"]) > 128:
        errors.append(("kayttaja", INVALID_USER))
    hoks_id: int | None = None
    if values["hoks"]:
        if values["hoks"].isdigit() and int(values["hoks"]) <= MAX_HOKS_ID:
            hoks_id = int(values["hoks"])
        else:
            errors.append(("hoks", INVALID_HOKS_ID))
    since = _date(values["alkaen"], "alkaen", INVALID_SINCE, errors)
    until = _date(values["asti"], "asti", INVALID_UNTIL, errors)
    if since is not None and until is not None and since > until:
        errors.append(("alkaen", SINCE_AFTER_UNTIL))
    filters = AuditFilters(
        oppija_oid=values["oppija"] or None,
        actor=values["kayttaja"] or None,
        hoks_id=hoks_id,
        since=since,
        until=until,
        operation=values["toiminto"] or None,
        status=values["tulos"] if values["tulos"] in OUTCOMES else None,
    )
    submitted = any(name in params for name in FIELDS)
    return SearchForm(values, filters, errors, submitted)


def _date(value: str, name: str, message: str, errors: list[tuple[str, str]]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append((name, message))
        return None


def _require_oph(page: PageContext) -> None:
    if not page.is_oph_admin:
        raise PageForbidden()


def _query(values: dict[str, str], **extra: str) -> str:
    return urlencode({**{k: v for k, v in values.items() if v}, **extra})


@router.get(SEARCH_PATH)
def search_page(page: OfficerDep, sivu: str = "1") -> Response:
    _require_oph(page)
    assert page.db is not None
    assert page.actor is not None
    form = read_form(page)
    result: audit_queries.SearchResult | None = None
    if form.submitted and not form.errors:
        number = int(sivu) if sivu.isdigit() and len(sivu) < 10 else 1
        result = audit_queries.search(page.db, form.filters, page=number, page_size=PAGE_SIZE)
        audit.record(
            page.db,
            actor=page.actor,
            operation="audit-search",
            target={**form.filters.as_target(), "page": result.page, "resultCount": result.total},
        )
        page.db.commit()
    return _search_response(page, form, result)


@router.get(EXPORT_PATH)
def export_csv(page: OfficerDep, context: ContextDep) -> Response:
    _require_oph(page)
    assert page.db is not None
    assert page.actor is not None
    form = read_form(page)
    if form.errors:
        return _search_response(page, form, None)
    audit.record(
        page.db, actor=page.actor, operation="audit-export", target=form.filters.as_target()
    )
    page.db.commit()
    filters = form.filters

    def lines() -> Iterator[str]:
        # A session of its own: the page's session ends with the request, the download later.
        with context.sessionmaker() as session:
            yield from audit_queries.csv_lines(audit_queries.export(session, filters))

    filename = f"ehoks-lokitiedot-{utcnow().strftime('%Y%m%dT%H%M%SZ')}.csv"
    response = StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
    page.apply_cookies(response)
    return response


def _search_response(
    page: PageContext, form: SearchForm, result: audit_queries.SearchResult | None
) -> Response:
    def page_url(number: int) -> str:
        return f"{SEARCH_PATH}?{_query(form.values, sivu=str(number))}"

    return page_response(
        page,
        "officer/audit/search.html",
        {
            "form": form,
            "result": result,
            "operations": OPERATIONS,
            "outcomes": OUTCOMES,
            "actor_kinds": ACTOR_KINDS,
            "page_url": page_url,
            "export_url": f"{EXPORT_PATH}?{_query(form.values)}",
            "as_json": _as_json,
        },
        status_code=400 if form.errors else 200,
    )


def _as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


# --- the student's own access log ----------------------------------------------------------


@router.get(ACCESS_LOG_PATH)
def access_log(page: StudentDep, context: ContextDep) -> Response:
    assert page.db is not None
    assert page.actor is not None
    oppija_oid = page.actor.oid
    registries = context.registries.bind(page.db)
    entries = audit_queries.events_about_student(page.db, oppija_oid, registries)
    audit.record(
        page.db,
        actor=page.actor,
        operation="read",
        target={"oppijaOid": oppija_oid, "resource": "katseluloki"},
    )
    page.db.commit()
    return page_response(
        page,
        "student/access_log.html",
        {"entries": entries, "who_label": who_label, "access_kinds": ACCESS_KINDS},
    )


def who_label(entry: audit_queries.AccessLogEntry, page: PageContext) -> str:
    """ "Ammattiopisto A1 — viewer", "Koulutus B Oy — eHOKS service user (…)" in the page's
    language; never a person."""
    gettext = page.catalog.gettext
    who = entry.who
    organisation = entry.organisation_name_in(page.lang)
    if who.actor_kind == ActorKind.SYSTEM.value:
        role = gettext(SYSTEM_MAINTENANCE)
    elif who.actor_kind == ActorKind.PALVELU.value:
        role = gettext(SERVICE_USER)
    elif who.actor_kind == ActorKind.VIRKAILIJA.value and who.role is not None:
        role = gettext(ROLE_LABELS.get(who.role, OTHER_ROLE))
    elif who.actor_kind == ActorKind.VIRKAILIJA.value:
        role = gettext(OTHER_ROLE)
    else:
        return gettext(OTHER_USER)
    return f"{organisation} — {role}" if organisation else role
