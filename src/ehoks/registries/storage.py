"""Tables behind the local implementations of the registers (the embedded default).

Each keeps the register's own JSON document as it would be served, plus the keys we look up by.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
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
