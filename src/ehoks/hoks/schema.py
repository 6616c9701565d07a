"""The HOKS document: every object, field and per-method rule, and the engine that applies them.

The original defines each object once as a *template* whose fields carry a presence rule per
method (required, optional or excluded); the POST, PUT, PATCH, GET and Vipunen (``/hoks/paged``)
schemas are derived from it (``reference/ehoks-backend.md`` §2.1). We do the same: the templates
below are the single source of truth for the data-transfer API, the officer input UI, the CSV
import and the OpenAPI document.

Validation returns either the cleaned value (strings trimmed, dates parsed, objects in schema
order) or an error tree that mirrors the input, with the original's "explain" strings at the
failing leaves (§0.4): ``missing-required-key``, ``disallowed-key``, ``(not (integer? "x"))``,
``(not ("Kelvollinen Y-tunnus" "1234567-2"))``, and whole-object rules as
``(not ("<Finnish text>" a-clojure.lang.PersistentArrayMap))`` at the object's position.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from ehoks import identifiers
from ehoks.hoks import validation as rules
from ehoks.hoks.validation import RuleContext


class Method(StrEnum):
    POST = "post"
    PUT = "put"
    PATCH = "patch"
    GET = "get"
    VIPUNEN = "get-vipunen"


class Presence(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"
    EXCLUDED = "excluded"


R, O, X = Presence.REQUIRED, Presence.OPTIONAL, Presence.EXCLUDED
WRITE_METHODS = (Method.POST, Method.PUT, Method.PATCH)

MISSING = "missing-required-key"
DISALLOWED = "disallowed-key"

FieldRule = Callable[[Any, RuleContext], str | None]
ObjectRule = Callable[[dict[str, Any], RuleContext], str | None]
ListRule = Callable[[list[Any], RuleContext], str | None]


def explain_value(value: Any) -> str:
    """Render a value the way the original's error strings do (Clojure ``pr-str``)."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "a-clojure.lang.PersistentArrayMap"
    if isinstance(value, list):
        return "a-clojure.lang.PersistentVector"
    return repr(value)


def _not(predicate: str, value: Any) -> str:
    return f"(not ({predicate} {explain_value(value)}))"


def _described(description: str, value: Any) -> str:
    return f"(not ({json.dumps(description, ensure_ascii=False)} {explain_value(value)}))"


@dataclass
class Run:
    """One validation run: the method whose presence rules apply and the rule context."""

    method: Method
    context: RuleContext
    # Whether rules may use the study right (off for the Vipunen re-check of stored data).
    field_rules: bool = True


# --- types ------------------------------------------------------------------------------


class SchemaType:
    """A wire type: validates a value and describes itself as JSON Schema."""

    field_rules: tuple[FieldRule, ...] = ()

    def check(self, value: Any, run: Run) -> tuple[Any, Any]:
        """Return ``(cleaned, None)`` or ``(None, error)``."""
        cleaned, error = self._check(value, run)
        if error is not None:
            return None, error
        if run.field_rules:
            for rule in self.field_rules:
                message = rule(cleaned, run.context)
                if message is not None:
                    return None, _described(message, value)
        return cleaned, None

    def _check(self, value: Any, run: Run) -> tuple[Any, Any]:
        raise NotImplementedError

    def json_schema(self, method: Method, defs: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class Str(SchemaType):
    """A plain string. Trimmed before validation and storage, as the original's officer app does."""

    description: str = ""
    min_length: int = 0
    field_rules: tuple[FieldRule, ...] = ()

    def _check(self, value: Any, run: Run) -> tuple[Any, Any]:
        if not isinstance(value, str):
            return None, _not("instance? java.lang.String", value)
        trimmed = value.strip()
        if len(trimmed) < self.min_length:
            return None, _described("Ei-tyhjä merkkijono", value)
        return trimmed, None

    def json_schema(self, method: Method, defs: dict[str, Any]) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        if self.min_length:
            schema["minLength"] = self.min_length
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass(frozen=True)
class Pattern(SchemaType):
    """A string matching a regular expression (never trimmed), optionally with a check digit."""

    regex: re.Pattern[str]
    checksum: Callable[[str], bool] | None = None
    check_description: str = ""
    description: str = ""
    field_rules: tuple[FieldRule, ...] = ()

    def _check(self, value: Any, run: Run) -> tuple[Any, Any]:
        if not isinstance(value, str):
            return None, _not("string?", value)  # Plumatic checks string? before the regex
        if not self.regex.search(value):
            return None, _not(f're-find #"{self.regex.pattern}"', value)
        if self.checksum is not None and not self.checksum(value):
            return None, _described(self.check_description, value)
        return value, None

    def json_schema(self, method: Method, defs: dict[str, Any]) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "pattern": self.regex.pattern}
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass(frozen=True)
class Int(SchemaType):
    """A JSON integer; a float with a zero fraction (``5.0``) is taken as that integer."""

    description: str = ""
    field_rules: tuple[FieldRule, ...] = ()

    def _check(self, value: Any, run: Run) -> tuple[Any, Any]:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, _not("integer?", value)
        if isinstance(value, float):
            if not math.isfinite(value) or not value.is_integer():
                return None, _not("integer?", value)
            return int(value), None
        return value, None

    def json_schema(self, method: Method, defs: dict[str, Any]) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer"}
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass(frozen=True)
class Num(SchemaType):
    """A JSON number; ``as_float`` stores it as a double (the original's float8 columns)."""

    as_float: bool = False
    description: str = ""
    field_rules: tuple[FieldRule, ...] = ()

    def _check(self, value: Any, run: Run) -> tuple[Any, Any]:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, _not("instance? java.lang.Number", value)
        if isinstance(value, float) and not math.isfinite(value):
            return None, _not("instance? java.lang.Number", value)
        return (float(value) if self.as_float else value), None

    def json_schema(self, method: Method, defs: dict[str, Any]) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "number"}
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass(frozen=True)
class Bool(SchemaType):
    description: str = ""

    def _check(self, value: Any, run: Run) -> tuple[Any, Any]:
        if not isinstance(value, bool):
            return None, _not("instance? java.lang.Boolean", value)
        return value, None

    def json_schema(self, method: Method, defs: dict[str, Any]) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "boolean"}
        if self.description:
            schema["description"] = self.description
        return schema


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: Any) -> date | None:
    """A ``YYYY-MM-DD`` string as a date, or None."""
    if not isinstance(value, str) or not _DATE_RE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Date(SchemaType):
    description: str = ""
    field_rules: tuple[FieldRule, ...] = ()

    def _check(self, value: Any, run: Run) -> tuple[Any, Any]:
        parsed = parse_date(value)
        if parsed is None:
            return None, _not("instance? java.time.LocalDate", value)
        return parsed, None

    def json_schema(self, method: Method, defs: dict[str, Any]) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "format": "date"}
        if self.description:
            schema["description"] = self.description
        return schema


_INSTANT_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$"
)


def parse_instant(value: Any) -> datetime | None:
    """An ISO-8601 date-time as an aware UTC datetime (no offset means UTC), or None."""
    if not isinstance(value, str) or not _INSTANT_RE.match(value):
        return None
    text = value.replace("z", "Z").replace("t", "T")
    fraction = re.search(r"\.(\d+)", text)
    if fraction and len(fraction.group(1)) > 6:  # Python parses at most microseconds
        text = text.replace(fraction.group(0), "." + fraction.group(1)[:6])
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_instant(moment: datetime) -> str:
    """The original's output form: UTC, seconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Inst(SchemaType):
    description: str = ""

    def _check(self, value: Any, run: Run) -> tuple[Any, Any]:
        parsed = parse_instant(value)
        if parsed is None:
            return None, _not("instance? java.time.Instant", value)
        return parsed, None

    def json_schema(self, method: Method, defs: dict[str, Any]) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "format": "date-time"}
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass(frozen=True)
class Uuid(SchemaType):
    description: str = ""

    def _check(self, value: Any, run: Run) -> tuple[Any, Any]:
        if not isinstance(value, str):
            return None, _not("instance? java.util.UUID", value)
        try:
            parsed = uuid.UUID(value)
        except ValueError:
            return None, _not("instance? java.util.UUID", value)
        if str(parsed) != value.lower():
            return None, _not("instance? java.util.UUID", value)
        return str(parsed), None

    def json_schema(self, method: Method, defs: dict[str, Any]) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "format": "uuid"}
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass(frozen=True)
class Array(SchemaType):
    item: SchemaType
    list_rules: tuple[ListRule, ...] = ()
    description: str = ""

    def _check(self, value: Any, run: Run) -> tuple[Any, Any]:
        if not isinstance(value, list):
            return None, _not("sequential?", value)
        cleaned: list[Any] = []
        errors: list[Any] = []
        failed = False
        for element in value:
            item, error = self.item.check(element, run)
            cleaned.append(item)
            errors.append(error)
            failed = failed or error is not None
        if failed:
            return None, errors
        if run.field_rules:
            for rule in self.list_rules:
                message = rule(cleaned, run.context)
                if message is not None:
                    return None, _described(message, value)
        return cleaned, None

    def json_schema(self, method: Method, defs: dict[str, Any]) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema(method, defs)}
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass(frozen=True)
class Field:
    """One key of an object: its type and its presence per method."""

    type: SchemaType
    presence: Mapping[Method, Presence]
    description: str = ""
    # GET emits this key even when nothing is stored (as [] or the object's default).
    always: bool = False
    # Another type for the Vipunen export (e.g. the instructor becomes ``true``).
    vipunen_type: SchemaType | None = None
    # The key is accepted on input but not stored (the original's unusable nested ids).
    ignored: bool = False

    def presence_for(self, method: Method) -> Presence:
        return self.presence.get(method, R)

    def type_for(self, method: Method) -> SchemaType:
        if method is Method.VIPUNEN and self.vipunen_type is not None:
            return self.vipunen_type
        return self.type


def fld(
    type_: SchemaType,
    *,
    post: Presence = R,
    put: Presence | None = None,
    patch: Presence | None = None,
    get: Presence | None = None,
    vipunen: Presence | None = None,
    description: str = "",
    always: bool = False,
    vipunen_type: SchemaType | None = None,
    ignored: bool = False,
) -> Field:
    """A field whose presence falls back: put→post, patch→put, get→put, vipunen→get."""
    put_ = put if put is not None else post
    patch_ = patch if patch is not None else put_
    get_ = get if get is not None else (put_ if put_ is not X else O)
    vipunen_ = vipunen if vipunen is not None else get_
    presence = {
        Method.POST: post,
        Method.PUT: put_,
        Method.PATCH: patch_,
        Method.GET: get_,
        Method.VIPUNEN: vipunen_,
    }
    return Field(type_, presence, description, always, vipunen_type, ignored)


def req(type_: SchemaType, description: str = "") -> Field:
    return fld(type_, description=description)


def opt(type_: SchemaType, description: str = "", **kwargs: Any) -> Field:
    return fld(type_, post=O, description=description, **kwargs)


def server_id() -> Field:
    """A database id: never accepted on write, never emitted."""
    return fld(Int(), post=X, get=O, vipunen=O)


def module_id() -> Field:
    """A part's stable UUID: issued by the server; a PUT may echo one back (product.md §3.4)."""
    return fld(Uuid(), post=X, put=O, patch=X, get=R, vipunen=O)


def nested_id() -> Field:
    return fld(Int(), post=O, ignored=True, get=X, vipunen=X)


@dataclass(frozen=True)
class Obj(SchemaType):
    """A closed object: unknown keys are ``disallowed-key``; rules run once its fields are valid."""

    name: str
    fields: Mapping[str, Field]
    object_rules: tuple[ObjectRule, ...] = ()
    description: str = ""
    # Keys whose value the Vipunen export replaces with "<REDACTED>" (names of persons).
    vipunen_redacted: tuple[str, ...] = ()

    def _check(self, value: Any, run: Run) -> tuple[Any, Any]:
        if not isinstance(value, dict):
            return None, _not("map?", value)
        errors: dict[str, Any] = {}
        cleaned: dict[str, Any] = {}
        for key in value:
            if key not in self.fields:
                errors[key] = DISALLOWED
        for name, spec in self.fields.items():
            presence = spec.presence_for(run.method)
            if name in value:
                if presence is X:
                    errors[name] = DISALLOWED
                    continue
                item, error = spec.type_for(run.method).check(value[name], run)
                if error is not None:
                    errors[name] = error
                elif not spec.ignored:
                    cleaned[name] = item
            elif presence is R:
                errors[name] = MISSING
        if errors:
            return None, errors
        if run.field_rules:
            for rule in self.object_rules:
                message = rule(cleaned, run.context)
                if message is not None:
                    return None, _described(message, value)
        return cleaned, None

    def json_schema(self, method: Method, defs: dict[str, Any]) -> dict[str, Any]:
        ref_name = f"{self.name}-{method.value}"
        if ref_name not in defs:
            defs[ref_name] = {}  # placeholder guards recursion
            properties: dict[str, Any] = {}
            required: list[str] = []
            for name, spec in self.fields.items():
                presence = spec.presence_for(method)
                if presence is X or (spec.ignored and method in (Method.GET, Method.VIPUNEN)):
                    continue
                prop = spec.type_for(method).json_schema(method, defs)
                if spec.description:
                    prop = {**prop, "description": spec.description}
                properties[name] = prop
                if presence is R or (spec.always and method in (Method.GET, Method.VIPUNEN)):
                    required.append(name)
            schema: dict[str, Any] = {
                "type": "object",
                "title": self.name,
                "properties": properties,
                "additionalProperties": False,
            }
            if required:
                schema["required"] = required
            if self.description:
                schema["description"] = self.description
            defs[ref_name] = schema
        return {"$ref": f"#/components/schemas/{ref_name}"}


# --- primitives of the HOKS -------------------------------------------------------------


def _koodi_uri(pattern: str) -> Pattern:
    # ASCII: \d means 0-9 as in the original's Java regexes.
    return Pattern(re.compile(pattern, re.ASCII))


OpiskeluoikeusOid = Pattern(
    identifiers.OPISKELUOIKEUS_OID_RE,
    identifiers.is_valid_opiskeluoikeus_oid,
    "Kelvollinen opiskeluoikeus-OID",
    "KOSKI study right OID (1.2.246.562.15.*) with a valid Luhn check digit",
)
OppijaOid = Pattern(
    identifiers.OPPIJA_OID_RE,
    identifiers.is_valid_oppija_oid,
    "Kelvollinen oppija-OID",
    "Person OID (1.2.246.562.24.* IBM 1-3-7, or test nodes 98/198/298 Luhn)",
)
OrganisaatioOid = Pattern(
    identifiers.ORGANISAATIO_OID_RE, description="Organisation OID (1.2.246.562.10.*)"
)
YTunnus = Pattern(
    identifiers.Y_TUNNUS_RE,
    identifiers.is_valid_y_tunnus,
    "Kelvollinen Y-tunnus",
    "Finnish business ID with a valid check digit",
)


def _tutkinnon_osa_koodi() -> dict[str, Field]:
    return {
        "tutkinnon-osa-koodi-uri": req(_koodi_uri(r"^tutkinnonosat_\d+$")),
        "tutkinnon-osa-koodi-versio": req(Int()),
    }


OPETUS_JA_OHJAUS = opt(
    Num(as_float=True, field_rules=(rules.check_not_negative_opetus,)),
    "Amount of teaching and guidance in hours (≥ 0)",
)

NaytonJarjestaja = Obj(
    "NaytonJarjestaja",
    {"id": nested_id(), "oppilaitos-oid": opt(OrganisaatioOid)},
)
Nayttoymparisto = Obj(
    "Nayttoymparisto",
    {"id": nested_id(), "nimi": req(Str()), "y-tunnus": opt(YTunnus), "kuvaus": opt(Str())},
)
KoodistoKoodi = Obj(
    "KoodistoKoodi",
    {"id": nested_id(), "koodi-uri": req(Str()), "koodi-versio": req(Int())},
)
KoulutuksenJarjestajaArvioija = Obj(
    "KoulutuksenJarjestajaArvioija",
    vipunen_redacted=("nimi",),
    fields={
        "id": nested_id(),
        "nimi": req(Str()),
        "organisaatio": req(
            Obj(
                "KoulutuksenJarjestajaOrganisaatio",
                {"id": nested_id(), "oppilaitos-oid": opt(OrganisaatioOid)},
            )
        ),
    },
)
TyoelamaOsaamisenArvioija = Obj(
    "TyoelamaOsaamisenArvioija",
    vipunen_redacted=("nimi",),
    fields={
        "id": nested_id(),
        "nimi": req(Str()),
        "organisaatio": req(
            Obj(
                "TyoelamaOrganisaatio",
                {"id": nested_id(), "nimi": req(Str()), "y-tunnus": opt(YTunnus)},
            )
        ),
    },
)

OsaamisenOsoittaminen = Obj(
    "OsaamisenOsoittaminen",
    {
        "id": server_id(),
        "module-id": module_id(),
        "jarjestaja": opt(NaytonJarjestaja),
        "osa-alueet": opt(Array(KoodistoKoodi), always=True),
        "nayttoymparisto": req(Nayttoymparisto),
        "sisallon-kuvaus": req(Array(Str())),
        "alku": req(Date()),
        "loppu": req(Date()),
        "koulutuksen-jarjestaja-osaamisen-arvioijat": opt(
            Array(KoulutuksenJarjestajaArvioija), always=True
        ),
        "tyoelama-osaamisen-arvioijat": opt(Array(TyoelamaOsaamisenArvioija), always=True),
        "vaatimuksista-tai-tavoitteista-poikkeaminen": opt(Str()),
        "yksilolliset-kriteerit": opt(Array(Str()), always=True),
    },
    description="Osaamisen osoittaminen (näyttö): a demonstration of competence",
)

VastuullinenTyopaikkaOhjaaja = Obj(
    "VastuullinenTyopaikkaOhjaaja",
    {
        "id": nested_id(),
        "nimi": req(Str()),
        "sahkoposti": opt(Str()),
        "puhelinnumero": opt(Str(field_rules=(rules.check_puhelinnumero,))),
    },
)
TyopaikallaJarjestettavaKoulutus = Obj(
    "TyopaikallaJarjestettavaKoulutus",
    {
        "id": nested_id(),
        "vastuullinen-tyopaikka-ohjaaja": fld(VastuullinenTyopaikkaOhjaaja, vipunen_type=Bool()),
        "tyopaikan-nimi": req(Str()),
        "tyopaikan-y-tunnus": opt(YTunnus),
        "keskeiset-tyotehtavat": req(Array(Str())),
    },
)
Oppilaitoshenkilo = Obj(
    "Oppilaitoshenkilo",
    {
        "id": nested_id(),
        "nimi": req(Str()),
        "rooli": opt(Str()),
        "oppilaitos-oid": req(OrganisaatioOid),
    },
)
MuuOppimisymparisto = Obj(
    "MuuOppimisymparisto",
    {
        "id": nested_id(),
        "oppimisymparisto-koodi-uri": req(_koodi_uri(r"^oppimisymparistot_\d{4}$")),
        "oppimisymparisto-koodi-versio": req(Int()),
        "alku": req(Date()),
        "loppu": req(Date()),
    },
)
Keskeytymisajanjakso = Obj(
    "Keskeytymisajanjakso",
    {"id": nested_id(), "alku": req(Date()), "loppu": opt(Date())},
)

OsaamisenHankkimistapa = Obj(
    "OsaamisenHankkimistapa",
    {
        "id": server_id(),
        "module-id": module_id(),
        "alku": req(Date()),
        "loppu": req(Date()),
        "yksiloiva-tunniste": opt(
            Str(min_length=1), "Stable identity of a workplace period across updates"
        ),
        "ajanjakson-tarkenne": opt(Str()),
        "osaamisen-hankkimistapa-koodi-uri": req(_koodi_uri(r"^osaamisenhankkimistapa_.+$")),
        "osaamisen-hankkimistapa-koodi-versio": req(Int()),
        "jarjestajan-edustaja": opt(Oppilaitoshenkilo, vipunen=X),
        "hankkijan-edustaja": opt(Oppilaitoshenkilo, vipunen=X),
        "tyopaikalla-jarjestettava-koulutus": opt(TyopaikallaJarjestettavaKoulutus),
        "muut-oppimisymparistot": opt(Array(MuuOppimisymparisto), always=True),
        "osa-aikaisuustieto": opt(Int(), "Part-time share in percent"),
        "oppisopimuksen-perusta-koodi-uri": opt(_koodi_uri(r"^oppisopimuksenperusta_.+$")),
        "oppisopimuksen-perusta-koodi-versio": opt(Int()),
        "keskeytymisajanjaksot": opt(
            Array(Keskeytymisajanjakso, list_rules=(rules.check_keskeytymisajanjaksot,)),
            always=True,
        ),
    },
    object_rules=(rules.check_osaamisen_hankkimistapa,),
    description="Osaamisen hankkimistapa: a period and mode of acquiring competence (jakso)",
)

_HANKITTAVA_COMMON: dict[str, Field] = {
    "vaatimuksista-tai-tavoitteista-poikkeaminen": opt(Str()),
    "osaamisen-osoittaminen": opt(Array(OsaamisenOsoittaminen), always=True),
    "osaamisen-hankkimistavat": opt(Array(OsaamisenHankkimistapa), always=True),
    "koulutuksen-jarjestaja-oid": opt(OrganisaatioOid),
    "olennainen-seikka": opt(Bool()),
    "opetus-ja-ohjaus-maara": OPETUS_JA_OHJAUS,
}

HankittavaAmmatillinenTutkinnonOsa = Obj(
    "HankittavaAmmatillinenTutkinnonOsa",
    {
        "id": server_id(),
        "module-id": module_id(),
        **_tutkinnon_osa_koodi(),
        "tutkinnon-osan-perusteen-diaarinro": opt(Str()),
        **_HANKITTAVA_COMMON,
    },
    object_rules=(rules.check_not_on_tuva,),
)
HankittavaPaikallinenTutkinnonOsa = Obj(
    "HankittavaPaikallinenTutkinnonOsa",
    {
        "id": server_id(),
        "module-id": module_id(),
        "amosaa-tunniste": opt(Str()),
        "nimi": opt(Str()),
        "laajuus": opt(Int()),
        "tavoitteet-ja-sisallot": opt(Str()),
        **_HANKITTAVA_COMMON,
    },
    object_rules=(rules.check_not_on_tuva,),
)
YhteisenTutkinnonOsanOsaAlue = Obj(
    "YhteisenTutkinnonOsanOsaAlue",
    {
        "id": server_id(),
        "module-id": module_id(),
        "osa-alue-koodi-uri": req(_koodi_uri(r"^ammatillisenoppiaineet_.+$")),
        "osa-alue-koodi-versio": req(Int()),
        "osaamisen-hankkimistavat": opt(Array(OsaamisenHankkimistapa), always=True),
        "osaamisen-osoittaminen": opt(Array(OsaamisenOsoittaminen), always=True),
        "vaatimuksista-tai-tavoitteista-poikkeaminen": opt(Str()),
        "koulutuksen-jarjestaja-oid": opt(OrganisaatioOid),
        "olennainen-seikka": opt(Bool()),
        "opetus-ja-ohjaus-maara": OPETUS_JA_OHJAUS,
    },
)
HankittavaYTO = Obj(
    "HankittavaYTO",
    {
        "id": server_id(),
        "module-id": module_id(),
        **_tutkinnon_osa_koodi(),
        "koulutuksen-jarjestaja-oid": opt(OrganisaatioOid),
        "osa-alueet": req(Array(YhteisenTutkinnonOsanOsaAlue)),
    },
    object_rules=(rules.check_not_on_tuva,),
)

TodennettuArviointiLisatiedot = Obj(
    "TodennettuArviointiLisatiedot",
    {
        "id": nested_id(),
        "lahetetty-arvioitavaksi": opt(Date()),
        "aiemmin-hankitun-osaamisen-arvioijat": opt(
            Array(KoulutuksenJarjestajaArvioija), always=True
        ),
    },
)


def _aiemmin_hankittu_fields(prosessi: Presence) -> dict[str, Field]:
    return {
        "valittu-todentamisen-prosessi-koodi-uri": fld(
            _koodi_uri(r"^osaamisentodentamisenprosessi_\d+$"), post=prosessi
        ),
        "valittu-todentamisen-prosessi-koodi-versio": fld(Int(), post=prosessi),
        "tarkentavat-tiedot-naytto": opt(Array(OsaamisenOsoittaminen), always=True),
        "tarkentavat-tiedot-osaamisen-arvioija": opt(TodennettuArviointiLisatiedot, always=True),
    }


AiemminHankittuAmmatillinenTutkinnonOsa = Obj(
    "AiemminHankittuAmmatillinenTutkinnonOsa",
    {
        "id": server_id(),
        "module-id": module_id(),
        **_tutkinnon_osa_koodi(),
        "tutkinnon-osan-perusteen-diaarinro": opt(Str()),
        "vaatimuksista-tai-tavoitteista-poikkeaminen": opt(Str()),
        "koulutuksen-jarjestaja-oid": opt(OrganisaatioOid),
        "olennainen-seikka": opt(Bool()),
        **_aiemmin_hankittu_fields(O),
    },
    object_rules=(rules.check_not_on_tuva,),
)
AiemminHankittuPaikallinenTutkinnonOsa = Obj(
    "AiemminHankittuPaikallinenTutkinnonOsa",
    {
        "id": server_id(),
        "module-id": module_id(),
        "amosaa-tunniste": opt(Str()),
        "nimi": opt(Str()),
        "laajuus": opt(Int()),
        "tavoitteet-ja-sisallot": opt(Str()),
        "vaatimuksista-tai-tavoitteista-poikkeaminen": opt(Str()),
        "koulutuksen-jarjestaja-oid": opt(OrganisaatioOid),
        "olennainen-seikka": opt(Bool()),
        **_aiemmin_hankittu_fields(R),
    },
    object_rules=(rules.check_not_on_tuva,),
)
AiemminHankitunYTOOsaAlue = Obj(
    "AiemminHankitunYTOOsaAlue",
    {
        "id": server_id(),
        "module-id": module_id(),
        "osa-alue-koodi-uri": req(_koodi_uri(r"^ammatillisenoppiaineet_.+$")),
        "osa-alue-koodi-versio": req(Int()),
        "vaatimuksista-tai-tavoitteista-poikkeaminen": opt(Str()),
        "koulutuksen-jarjestaja-oid": opt(OrganisaatioOid),
        "olennainen-seikka": opt(Bool()),
        **_aiemmin_hankittu_fields(R),
    },
)
AiemminHankittuYhteinenTutkinnonOsa = Obj(
    "AiemminHankittuYhteinenTutkinnonOsa",
    {
        "id": server_id(),
        "module-id": module_id(),
        **_tutkinnon_osa_koodi(),
        "koulutuksen-jarjestaja-oid": opt(OrganisaatioOid),
        "osa-alueet": req(Array(AiemminHankitunYTOOsaAlue)),
        **_aiemmin_hankittu_fields(O),
    },
    object_rules=(rules.check_not_on_tuva,),
)

OpiskeluvalmiuksiaTukevatOpinnot = Obj(
    "OpiskeluvalmiuksiaTukevatOpinnot",
    {
        "id": fld(Int(), post=X, put=O, get=X, vipunen=X, ignored=True),
        "nimi": req(Str()),
        "kuvaus": req(Str()),
        "alku": req(Date()),
        "loppu": req(Date()),
    },
    object_rules=(rules.check_tukevat_opinnot_not_on_tuva,),
)
OppimisenTuki = Obj(
    "OppimisenTuki",
    {
        "oppimisen-tuen-tyyppi-koodi-uri": req(
            _koodi_uri(r"^ammatillinenkoulutusoppimisentuentyyppi_\d{2}$")
        ),
        "alku": opt(Date()),
        "loppu": opt(Date()),
        "tutkinnon-osan-tyyppi-koodi-uri": opt(
            _koodi_uri(r"^ammatillisentutkinnonosanryhma_[12]$")
        ),
    },
    object_rules=(rules.check_oppimisen_tuki,),
)
HankittavaKoulutuksenOsa = Obj(
    "HankittavaKoulutuksenOsa",
    {
        "id": nested_id(),
        "koulutuksen-osa-koodi-uri": req(_koodi_uri(r"^koulutuksenosattuva_\d{3}$")),
        "koulutuksen-osa-koodi-versio": req(Int()),
        "alku": req(Date()),
        "loppu": req(Date()),
        "laajuus": req(Num(field_rules=(rules.check_not_negative_laajuus,))),
    },
    object_rules=(rules.check_only_on_tuva,),
)

# The nine part arrays, in the order the GET document lists them.
PART_ARRAYS: dict[str, Obj] = {
    "aiemmin-hankitut-ammat-tutkinnon-osat": AiemminHankittuAmmatillinenTutkinnonOsa,
    "aiemmin-hankitut-paikalliset-tutkinnon-osat": AiemminHankittuPaikallinenTutkinnonOsa,
    "aiemmin-hankitut-yhteiset-tutkinnon-osat": AiemminHankittuYhteinenTutkinnonOsa,
    "hankittavat-ammat-tutkinnon-osat": HankittavaAmmatillinenTutkinnonOsa,
    "hankittavat-paikalliset-tutkinnon-osat": HankittavaPaikallinenTutkinnonOsa,
    "hankittavat-yhteiset-tutkinnon-osat": HankittavaYTO,
    "hankittavat-koulutuksen-osat": HankittavaKoulutuksenOsa,
    "opiskeluvalmiuksia-tukevat-opinnot": OpiskeluvalmiuksiaTukevatOpinnot,
    "oppimisen-tuki": OppimisenTuki,
}


def _part_array(obj: Obj) -> Field:
    return fld(Array(obj), post=O, patch=X, get=O, always=True)


HOKS = Obj(
    "HOKS",
    {
        "id": fld(Int(), post=X, put=R, patch=R, get=R),
        "eid": fld(Uuid(), post=X, get=R),
        "oppija-oid": fld(OppijaOid, post=R, put=O, get=O),
        "opiskeluoikeus-oid": fld(
            Pattern(
                identifiers.OPISKELUOIKEUS_OID_RE,
                identifiers.is_valid_opiskeluoikeus_oid,
                "Kelvollinen opiskeluoikeus-OID",
                OpiskeluoikeusOid.description,
                field_rules=(rules.check_opiskeluoikeus_type,),
            ),
            post=R,
            put=O,
            get=O,
        ),
        "tuva-opiskeluoikeus-oid": opt(
            Pattern(
                identifiers.OPISKELUOIKEUS_OID_RE,
                identifiers.is_valid_opiskeluoikeus_oid,
                "Kelvollinen opiskeluoikeus-OID",
                "The parallel TUVA study right of a vocational HOKS",
                field_rules=(rules.check_tuva_opiskeluoikeus_oid,),
            )
        ),
        "sahkoposti": opt(Str(), vipunen=X),
        "puhelinnumero": opt(Str(), vipunen=X),
        "urasuunnitelma-koodi-uri": opt(_koodi_uri(r"^urasuunnitelma_\d{4}$")),
        "urasuunnitelma-koodi-versio": opt(Int()),
        "versio": opt(Int(), "Client-maintained version number"),
        "ensikertainen-hyvaksyminen": fld(Date(), post=R, put=R, patch=O, get=R),
        "hyvaksytty": opt(Inst()),
        "paivitetty": opt(Inst()),
        "osaamisen-saavuttamisen-pvm": opt(
            Date(field_rules=(rules.check_osaamisen_saavuttamisen_pvm,))
        ),
        "osaamisen-hankkimisen-tarve": fld(Bool(), post=R, put=R, patch=O, get=O),
        "manuaalisyotto": fld(Bool(), post=X, get=O),
        "poistettu": fld(Inst(), post=X, get=X, vipunen=O),
        **{name: _part_array(obj) for name, obj in PART_ARRAYS.items()},
    },
    description="HOKS: henkilökohtainen osaamisen kehittämissuunnitelma",
)

# Top-level keys that PUT clears when the body leaves them out (§3.5; product.md §3.3 widens
# this to every optional top-level field except the immutable and server-owned ones).
PUT_PRESERVED_KEYS = frozenset({"id", "eid", "oppija-oid", "opiskeluoikeus-oid", "manuaalisyotto"})
SERVER_KEYS = frozenset({"id", "eid", "manuaalisyotto", "poistettu"})


# --- entry points -----------------------------------------------------------------------


def validate_hoks(body: Any, method: Method, context: RuleContext) -> dict[str, Any]:
    """Validate a HOKS body for ``method``; return the cleaned document or raise SchemaError."""
    from ehoks.errors import SchemaError

    cleaned, error = HOKS.check(body, Run(method, context))
    if error is not None:
        raise SchemaError(error, body)
    assert isinstance(cleaned, dict)
    return cleaned


def check_document(document: Any, method: Method) -> Any:
    """Errors of a rendered document against the ``method`` schema (no study right); or None."""
    _, error = HOKS.check(document, Run(method, RuleContext(), field_rules=True))
    return error


def to_json(value: Any) -> Any:
    """Cleaned values (dates, instants) as JSON: the stored and emitted form."""
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def render(document: Mapping[str, Any], method: Method = Method.GET) -> dict[str, Any]:
    """The stored document as GET (or Vipunen) emits it: schema order, arrays always present."""
    rendered = _render_object(HOKS, document, method)
    assert isinstance(rendered, dict)
    return rendered


def _render_object(obj: Obj, value: Mapping[str, Any], method: Method) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, spec in obj.fields.items():
        if spec.presence_for(method) is X or spec.ignored:
            continue
        if name in value:
            if method is Method.VIPUNEN and name in obj.vipunen_redacted:
                out[name] = REDACTED
            else:
                out[name] = _render_value(spec.type_for(method), value[name], method)
        elif spec.always:
            default = _default_for(spec.type_for(method))
            out[name] = _render_value(spec.type_for(method), default, method)
    return out


REDACTED = "<REDACTED>"


def _render_value(type_: SchemaType, value: Any, method: Method) -> Any:
    if isinstance(type_, Bool) and isinstance(value, Mapping):
        return True  # the Vipunen export only tells that a workplace instructor exists
    if isinstance(type_, Obj) and isinstance(value, Mapping):
        return _render_object(type_, value, method)
    if isinstance(type_, Array) and isinstance(value, list):
        return [_render_value(type_.item, item, method) for item in value]
    return value


def _default_for(type_: SchemaType) -> Any:
    return {} if isinstance(type_, Obj) else []


def openapi_components(methods: Sequence[Method] = tuple(Method)) -> dict[str, Any]:
    """JSON Schema components of the HOKS for each method (for the OpenAPI document)."""
    defs: dict[str, Any] = {}
    for method in methods:
        HOKS.json_schema(method, defs)
    return defs


def walk_parts(
    document: Mapping[str, Any],
) -> list[tuple[str, tuple[str | int, ...], dict[str, Any]]]:
    """Every object that carries a ``module-id`` slot: ``(kind, path, object)``, document order."""
    found: list[tuple[str, tuple[str | int, ...], dict[str, Any]]] = []

    def visit(obj: Obj, value: Mapping[str, Any], path: tuple[str | int, ...]) -> None:
        for name, spec in obj.fields.items():
            child = value.get(name)
            type_ = spec.type
            if isinstance(type_, Array) and isinstance(type_.item, Obj) and isinstance(child, list):
                for index, item in enumerate(child):
                    if isinstance(item, dict):
                        if "module-id" in type_.item.fields:
                            found.append((type_.item.name, (*path, name, index), item))
                        visit(type_.item, item, (*path, name, index))
            elif isinstance(type_, Obj) and isinstance(child, dict):
                visit(type_, child, (*path, name))

    visit(HOKS, document, ())
    return found


MODULE_KINDS: frozenset[str] = frozenset(
    obj.name
    for obj in (
        OsaamisenOsoittaminen,
        OsaamisenHankkimistapa,
        HankittavaAmmatillinenTutkinnonOsa,
        HankittavaPaikallinenTutkinnonOsa,
        HankittavaYTO,
        YhteisenTutkinnonOsanOsaAlue,
        AiemminHankittuAmmatillinenTutkinnonOsa,
        AiemminHankittuPaikallinenTutkinnonOsa,
        AiemminHankittuYhteinenTutkinnonOsa,
        AiemminHankitunYTOOsaAlue,
    )
)


@dataclass
class ModuleIds:
    """Module ids issued or kept while a document is stored."""

    kept: set[str] = field(default_factory=set)
    issued: set[str] = field(default_factory=set)
