"""Koodisto, the code register: code elements (koodit) and their names (domain.md §B.4).

A code element is named by its URI ``<koodisto>_<koodiarvo>`` (``urasuunnitelma_0001``,
``tutkinnonosat_100031``) and has numbered versions; eHOKS stores URI and version only and asks
Koodisto for the names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

# Koodisto's language codes → the keys of eHOKS's localised strings.
KIELET = {"FI": "fi", "SV": "sv", "EN": "en"}


class KoodiMetadata(BaseModel):
    """The texts of a code in one language."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    kieli: str
    nimi: str | None = None
    lyhyt_nimi: str | None = Field(default=None, alias="lyhytNimi")
    kuvaus: str | None = None


class KoodistoViite(BaseModel):
    """The koodisto a code element belongs to."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    koodisto_uri: str = Field(alias="koodistoUri")


class Koodi(BaseModel):
    """One version of a code element, as ``/koodisto-service/rest/codeelement/…`` serves it."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    koodi_uri: str = Field(alias="koodiUri")
    koodi_arvo: str = Field(alias="koodiArvo")
    versio: int
    # The all-versions list (``/codeelement/{uri}``) leaves out ``tila`` and ``koodisto``.
    tila: str | None = None
    voimassa_alku_pvm: date | None = Field(default=None, alias="voimassaAlkuPvm")
    voimassa_loppu_pvm: date | None = Field(default=None, alias="voimassaLoppuPvm")
    metadata: tuple[KoodiMetadata, ...] = ()
    koodisto: KoodistoViite | None = None

    @property
    def koodisto_uri(self) -> str:
        """The koodisto's URI: named by the element, or the URI's part before the first ``_``."""
        return koodisto_uri_of(self.koodi_uri, self.koodisto)

    @property
    def nimi(self) -> dict[str, str]:
        """``{"fi": …, "sv": …, "en": …}`` with the languages Koodisto has a name in."""
        return self._texts(lambda metadata: metadata.nimi)

    @property
    def lyhyt_nimi(self) -> dict[str, str]:
        return self._texts(lambda metadata: metadata.lyhyt_nimi)

    @property
    def kuvaus(self) -> dict[str, str]:
        return self._texts(lambda metadata: metadata.kuvaus)

    def _texts(self, pick: Callable[[KoodiMetadata], str | None]) -> dict[str, str]:
        texts: dict[str, str] = {}
        for metadata in self.metadata:
            language = KIELET.get(metadata.kieli.upper())
            text = pick(metadata)
            if language and isinstance(text, str) and text.strip():
                texts[language] = text.strip()
        return {language: texts[language] for language in ("fi", "sv", "en") if language in texts}


class KoodistoRegistry(Protocol):
    def get_koodi(self, koodi_uri: str, versio: int | None = None) -> Koodi | None:
        """Version ``versio`` of the code element, the latest one when None; None when
        Koodisto does not know it."""
        ...

    def get_koodin_versiot(self, koodi_uri: str) -> list[Koodi]:
        """Every version of the code element, oldest first; empty when unknown."""
        ...

    def get_koodit(self, koodisto_uri: str) -> list[Koodi]:
        """The latest version of every code of a koodisto, by ``koodiUri``; empty when the
        koodisto is unknown."""
        ...


def koodisto_uri_of(koodi_uri: str, koodisto: KoodistoViite | None = None) -> str:
    if koodisto is not None:
        return koodisto.koodisto_uri
    return koodi_uri.split("_", 1)[0]


def parse_koodi(document: dict[str, Any]) -> Koodi:
    return Koodi.model_validate(document)


def is_koodi(document: Any) -> bool:
    """Whether ``document`` has the shape of a Koodisto code element."""
    return (
        isinstance(document, dict)
        and isinstance(document.get("koodiUri"), str)
        and isinstance(document.get("koodiArvo"), str)
        and isinstance(document.get("versio"), int)
        and not isinstance(document.get("versio"), bool)
        and isinstance(document.get("metadata"), list)
    )
