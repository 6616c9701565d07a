"""Oppijanumerorekisteri (ONR), the person register: names and person merges."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field


class Henkilo(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    oid: str = Field(alias="oidHenkilo")
    etunimet: str = ""
    kutsumanimi: str | None = None
    sukunimi: str = ""
    hetu: str | None = None
    duplicate: bool = False
    passivoitu: bool = False

    @property
    def nimi(self) -> str:
        """The name the index stores: "<etunimet> <sukunimi>"."""
        return f"{self.etunimet} {self.sukunimi}".strip()


class OnrRegistry(Protocol):
    def get_henkilo(self, oid: str) -> Henkilo | None:
        """The person ``oid``, or None when ONR does not know it."""
        ...

    def get_master(self, oid: str) -> Henkilo | None:
        """The master person of ``oid`` (the person itself when it is not a duplicate)."""
        ...

    def get_slaves(self, oid: str) -> list[Henkilo]:
        """The duplicates merged into master ``oid``."""
        ...


def parse_henkilo(document: dict[str, Any]) -> Henkilo:
    return Henkilo.model_validate(document)
