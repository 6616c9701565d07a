"""Tables behind the local implementations of the registers (the embedded default).

Each keeps the register's own JSON document as it would be served, plus the keys we look up by.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ehoks.db.base import Base
from ehoks.db.types import JsonDocument, UtcDateTime, utcnow


class LocalOpiskeluoikeus(Base):
    __tablename__ = "registry_koski_opiskeluoikeus"

    oid: Mapped[str] = mapped_column(String(64), primary_key=True)
    # KOSKI's /opiskeluoikeus document does not name its student; imports from /oppija or
    # /sure/oids documents (or `--oppija`) do.
    oppija_oid: Mapped[str | None] = mapped_column(String(64), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class LocalHenkilo(Base):
    __tablename__ = "registry_onr_henkilo"

    oid: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Set on a duplicate: the person it was merged into.
    master_oid: Mapped[str | None] = mapped_column(String(64), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class LocalOrganisaatio(Base):
    __tablename__ = "registry_organisaatio"

    oid: Mapped[str] = mapped_column(String(64), primary_key=True)
    parent_oid_path: Mapped[str | None] = mapped_column(String(1024))
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class LocalKoodi(Base):
    """One version of a Koodisto code element (``/rest/codeelement/{uri}/{versio}``)."""

    __tablename__ = "registry_koodisto_koodi"

    koodi_uri: Mapped[str] = mapped_column(String(256), primary_key=True)
    versio: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    koodisto_uri: Mapped[str] = mapped_column(String(256), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class LocalTutkinnonOsa(Base):
    """An ePerusteet tutkinnon osa (an element of ``/api/tutkinnonosat?koodiUri=…``)."""

    __tablename__ = "registry_eperusteet_tutkinnon_osa"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    koodi_uri: Mapped[str | None] = mapped_column(String(256), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class LocalPeruste(Base):
    """An ePerusteet peruste (``/api/perusteet/diaari`` or ``/api/perusteet/{id}``)."""

    __tablename__ = "registry_eperusteet_peruste"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    diaarinumero: Mapped[str | None] = mapped_column(String(128), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class LocalSuoritustapa(Base):
    """One suoritustapa (``reformi``, ``ops``, ``naytto``) of a peruste: its rakenne
    (``/api/perusteet/{id}/suoritustavat/{koodi}/rakenne``) and its tutkinnon osa viitteet
    (``…/{koodi}/tutkinnonosat``), each None until imported."""

    __tablename__ = "registry_eperusteet_suoritustapa"

    peruste_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    suoritustapakoodi: Mapped[str] = mapped_column(String(32), primary_key=True)
    rakenne: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    tutkinnon_osa_viitteet: Mapped[list[Any] | None] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
