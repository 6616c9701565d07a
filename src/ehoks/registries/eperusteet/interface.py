"""ePerusteet, the register of qualification requirements (domain.md §B.5): perusteet, their
tutkinnon osat and the rakenne that gives each tutkinnon osa its laajuus (osaamispisteet).

Paths are those the original eHOKS called (``resources/prod/ehoks-oph.properties``,
``eperusteet-service.*``), which are also the names of the upstream fixture files; domain.md
§B.5 lists the newer ``/api/external/…`` routes, which serve the same documents in other shapes:

* ``GET /eperusteet-service/api/tutkinnonosat?koodiUri=…``: the tutkinnon osat with a code, a
  page ``{data: […], sivu, sivuja, sivukoko, kokonaismäärä}``;
* ``GET /eperusteet-service/api/perusteet/diaari?diaarinumero=…``: the peruste (PerusteInfoDto)
  with a diaarinumero, 404 when none;
* ``GET /eperusteet-service/api/perusteet/{id}/suoritustavat/{suoritustapa}/rakenne``: the
  rakenne (RakenneModuuliDto), whose leaves name tutkinnon osa *viitteet* by id;
* ``GET /eperusteet-service/api/perusteet/{id}/suoritustavat/{suoritustapa}/tutkinnonosat``: the
  viitteet (TutkinnonOsaViiteDto: ``id``, ``laajuus``, ``_tutkinnonOsa``), which carry the
  laajuus of each tutkinnon osa within the peruste.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LANGUAGES = ("fi", "sv", "en")


def localized(value: Any) -> dict[str, str]:
    """ePerusteet's localised text (``{fi, sv, en, _id, _tunniste}``) as ``{fi, sv, en}`` with
    the languages that have a text."""
    if not isinstance(value, dict):
        return {}
    return {
        language: value[language].strip()
        for language in LANGUAGES
        if isinstance(value.get(language), str) and value[language].strip()
    }


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class _Named(_Model):
    nimi: dict[str, str] = Field(default_factory=dict)

    @field_validator("nimi", mode="before")
    @classmethod
    def _localized_nimi(cls, value: Any) -> dict[str, str]:
        return localized(value)


class _Coded(_Named):
    """A document named by a code: ``koodiUri``, or the ``uri`` of its embedded ``koodi``."""

    koodi_uri: str | None = Field(default=None, alias="koodiUri")

    @model_validator(mode="before")
    @classmethod
    def _koodi_uri_from_koodi(cls, value: Any) -> Any:
        if isinstance(value, dict) and not value.get("koodiUri"):
            koodi = value.get("koodi")
            if isinstance(koodi, dict) and isinstance(koodi.get("uri"), str):
                return {**value, "koodiUri": koodi["uri"]}
        return value


class OsaAlue(_Coded):
    """An osa-alue of a yhteinen tutkinnon osa (``ammatillisenoppiaineet_…``)."""

    id: int | None = None


class TutkinnonOsa(_Coded):
    """A tutkinnon osa as ``/api/tutkinnonosat`` serves it (the parts eHOKS shows)."""

    id: int
    koodi_arvo: str | None = Field(default=None, alias="koodiArvo")
    tyyppi: str | None = None
    tila: str | None = None
    # Epoch milliseconds; the newest document of a code is the one eHOKS shows.
    muokattu: int | None = None
    osa_alueet: tuple[OsaAlue, ...] = Field(default=(), alias="osaAlueet")

    @field_validator("osa_alueet", mode="before")
    @classmethod
    def _no_null_osa_alueet(cls, value: Any) -> Any:
        return () if value is None else value

    def osa_alue(self, koodi_uri: str) -> OsaAlue | None:
        return next((osa for osa in self.osa_alueet if osa.koodi_uri == koodi_uri), None)


class Koulutus(_Named):
    koulutuskoodi_uri: str | None = Field(default=None, alias="koulutuskoodiUri")
    koulutuskoodi_arvo: str | None = Field(default=None, alias="koulutuskoodiArvo")


class Osaamisala(_Named):
    uri: str | None = None
    arvo: str | None = None


class Suoritustapa(_Model):
    suoritustapakoodi: str
    laajuus_yksikko: str | None = Field(default=None, alias="laajuusYksikko")


class Peruste(_Named):
    """A peruste (qualification requirements) as ``/api/perusteet/diaari`` serves it."""

    id: int
    diaarinumero: str | None = None
    koulutustyyppi: str | None = None
    tila: str | None = None
    voimassaolo_alkaa: int | None = Field(default=None, alias="voimassaoloAlkaa")
    voimassaolo_loppuu: int | None = Field(default=None, alias="voimassaoloLoppuu")
    koulutukset: tuple[Koulutus, ...] = ()
    osaamisalat: tuple[Osaamisala, ...] = ()
    suoritustavat: tuple[Suoritustapa, ...] = ()

    @field_validator("koulutukset", "osaamisalat", "suoritustavat", mode="before")
    @classmethod
    def _no_null_lists(cls, value: Any) -> Any:
        return () if value is None else value


class Laajuus(_Model):
    minimi: Decimal | None = None
    maksimi: Decimal | None = None


class MuodostumisSaanto(_Model):
    laajuus: Laajuus | None = None


class RakenneOsa(_Model):
    """A node of a rakenne: a module (``nimi``, ``rooli``, ``muodostumisSaanto``, ``osat``) or
    a leaf naming a tutkinnon osa viite (``_tutkinnonOsaViite``)."""

    nimi: dict[str, str] = Field(default_factory=dict)
    rooli: str | None = None
    pakollinen: bool | None = None
    muodostumis_saanto: MuodostumisSaanto | None = Field(default=None, alias="muodostumisSaanto")
    tutkinnon_osa_viite: int | None = Field(default=None, alias="_tutkinnonOsaViite")
    osat: tuple[RakenneOsa, ...] = ()

    @field_validator("nimi", mode="before")
    @classmethod
    def _localized_nimi(cls, value: Any) -> dict[str, str]:
        return localized(value)

    @field_validator("osat", mode="before")
    @classmethod
    def _no_null_osat(cls, value: Any) -> Any:
        return () if value is None else value

    @property
    def laajuus_minimi(self) -> Decimal | None:
        saanto = self.muodostumis_saanto
        return saanto.laajuus.minimi if saanto and saanto.laajuus else None

    @property
    def laajuus_maksimi(self) -> Decimal | None:
        saanto = self.muodostumis_saanto
        return saanto.laajuus.maksimi if saanto and saanto.laajuus else None

    def leaves(self) -> Iterator[RakenneOsa]:
        """The tutkinnon osa viite leaves below this node, depth first."""
        for osa in self.osat:
            if osa.tutkinnon_osa_viite is not None:
                yield osa
            yield from osa.leaves()


class Rakenne(RakenneOsa):
    """The root module of a peruste's rakenne for one suoritustapa."""

    @property
    def osaamispisteet(self) -> Decimal | None:
        """The laajuus of the whole tutkinto: the sum of the top-level modules' minimum laajuus
        (what the original student UI shows); None when no module has one."""
        laajuudet = [osa.laajuus_minimi for osa in self.osat if osa.laajuus_minimi is not None]
        return sum(laajuudet, Decimal(0)) if laajuudet else None

    @property
    def tutkinnon_osa_viitteet(self) -> set[int]:
        """The ids of the tutkinnon osa viitteet the rakenne uses."""
        return {leaf.tutkinnon_osa_viite for leaf in self.leaves() if leaf.tutkinnon_osa_viite}


class TutkinnonOsaViite(_Named):
    """A tutkinnon osa within one suoritustapa of a peruste, with its laajuus there."""

    id: int
    laajuus: Decimal | None = None
    laajuus_maksimi: Decimal | None = Field(default=None, alias="laajuusMaksimi")
    jarjestys: int | None = None
    tutkinnon_osa_id: int | None = Field(default=None, alias="_tutkinnonOsa")
    tyyppi: str | None = None


class EperusteetRegistry(Protocol):
    def find_tutkinnon_osat(self, koodi_uri: str) -> list[TutkinnonOsa]:
        """Every tutkinnon osa document with the code (one per peruste version), by id."""
        ...

    def find_tutkinnon_osa(self, koodi_uri: str) -> TutkinnonOsa | None:
        """The newest tutkinnon osa document with the code (``newest_tutkinnon_osa``)."""
        ...

    def find_peruste(self, diaarinumero: str) -> Peruste | None:
        """The peruste with the diaarinumero, None when ePerusteet has none."""
        ...

    def get_rakenne(self, peruste_id: int, suoritustapa: str = "reformi") -> Rakenne | None:
        """The rakenne of the peruste's suoritustapa, None when unknown."""
        ...

    def get_tutkinnon_osa_viitteet(
        self, peruste_id: int, suoritustapa: str = "reformi"
    ) -> list[TutkinnonOsaViite]:
        """The tutkinnon osa viitteet (with laajuus) of the peruste's suoritustapa, by id;
        empty when unknown."""
        ...


def newest_tutkinnon_osa(osat: list[TutkinnonOsa]) -> TutkinnonOsa | None:
    """The most recently modified document (then the highest id): one answer whatever order
    the register listed them in."""
    return max(osat, key=lambda osa: (osa.muokattu or 0, osa.id), default=None)


def tutkinnon_osan_laajuus(
    registry: EperusteetRegistry, peruste_id: int, koodi_uri: str, suoritustapa: str = "reformi"
) -> Decimal | None:
    """The laajuus (osaamispisteet) of the tutkinnon osa ``koodi_uri`` in the peruste: the
    viite whose ``_tutkinnonOsa`` is one of the code's tutkinnon osa documents. When the
    peruste's rakenne is known, only viitteet the rakenne uses count. None when not found."""
    ids = {osa.id for osa in registry.find_tutkinnon_osat(koodi_uri)}
    if not ids:
        return None
    viitteet = [
        viite
        for viite in registry.get_tutkinnon_osa_viitteet(peruste_id, suoritustapa)
        if viite.tutkinnon_osa_id in ids
    ]
    rakenne = registry.get_rakenne(peruste_id, suoritustapa)
    if rakenne is not None and rakenne.tutkinnon_osa_viitteet:
        viitteet = [viite for viite in viitteet if viite.id in rakenne.tutkinnon_osa_viitteet]
    return next((viite.laajuus for viite in viitteet if viite.laajuus is not None), None)


def parse_tutkinnon_osa(document: dict[str, Any]) -> TutkinnonOsa:
    return TutkinnonOsa.model_validate(document)


def parse_peruste(document: dict[str, Any]) -> Peruste:
    return Peruste.model_validate(document)


def parse_rakenne(document: dict[str, Any]) -> Rakenne:
    return Rakenne.model_validate(document)


def parse_tutkinnon_osa_viite(document: dict[str, Any]) -> TutkinnonOsaViite:
    return TutkinnonOsaViite.model_validate(document)
