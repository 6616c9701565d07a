"""Organisaatiopalvelu, the organisation register: names and the hierarchy."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field


class Organisaatio(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    oid: str
    nimi: dict[str, str] = Field(default_factory=dict)
    parent_oid: str | None = Field(default=None, alias="parentOid")
    parent_oid_path: str | None = Field(default=None, alias="parentOidPath")
    tyypit: list[str] = Field(default_factory=list)
    status: str | None = None

    @property
    def ancestors(self) -> list[str]:
        """Ancestor OIDs from the OPH root down to the parent (``parentOidPath``)."""
        if not self.parent_oid_path:
            return [self.parent_oid] if self.parent_oid else []
        return [oid for oid in self.parent_oid_path.split("|") if oid]


class OrganisaatioRegistry(Protocol):
    def get_organisaatio(self, oid: str) -> Organisaatio | None:
        """The organisation ``oid`` or None when the register does not know it."""
        ...

    def find_by_oids(self, oids: list[str]) -> list[Organisaatio]:
        """The known organisations among ``oids``."""
        ...


def parse_organisaatio(document: dict[str, Any]) -> Organisaatio:
    return Organisaatio.model_validate(document)
