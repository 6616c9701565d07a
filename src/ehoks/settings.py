"""Typed settings, read from ``EHOKS_*`` environment variables.

Where a new setting goes: add a field here (with a default that is right for the embedded
development setup, or none when production must set it), document it in
``docs/configuration.md``, and read it only where ``create_app`` or the CLI wires things up.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

OPH_ROOT_OID = "1.2.246.562.10.00000000001"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every configurable value of the service, validated at start-up."""

    model_config = SettingsConfigDict(env_prefix="EHOKS_", extra="ignore", frozen=True)

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite:///./var/ehoks.db"
    public_url: str = "http://127.0.0.1:8000"

    # CAS. Unset means the built-in CAS-compatible ticket service under {public_url}/cas.
    cas_url: str | None = None
    cas_tgt_lifetime_hours: float = Field(default=8.0, gt=0)
    cas_st_lifetime_minutes: float = Field(default=5.0, gt=0)
    cas_timeout_seconds: float = Field(default=10.0, gt=0)

    # Behaviour flags of the original (reference/ehoks-backend.md Appendix B); false by default.
    enforce_opiskeluoikeus_match: bool = False
    prevent_finished_opiskeluoikeus_updates: bool = False

    # Audit trail: JSON lines on the "audit" logger in addition to the database table.
    audit_log: bool = True

    # Secret for signing cookies and CSRF tokens (web pages). Must be set in production.
    secret_key: SecretStr = SecretStr("development-only-secret-change-me")

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if (
            self.environment is Environment.PRODUCTION
            and "change-me" in self.secret_key.get_secret_value()
        ):
            raise ValueError("EHOKS_SECRET_KEY must be set in production")
        return self

    @cached_property
    def builtin_cas(self) -> bool:
        """True when the service is its own CAS (the embedded default)."""
        return self.cas_url is None

    @cached_property
    def effective_cas_url(self) -> str:
        return (self.cas_url or f"{self.public_url.rstrip('/')}/cas").rstrip("/")

    @cached_property
    def service_ticket_service_url(self) -> str:
        """The CAS `service` that data-transfer clients request service tickets for."""
        return f"{self.public_url.rstrip('/')}/ehoks-virkailija-backend/cas-security-check"

    @cached_property
    def public_host(self) -> str:
        return urlsplit(self.public_url).netloc
