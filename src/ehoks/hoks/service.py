"""The HOKS use cases. Each checks access, validates, writes and audits in the caller's
transaction; none commits (the request handler or command does, once).

The order of the steps is the original's (``reference/ehoks-backend.md`` §3.1), because it
decides which error a client sees first.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from ehoks.access import audit
from ehoks.access.identity import Actor
from ehoks.db.types import utcnow
from ehoks.errors import Gone, InvalidRequest, NotFound, RegistryUnavailable, UpstreamError
from ehoks.hoks import access, schema, storage
from ehoks.hoks.documents import store_document
from ehoks.hoks.index import follow_oppija_change, index_for_new_hoks, koski_error
from ehoks.hoks.schema import PART_ARRAYS, Method
from ehoks.hoks.storage import Hoks
from ehoks.hoks.validation import RuleContext, today_in_finland
from ehoks.identifiers import is_valid_opiskeluoikeus_oid
from ehoks.registries.koski.interface import INACTIVE_STATES, Opiskeluoikeus
from ehoks.registries.wiring import Registries
from ehoks.settings import Settings

PAGE_MAX = 1000
PAGE_DEFAULT = 500


@dataclass(frozen=True)
class HoksEnv:
    """What the use cases need besides the session and the actor."""

    registries: Registries
    settings: Settings
    today: date | None = None

    def rule_context(
        self, opiskeluoikeus: Opiskeluoikeus | None, *, virkailija: bool
    ) -> RuleContext:
        return RuleContext(
            opiskeluoikeus=opiskeluoikeus,
            today=self.today or today_in_finland(),
            virkailija=virkailija,
        )


# --- registers, with the original's error mapping ----------------------------------------------


def fetch_opiskeluoikeus(registries: Registries, oid: str) -> Opiskeluoikeus:
    """The study right from KOSKI: 400 when KOSKI does not know it, 500 when KOSKI fails."""
    try:
        opiskeluoikeus = registries.koski.get_opiskeluoikeus(oid)
    except RegistryUnavailable as error:
        raise koski_error(error, oid) from error
    if opiskeluoikeus is None:
        raise InvalidRequest(f"Opiskeluoikeus `{oid}` not found in Koski")
    return opiskeluoikeus


# --- documents ---------------------------------------------------------------------------------


def full_document(hoks: Hoks) -> dict[str, Any]:
    """The HOKS as a GET shows it (server fields added, every part array present)."""
    return schema.render(
        {"id": hoks.id, "eid": hoks.eid, **hoks.document, "manuaalisyotto": hoks.manuaalisyotto}
    )


def top_level_document(hoks: Hoks) -> dict[str, Any]:
    return {key: value for key, value in full_document(hoks).items() if key not in PART_ARRAYS}


def _audit_target(hoks: Hoks) -> dict[str, Any]:
    return {
        "hoksId": hoks.id,
        "oppijaOid": hoks.oppija_oid,
        "opiskeluoikeusOid": hoks.opiskeluoikeus_oid,
    }


def _audit_organisation(session: Session, hoks: Hoks) -> str | None:
    """The organisation a HOKS's data belongs to, for the audit trail: the oppilaitos of its
    study right in the index (already loaded by the access check, so no extra query)."""
    index_row = storage.get_opiskeluoikeus_index(session, hoks.opiskeluoikeus_oid)
    return index_row.oppilaitos_oid if index_row is not None else None


def _fill_tunnisteet(document: dict[str, Any]) -> None:
    """Officer input: every jakso without ``yksiloiva-tunniste`` gets a random UUID string."""
    for kind, _path, part in schema.walk_parts(document):
        if kind == "OsaamisenHankkimistapa" and "yksiloiva-tunniste" not in part:
            part["yksiloiva-tunniste"] = str(uuid.uuid4())


def _opiskeluoikeus_oid_of(body: Any) -> str | None:
    value = body.get("opiskeluoikeus-oid") if isinstance(body, dict) else None
    return value if isinstance(value, str) and is_valid_opiskeluoikeus_oid(value) else None


def _check_flags_on_create(
    env: HoksEnv, opiskeluoikeus: Opiskeluoikeus | None, *, oppija_oid: str, oo_oid: str
) -> None:
    if env.settings.enforce_opiskeluoikeus_match and opiskeluoikeus is None:
        raise InvalidRequest(
            f"Opiskeluoikeus `{oo_oid}` does not match any held by oppija `{oppija_oid}`"
        )
    if (
        env.settings.prevent_finished_opiskeluoikeus_updates
        and opiskeluoikeus is not None
        and opiskeluoikeus.current_tila in INACTIVE_STATES
    ):
        raise InvalidRequest(f"Opiskeluoikeus `{oo_oid}` is no longer active")


# --- use cases ---------------------------------------------------------------------------------


def validate_new_hoks(
    session: Session, *, actor: Actor, env: HoksEnv, body: Any, virkailija: bool = False
) -> dict[str, Any]:
    """Validate a create body with its study right from KOSKI; store nothing (``/validointi``)."""
    oo_oid = _opiskeluoikeus_oid_of(body)
    opiskeluoikeus = fetch_opiskeluoikeus(env.registries, oo_oid) if oo_oid else None
    cleaned = schema.validate_hoks(
        body, Method.POST, env.rule_context(opiskeluoikeus, virkailija=virkailija)
    )
    audit.record(
        session,
        actor=actor,
        operation="validate",
        target={
            "oppijaOid": cleaned["oppija-oid"],
            "opiskeluoikeusOid": cleaned["opiskeluoikeus-oid"],
        },
        organisation_oid=opiskeluoikeus.oppilaitos.oid
        if opiskeluoikeus is not None and opiskeluoikeus.oppilaitos is not None
        else None,
    )
    return cleaned


def create_hoks(
    session: Session, *, actor: Actor, env: HoksEnv, body: Any, virkailija: bool = False
) -> Hoks:
    """Create a HOKS from a POST body (service user) or the input UI (``virkailija``)."""
    oo_oid = _opiskeluoikeus_oid_of(body)
    opiskeluoikeus = fetch_opiskeluoikeus(env.registries, oo_oid) if oo_oid else None
    cleaned = schema.validate_hoks(
        body, Method.POST, env.rule_context(opiskeluoikeus, virkailija=virkailija)
    )
    oppija_oid: str = cleaned["oppija-oid"]
    oo_oid = cleaned["opiskeluoikeus-oid"]
    assert oo_oid is not None
    index_for_new_hoks(session, env.registries, oppija_oid=oppija_oid, opiskeluoikeus_oid=oo_oid)
    access.require_privilege_in_oppilaitos(
        session, env.registries, actor, opiskeluoikeus_oid=oo_oid, privilege="write"
    )
    _check_flags_on_create(env, opiskeluoikeus, oppija_oid=oppija_oid, oo_oid=oo_oid)
    existing = storage.get_hoks_by_opiskeluoikeus(session, oo_oid)
    if existing is not None:
        if existing.deleted_at is not None:
            raise InvalidRequest(
                "Archived HOKS with given opiskeluoikeus oid found. Contact eHOKS support for "
                "more information."
            )
        raise InvalidRequest("HOKS with the same opiskeluoikeus-oid already exists")
    document = schema.to_json(cleaned)
    if virkailija:
        _fill_tunnisteet(document)
    hoks = Hoks(
        eid=str(uuid.uuid4()),
        oppija_oid=oppija_oid,
        opiskeluoikeus_oid=oo_oid,
        manuaalisyotto=virkailija,
        ensikertainen_hyvaksyminen=date.fromisoformat(document["ensikertainen-hyvaksyminen"]),
        document={},
        revision=1,
        created_at=utcnow(),
    )
    session.add(hoks)
    session.flush()
    store_document(session, hoks, document, operation="create")
    audit.record(
        session,
        actor=actor,
        operation="create",
        target=_audit_target(hoks),
        changes=[{"path": "", "newValue": {**schema.to_json(cleaned), "id": hoks.id}}],
        organisation_oid=_audit_organisation(session, hoks),
    )
    return hoks


def read_hoks(session: Session, *, actor: Actor, env: HoksEnv, hoks_id: int) -> dict[str, Any]:
    """The whole HOKS document (read privilege)."""
    hoks = access.access_hoks_by_id(session, env.registries, actor, hoks_id, privilege="read")
    audit.record(
        session,
        actor=actor,
        operation="read",
        target=_audit_target(hoks),
        organisation_oid=_audit_organisation(session, hoks),
    )
    return full_document(hoks)


def read_hoks_of_opiskeluoikeus(
    session: Session, *, actor: Actor, env: HoksEnv, opiskeluoikeus_oid: str
) -> dict[str, Any]:
    """The top level of the live HOKS of a study right (no part arrays, as the original)."""
    hoks = access.access_hoks_by_opiskeluoikeus(session, env.registries, actor, opiskeluoikeus_oid)
    audit.record(
        session,
        actor=actor,
        operation="read",
        target=_audit_target(hoks),
        organisation_oid=_audit_organisation(session, hoks),
    )
    return top_level_document(hoks)


def list_hankintakoulutukset(
    session: Session, *, actor: Actor, env: HoksEnv, hoks_id: int
) -> list[str]:
    """OIDs of the procured-training study rights linked to the HOKS's study right."""
    hoks = access.access_hoks_by_id(session, env.registries, actor, hoks_id, privilege="read")
    fetch_opiskeluoikeus(env.registries, hoks.opiskeluoikeus_oid)
    audit.record(
        session,
        actor=actor,
        operation="read",
        target=_audit_target(hoks),
        organisation_oid=_audit_organisation(session, hoks),
    )
    return storage.list_hankintakoulutus_oids(session, hoks.opiskeluoikeus_oid)


def _check_update(
    session: Session,
    *,
    env: HoksEnv,
    hoks: Hoks,
    hoks_id: int,
    body: Any,
    method: Method,
    virkailija: bool,
) -> dict[str, Any]:
    """Steps 4-8 of the update pipeline; the validated body."""
    opiskeluoikeus = fetch_opiskeluoikeus(env.registries, hoks.opiskeluoikeus_oid)
    cleaned = schema.validate_hoks(
        body, method, env.rule_context(opiskeluoikeus, virkailija=virkailija)
    )
    if cleaned["id"] != hoks_id:
        raise InvalidRequest(
            f"HOKS id `{cleaned['id']}` in the body does not match the id `{hoks_id}` in the path"
        )
    new_oo = cleaned.get("opiskeluoikeus-oid", hoks.opiskeluoikeus_oid)
    if (
        env.settings.prevent_finished_opiskeluoikeus_updates
        and opiskeluoikeus.current_tila in INACTIVE_STATES
    ):
        raise InvalidRequest(f"Opiskeluoikeus `{new_oo}` is no longer active.")
    if new_oo != hoks.opiskeluoikeus_oid:
        raise InvalidRequest(
            f"Tried to update `opiskeluoikeus-oid` from `{hoks.opiskeluoikeus_oid}` to "
            f"`{new_oo}` but updating `opiskeluoikeus-oid` in HOKS is not allowed!"
        )
    new_oppija = cleaned.get("oppija-oid", hoks.oppija_oid)
    if new_oppija != hoks.oppija_oid:
        master = _master_of(env.registries, hoks.oppija_oid)
        if master != new_oppija:
            raise InvalidRequest(
                f"Tried to update `oppija-oid` from `{hoks.oppija_oid}` to `{new_oppija}` but "
                "updating `oppija-oid` in HOKS is only allowed with latest master oppija oid!"
            )
    return cleaned


def _master_of(registries: Registries, oppija_oid: str) -> str | None:
    try:
        master = registries.onr.get_master(oppija_oid)
    except RegistryUnavailable as error:
        raise UpstreamError(
            f"Error while fetching oppija `{oppija_oid}` from Oppijanumerorekisteri"
        ) from error
    return master.oid if master else None


def replace_hoks(
    session: Session,
    *,
    actor: Actor,
    env: HoksEnv,
    hoks_id: int,
    body: Any,
    virkailija: bool = False,
) -> Hoks:
    """PUT: replace the whole HOKS; absent optional fields and part arrays are cleared."""

    def replaced(hoks: Hoks, given: dict[str, Any]) -> dict[str, Any]:
        document = dict(given)
        document.setdefault("oppija-oid", hoks.oppija_oid)
        document.setdefault("opiskeluoikeus-oid", hoks.opiskeluoikeus_oid)
        if virkailija:
            _fill_tunnisteet(document)
        return document

    return _change_hoks(
        session,
        actor=actor,
        env=env,
        hoks_id=hoks_id,
        body=body,
        virkailija=virkailija,
        method=Method.PUT,
        operation="overwrite",
        new_document=replaced,
        audited_view=full_document,
    )


def update_hoks(
    session: Session,
    *,
    actor: Actor,
    env: HoksEnv,
    hoks_id: int,
    body: Any,
    virkailija: bool = False,
) -> Hoks:
    """PATCH: merge the given top-level fields; parts are untouched."""
    return _change_hoks(
        session,
        actor=actor,
        env=env,
        hoks_id=hoks_id,
        body=body,
        virkailija=virkailija,
        method=Method.PATCH,
        operation="update",
        new_document=lambda hoks, given: {**hoks.document, **given},
        audited_view=top_level_document,
    )


def _change_hoks(
    session: Session,
    *,
    actor: Actor,
    env: HoksEnv,
    hoks_id: int,
    body: Any,
    virkailija: bool,
    method: Method,
    operation: str,
    new_document: Callable[[Hoks, dict[str, Any]], dict[str, Any]],
    audited_view: Callable[[Hoks], dict[str, Any]],
) -> Hoks:
    """The steps PUT and PATCH share (§3.1 "Update"): access, checks, store, re-index, audit."""
    hoks = access.access_hoks_by_id(
        session, env.registries, actor, hoks_id, privilege="update", for_update=True
    )
    cleaned = _check_update(
        session,
        env=env,
        hoks=hoks,
        hoks_id=hoks_id,
        body=body,
        method=method,
        virkailija=virkailija,
    )
    old = audited_view(hoks)
    given = {
        key: value
        for key, value in schema.to_json(cleaned).items()
        if key not in schema.SERVER_KEYS
    }
    document = new_document(hoks, given)
    old_oppija = hoks.oppija_oid
    hoks.revision += 1
    store_document(session, hoks, document, operation=operation)
    follow_oppija_change(session, env.registries, hoks, old_oppija)
    audit.record(
        session,
        actor=actor,
        operation=operation,
        target=_audit_target(hoks),
        changes=audit.diff(old, audited_view(hoks)),
        organisation_oid=_audit_organisation(session, hoks),
    )
    return hoks


def refuse_deprecated_part_route(
    session: Session, *, actor: Actor, env: HoksEnv, hoks_id: int, privilege: str
) -> None:
    """The per-part routes are gone: after the access checks they answer 410."""

    access.access_hoks_by_id(session, env.registries, actor, hoks_id, privilege=privilege)
    raise Gone("Route is deprected.")


def export_hoks_page(
    session: Session,
    *,
    actor: Actor,
    from_id: int,
    amount: int,
    updated_after: datetime | None,
) -> dict[str, Any]:
    """A batch of the Vipunen statistics export: redacted HOKSes with ``id > from_id``."""
    access.require_oph_privilege(actor, "read")
    amount = max(1, min(amount, PAGE_MAX))
    rows = storage.list_hoks_page(
        session, from_id=from_id, amount=amount, updated_after=updated_after
    )
    result: list[dict[str, Any]] = []
    failed: list[int] = []
    for hoks in rows:
        exported = vipunen_document(hoks)
        if schema.check_document(exported, Method.VIPUNEN) is None:
            result.append(exported)
        else:
            failed.append(hoks.id)
    audit.record(
        session,
        actor=actor,
        operation="read",
        target={
            "fromId": from_id,
            "amount": amount,
            "updatedAfter": updated_after,
            "hoksIds": [hoks.id for hoks in rows],
        },
    )
    return {
        "last-id": rows[-1].id if rows else from_id,
        "failed-ids": failed,
        "result": result,
    }


def vipunen_document(hoks: Hoks) -> dict[str, Any]:
    """The HOKS as the statistics export shows it (§2.10): contact data and names removed."""
    base: dict[str, Any] = {
        "id": hoks.id,
        "eid": hoks.eid,
        "manuaalisyotto": hoks.manuaalisyotto,
    }
    if hoks.deleted_at is not None:
        top = {key: value for key, value in hoks.document.items() if key not in PART_ARRAYS}
        return schema.render(
            {**base, **top, "poistettu": schema.format_instant(hoks.deleted_at)},
            Method.VIPUNEN,
        )
    return schema.render({**base, **hoks.document}, Method.VIPUNEN)


def get_live_hoks(session: Session, hoks_id: int) -> Hoks:
    """Internal fetch without access checks (CLI, jobs)."""
    hoks = storage.get_hoks_by_id(session, hoks_id)
    if hoks is None or hoks.deleted_at is not None:
        raise NotFound(access.HOKS_NOT_FOUND_TEXT)
    return hoks
