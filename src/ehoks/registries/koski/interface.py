"""KOSKI, the student register: study rights (opiskeluoikeudet) as eHOKS reads them.

The models parse KOSKI's own JSON (non-ASCII keys through aliases) and ignore fields eHOKS
does not use, so KOSKI may add fields freely. ``raw`` keeps the document as KOSKI sent it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

# States after which a study right no longer takes updates (Appendix B flag) or is "inactive".
INACTIVE_STATES = frozenset({"valmistunut", "eronnut", "katsotaaneronneeksi", "peruutettu"})
# States in which jakso dates are checked against the study right's dates (rules 6-7).
DATE_CHECKED_STATES = frozenset({"valmistunut", "lasna", "valiaikaisestikeskeytynyt"})
# Suoritus types that make "the" vocational suoritus (name, osaamisala).
VOCATIONAL_SUORITUS_TYPES = (
    "ammatillinentutkinto",
    "ammatillinentutkintoosittainen",
    "ammatillinentutkintoosittainenuseastatutkinnosta",
)
TELMA_SUORITUS_TYPES = frozenset({"telma", "telmakoulutuksenosa"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class Koodi(_Model):
    # KOSKI sends {} for a code it does not disclose (koski_api_opiskeluoikeus_…60063016194).
    koodiarvo: str = ""
    nimi: dict[str, str] = Field(default_factory=dict)
    koodisto_uri: str | None = Field(default=None, alias="koodistoUri")


class OrganisaatioRef(_Model):
    oid: str
    nimi: dict[str, str] = Field(default_factory=dict)


def _empty_as_none(value: Any) -> Any:
    """KOSKI sends {} for an organisation it does not disclose (…60063016194, …13312692646)."""
    return None if value == {} else value


OptionalOrganisaatioRef = Annotated[OrganisaatioRef | None, BeforeValidator(_empty_as_none)]


class SisaltyvyysRef(_Model):
    oid: str
    oppilaitos: OptionalOrganisaatioRef = None


class Opiskeluoikeusjakso(_Model):
    alku: date
    tila: Koodi


class Tila(_Model):
    opiskeluoikeusjaksot: list[Opiskeluoikeusjakso] = Field(default_factory=list)


class Tunniste(_Model):
    koodiarvo: str | None = None
    nimi: dict[str, str] = Field(default_factory=dict)


class Koulutusmoduuli(_Model):
    tunniste: Tunniste | None = None


class Suoritus(_Model):
    tyyppi: Koodi
    koulutusmoduuli: Koulutusmoduuli | None = None
    osaamisala: list[Any] = Field(default_factory=list)
    toimipiste: OptionalOrganisaatioRef = None


class Opiskeluoikeus(_Model):
    """One KOSKI study right."""

    oid: str
    tyyppi: Koodi
    oppilaitos: OptionalOrganisaatioRef = None
    koulutustoimija: OptionalOrganisaatioRef = None
    alkamispaiva: date | None = Field(default=None, alias="alkamispäivä")
    arvioitu_paattymispaiva: date | None = Field(default=None, alias="arvioituPäättymispäivä")
    paattymispaiva: date | None = Field(default=None, alias="päättymispäivä")
    sisaltyy_opiskeluoikeuteen: SisaltyvyysRef | None = Field(
        default=None, alias="sisältyyOpiskeluoikeuteen"
    )
    tila: Tila = Field(default_factory=Tila)
    suoritukset: list[Suoritus] = Field(default_factory=list)

    @property
    def tyyppi_koodiarvo(self) -> str:
        return self.tyyppi.koodiarvo

    @property
    def is_tuva(self) -> bool:
        return self.tyyppi.koodiarvo == "tuva"

    @property
    def current_tila(self) -> str | None:
        """The state of the period with the latest start date."""
        if not self.tila.opiskeluoikeusjaksot:
            return None
        latest = max(self.tila.opiskeluoikeusjaksot, key=lambda jakso: jakso.alku)
        return latest.tila.koodiarvo

    @property
    def is_active(self) -> bool:
        return self.current_tila not in INACTIVE_STATES

    @property
    def is_telma(self) -> bool:
        return any(s.tyyppi.koodiarvo in TELMA_SUORITUS_TYPES for s in self.suoritukset)

    @property
    def vocational_suoritus(self) -> Suoritus | None:
        for suoritus_type in VOCATIONAL_SUORITUS_TYPES:
            for suoritus in self.suoritukset:
                if suoritus.tyyppi.koodiarvo == suoritus_type:
                    return suoritus
        return None

    @property
    def tutkinto_nimi(self) -> dict[str, str]:
        suoritus = self.vocational_suoritus
        if suoritus and suoritus.koulutusmoduuli and suoritus.koulutusmoduuli.tunniste:
            return dict(suoritus.koulutusmoduuli.tunniste.nimi)
        return {"fi": "", "sv": ""}

    @property
    def osaamisala_nimi(self) -> dict[str, str]:
        suoritus = self.vocational_suoritus
        if suoritus and suoritus.osaamisala:
            first = suoritus.osaamisala[0]
            if isinstance(first, dict):
                koodi = first.get("osaamisala", first)
                if isinstance(koodi, dict) and isinstance(koodi.get("nimi"), dict):
                    return {str(k): str(v) for k, v in koodi["nimi"].items()}
        return {}


class KoskiOppija(_Model):
    """The study rights of one person, as `/koski/api/sure/oids` returns them."""

    oppija_oid: str
    opiskeluoikeudet: list[Opiskeluoikeus]


class KoskiRegistry(Protocol):
    """Read access to KOSKI."""

    def get_opiskeluoikeus(self, oid: str) -> Opiskeluoikeus | None:
        """The study right ``oid``, or None when KOSKI does not know it.

        Raises ``RegistryUnavailable`` when KOSKI cannot be asked.
        """
        ...

    def get_opiskeluoikeudet_of_oppija(self, oppija_oid: str) -> list[Opiskeluoikeus]:
        """Every study right of the person (empty when KOSKI knows none)."""
        ...


def parse_opiskeluoikeus(document: dict[str, Any]) -> Opiskeluoikeus:
    return Opiskeluoikeus.model_validate(document)
