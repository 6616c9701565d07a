"""The rules of a HOKS beyond field types, with the original's Finnish error texts.

Each rule is a pure function of the (already type-valid) object and a ``RuleContext``; it returns
the error text when the rule fails and None when it holds. ``schema.py`` attaches them to the
objects they govern, in the order the original evaluates them (the first failure is reported).
Rules that need the study right silently hold when the context has none, as in the original.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ehoks.registries.koski.interface import DATE_CHECKED_STATES, Opiskeluoikeus

TYOPAIKKAJAKSO_KOODI_URIT = frozenset(
    {"osaamisenhankkimistapa_koulutussopimus", "osaamisenhankkimistapa_oppisopimus"}
)
ALLOWED_OPISKELUOIKEUS_TYPES = frozenset({"ammatillinenkoulutus", "tuva"})

OPISKELUOIKEUS_TYPE_TEXT = (
    'Opiskeluoikeuden tyypin on oltava joko "Ammatillinen koulutus" tai '
    '"Tutkintokoulutukseen valmentava koulutus (TUVA)".'
)
TUVA_OID_ON_TUVA_TEXT = (
    "Ota tuva-opiskeluoikeus-oid pois, koska se on sallittu vain TUVA-opiskeluoikeuden kanssa "
    "rinnakkaiselle opiskeluoikeudelle, ei TUVA-opiskeluoikeudelle."
)
TUTKINNON_OSA_ON_TUVA_TEXT = "Ota tutkinnonosa pois, koska opiskeluoikeus on TUVA."
TUKEVAT_OPINNOT_ON_TUVA_TEXT = "Ota tukevat opinnot pois, koska opiskeluoikeus on TUVA."
KOULUTUKSEN_OSA_NOT_TUVA_TEXT = "Ota koulutuksenosa pois, koska opiskeluoikeus ei ole TUVA."
SAAVUTTAMISEN_PVM_TEXT = (
    "Osaaminen voidaan merkitä saavutetuksi enintään kaksi viikkoa tulevaisuuteen ja vähintään "
    "vuodelle 2018."
)
OPETUS_JA_OHJAUS_TEXT = "Opetuksen ja ohjauksen määrä ei saa olla negatiivinen."
KOULUTUKSEN_OSA_LAAJUUS_TEXT = "Muuta koulutuksen osan laajuus positiiviseksi."
PUHELINNUMERO_TEXT = "Puhelinnumero virheellinen."
OPPIMISEN_TUKI_TEXT = (
    "Määritä alku- ja loppupvm sekä tutkinnonosan tyyppi jos ja vain jos kyseessä on tukiopetus."
)
# Our own text: the original reports this rule without a description of its own.
KESKEYTYMISET_OVERLAP_TEXT = (
    "Korjaa keskeytymisajanjaksot: ne eivät saa olla päällekkäin, ja vain viimeinen saa olla "
    "ilman loppupäivää."
)

OSA_AIKAISUUS_TEXT = "Lisää osa-aikaisuustieto, joka on välillä 1-100."
TUNNISTE_TEXT = "Lisää työpaikkajaksoon yksilöivä tunniste."
Y_TUNNUS_REQUIRED_TEXT = "Lisää työpaikkajaksoon työpaikan Y-tunnus."
OPPISOPIMUKSEN_PERUSTA_TEXT = "Lisää jaksoon oppisopimuksen perustan koodi-uri."
DATE_ORDER_TEXT = "Korjaa alku- ja loppupäivämäärä oikein päin."
BEFORE_OO_START_TEXT = "Korjaa alkupäivä aikaisintaan opiskeluoikeuden alkamispäiväksi."
AFTER_OO_END_TEXT = "Korjaa loppupäivä viimeistään opiskeluoikeuden arvioiduksi päättymispäiväksi."
MAX_LENGTH_TEXT = "Korjaa jakso enintään 5 vuoden pituiseksi."

OSA_AIKAISUUS_REQUIRED_AFTER = date(2023, 6, 30)
Y_TUNNUS_REQUIRED_AFTER = date(2021, 8, 25)
OPPISOPIMUKSEN_PERUSTA_REQUIRED_FROM = date(2021, 7, 1)
SAAVUTTAMISEN_PVM_AFTER = date(2018, 1, 1)


HELSINKI = ZoneInfo("Europe/Helsinki")


def today_in_finland() -> date:
    """Dates of the rules are Finnish calendar dates."""
    return datetime.now(HELSINKI).date()


@dataclass(frozen=True)
class RuleContext:
    """What the rules may know beyond the document itself."""

    opiskeluoikeus: Opiskeluoikeus | None = None
    today: date = field(default_factory=today_in_finland)
    # The officer input UI fills in missing yksiloiva-tunniste itself (rule 2 is skipped).
    virkailija: bool = False


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- field rules --------------------------------------------------------------------------


def check_opiskeluoikeus_type(_value: str, ctx: RuleContext) -> str | None:
    oo = ctx.opiskeluoikeus
    if oo is not None and oo.tyyppi_koodiarvo not in ALLOWED_OPISKELUOIKEUS_TYPES:
        return OPISKELUOIKEUS_TYPE_TEXT
    return None


def check_tuva_opiskeluoikeus_oid(_value: str, ctx: RuleContext) -> str | None:
    if ctx.opiskeluoikeus is not None and ctx.opiskeluoikeus.is_tuva:
        return TUVA_OID_ON_TUVA_TEXT
    return None


def check_osaamisen_saavuttamisen_pvm(value: date, ctx: RuleContext) -> str | None:
    if SAAVUTTAMISEN_PVM_AFTER < value < ctx.today + timedelta(days=15):
        return None
    return SAAVUTTAMISEN_PVM_TEXT


def check_not_negative_opetus(value: float, _ctx: RuleContext) -> str | None:
    return OPETUS_JA_OHJAUS_TEXT if value < 0 else None


def check_not_negative_laajuus(value: float, _ctx: RuleContext) -> str | None:
    return KOULUTUKSEN_OSA_LAAJUUS_TEXT if value < 0 else None


def check_puhelinnumero(value: str, _ctx: RuleContext) -> str | None:
    if len(value) > 256 or any(char not in "-+0123456789() " for char in value):
        return PUHELINNUMERO_TEXT
    return None


# --- object rules -------------------------------------------------------------------------


def check_not_on_tuva(_obj: dict[str, Any], ctx: RuleContext) -> str | None:
    if ctx.opiskeluoikeus is not None and ctx.opiskeluoikeus.is_tuva:
        return TUTKINNON_OSA_ON_TUVA_TEXT
    return None


def check_tukevat_opinnot_not_on_tuva(_obj: dict[str, Any], ctx: RuleContext) -> str | None:
    if ctx.opiskeluoikeus is not None and ctx.opiskeluoikeus.is_tuva:
        return TUKEVAT_OPINNOT_ON_TUVA_TEXT
    return None


def check_only_on_tuva(_obj: dict[str, Any], ctx: RuleContext) -> str | None:
    if ctx.opiskeluoikeus is not None and not ctx.opiskeluoikeus.is_tuva:
        return KOULUTUKSEN_OSA_NOT_TUVA_TEXT
    return None


def check_oppimisen_tuki(obj: dict[str, Any], _ctx: RuleContext) -> str | None:
    tyyppi = str(obj["oppimisen-tuen-tyyppi-koodi-uri"]).rsplit("_", 1)[-1]
    details = [key in obj for key in ("alku", "loppu", "tutkinnon-osan-tyyppi-koodi-uri")]
    if tyyppi == "01" and all(details):
        return None
    if tyyppi in ("02", "03") and not any(details):
        return None
    return OPPIMISEN_TUKI_TEXT


def is_tyopaikkajakso(oht: dict[str, Any]) -> bool:
    return oht.get("osaamisen-hankkimistapa-koodi-uri") in TYOPAIKKAJAKSO_KOODI_URIT


def _oo_dates_checked(oo: Opiskeluoikeus) -> bool:
    return oo.current_tila in DATE_CHECKED_STATES


def check_osaamisen_hankkimistapa(oht: dict[str, Any], ctx: RuleContext) -> str | None:
    """Jakso rules 1-8 in the original's order; the first failing one is reported."""
    alku: date = oht["alku"]
    loppu: date = oht["loppu"]
    tyopaikkajakso = is_tyopaikkajakso(oht)
    oo = ctx.opiskeluoikeus
    # 1. part-time share for workplace periods in the feedback target group
    if (
        oo is not None
        and not oo.is_telma
        and loppu > OSA_AIKAISUUS_REQUIRED_AFTER
        and tyopaikkajakso
        and not 1 <= oht.get("osa-aikaisuustieto", 0) <= 100
    ):
        return OSA_AIKAISUUS_TEXT
    # 2. workplace periods carry an identifier (the officer UI generates one)
    if tyopaikkajakso and not ctx.virkailija and "yksiloiva-tunniste" not in oht:
        return TUNNISTE_TEXT
    # 3. Y-tunnus of the workplace
    tjk = oht.get("tyopaikalla-jarjestettava-koulutus")
    if (
        tyopaikkajakso
        and loppu > Y_TUNNUS_REQUIRED_AFTER
        and tjk is not None
        and "tyopaikan-y-tunnus" not in tjk
    ):
        return Y_TUNNUS_REQUIRED_TEXT
    # 4. the basis of an apprenticeship
    if (
        oht["osaamisen-hankkimistapa-koodi-uri"] == "osaamisenhankkimistapa_oppisopimus"
        and loppu >= OPPISOPIMUKSEN_PERUSTA_REQUIRED_FROM
        and "oppisopimuksen-perusta-koodi-uri" not in oht
    ):
        return OPPISOPIMUKSEN_PERUSTA_TEXT
    # 5. dates the right way round
    if loppu < alku:
        return DATE_ORDER_TEXT
    # 6-7. within the study right, unless it is considered resigned
    if oo is not None and _oo_dates_checked(oo):
        if oo.alkamispaiva is not None and alku < oo.alkamispaiva:
            return BEFORE_OO_START_TEXT
        if oo.arvioitu_paattymispaiva is not None and loppu > oo.arvioitu_paattymispaiva:
            return AFTER_OO_END_TEXT
    # 8. at most five years
    if loppu > _add_years(alku, 5):
        return MAX_LENGTH_TEXT
    return None


# --- list rules ---------------------------------------------------------------------------


def check_keskeytymisajanjaksot(periods: list[dict[str, Any]], _ctx: RuleContext) -> str | None:
    ordered = sorted(periods, key=lambda period: period["alku"])
    for current, following in itertools.pairwise(ordered):
        loppu = current.get("loppu")
        if loppu is None or not loppu < following["alku"]:
            return KESKEYTYMISET_OVERLAP_TEXT
    return None
