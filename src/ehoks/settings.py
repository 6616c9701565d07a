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

    # Browser sessions (officers and students): idle and absolute expiry.
    session_idle_minutes: float = Field(default=30.0, gt=0)
    session_absolute_hours: float = Field(default=10.0, gt=0)
    # CAS-oppija (Suomi.fi identification of students), e.g. https://opintopolku.fi/cas-oppija.
    # Unset: students sign in on the built-in test identification page, which exists only
    # outside production.
    cas_oppija_url: str | None = None

    # The national registers (reference/domain.md §B). Each URL is the base its register's
    # paths hang from (e.g. https://virkailija.opintopolku.fi); unset = the local register.
    koski_url: str | None = None
    koski_username: str | None = None
    koski_password: SecretStr | None = None
    onr_url: str | None = None
    organisaatio_url: str | None = None
    koodisto_url: str | None = None
    eperusteet_url: str | None = None
    # eHOKS's own account on the virkailija CAS (EHOKS_CAS_URL), for the CAS-protected registers.
    cas_username: str | None = None
    cas_password: SecretStr | None = None
    # Sent as Caller-Id (and CSRF) on every register call: <organisation OID>.<system>.
    caller_id: str = "1.2.246.562.10.00000000001.ehoks"
    register_connect_timeout_seconds: float = Field(default=3.0, gt=0)
    register_read_timeout_seconds: float = Field(default=10.0, gt=0)
    register_retries: int = Field(default=2, ge=0, le=5)
    register_retry_backoff_seconds: float = Field(default=0.2, ge=0)
    # Cache lifetimes of the original (Appendix B); 0 turns a cache off.
    koski_opiskeluoikeus_cache_ttl_millis: int = Field(default=2000, ge=0)
    koski_oppija_cache_ttl_millis: int = Field(default=5000, ge=0)
    ext_cache_lifetime_minutes: float = Field(default=180.0, ge=0)
    # Names of codes and qualification units on pages: a register slower than this is skipped.
    naming_timeout_seconds: float = Field(default=2.0, gt=0)

    # Behaviour flags of the original (reference/ehoks-backend.md Appendix B); false by default.
    enforce_opiskeluoikeus_match: bool = False
    prevent_finished_opiskeluoikeus_updates: bool = False

    # Audit trail: JSON lines on the "audit" logger in addition to the database table.
    audit_log: bool = True

    # Secret for signing cookies and CSRF tokens (web pages). Must be set in production.
    secret_key: SecretStr = SecretStr("development-only-secret-change-me")

    @model_validator(mode="after")
    def _require_register_credentials(self) -> Settings:
        if self.koski_url and not (self.koski_username and self.koski_password):
            raise ValueError("EHOKS_KOSKI_URL needs EHOKS_KOSKI_USERNAME and EHOKS_KOSKI_PASSWORD")
        if self.onr_url and not (self.cas_url and self.cas_username and self.cas_password):
            raise ValueError(
                "EHOKS_ONR_URL (CAS-protected) needs EHOKS_CAS_URL, EHOKS_CAS_USERNAME and "
                "EHOKS_CAS_PASSWORD"
            )
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if (
            self.environment is Environment.PRODUCTION
            and "change-me" in self.secret_key.get_secret_value()
        ):
            raise ValueError("EHOKS_SECRET_KEY must be set in production")
        return self

    @cached_property
    def test_identification(self) -> bool:
        """The built-in "pick a demo person" student sign-in (never in production)."""
        return self.cas_oppija_url is None and self.environment is not Environment.PRODUCTION

    @cached_property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

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
    def officer_cas_service_url(self) -> str:
        """The CAS `service` of officer sign-in (the original's session route)."""
        return (
            f"{self.public_url.rstrip('/')}"
            "/ehoks-virkailija-backend/api/v1/virkailija/session/opintopolku"
        )

    @cached_property
    def student_cas_service_url(self) -> str:
        """The CAS-oppija `service` of student sign-in (the original's session route)."""
        return (
            f"{self.public_url.rstrip('/')}/ehoks-oppija-backend/api/v1/oppija/session/opintopolku/"
        )

    @cached_property
    def public_host(self) -> str:
        return urlsplit(self.public_url).netloc
