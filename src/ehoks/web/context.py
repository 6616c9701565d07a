"""``PageContext``: everything a page handler and its template need about the request."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from ehoks.access.identity import Actor, ActorKind
from ehoks.access.sessions import SESSION_COOKIE, SessionState
from ehoks.access.storage import WebSession
from ehoks.settings import Settings
from ehoks.web.i18n import LANGUAGE_COOKIE, Catalog

CSRF_COOKIE = "ehoks_csrf"
FLASH_COOKIE = "ehoks_flash"
CSRF_FIELD = "csrf_token"

__all__ = ["CSRF_COOKIE", "CSRF_FIELD", "FLASH_COOKIE", "SESSION_COOKIE", "PageContext"]


@dataclass
class PageContext:
    request: Request
    settings: Settings
    db: Session | None
    lang: str
    catalog: Catalog
    session_state: SessionState
    web_session: WebSession | None
    actor: Actor | None
    # The anonymous double-submit token (cookie) when there is no session.
    anonymous_csrf: str = ""
    set_language_cookie: bool = False
    flashes: list[tuple[str, str]] = field(default_factory=list)
    _cookies: list[tuple[str, str | None, dict[str, object]]] = field(default_factory=list)

    # --- who ---------------------------------------------------------------------------------

    @property
    def is_officer(self) -> bool:
        return self.actor is not None and self.actor.kind is ActorKind.VIRKAILIJA

    @property
    def is_student(self) -> bool:
        return self.actor is not None and self.actor.kind is ActorKind.OPPIJA

    @property
    def is_oph_admin(self) -> bool:
        return self.is_officer and self.actor is not None and self.actor.is_oph_super_user

    @property
    def can_administer_users(self) -> bool:
        """A pääkäyttäjä of some organisation, or an OPH administrator."""
        return (
            self.is_officer
            and self.actor is not None
            and any(
                "paakayttaja" in entry.roles or "oph-super-user" in entry.roles
                for entry in self.actor.organisation_privileges
            )
        )

    @property
    def display_name(self) -> str:
        if self.web_session is None:
            return ""
        return self.web_session.display_name or self.web_session.username

    # --- forms -------------------------------------------------------------------------------

    @property
    def csrf_token(self) -> str:
        if self.web_session is not None:
            return self.web_session.csrf_token
        if not self.anonymous_csrf:
            self.anonymous_csrf = secrets.token_urlsafe(32)
            self.set_cookie(CSRF_COOKIE, self.anonymous_csrf, max_age=None, samesite="strict")
        return self.anonymous_csrf

    def csrf_ok(self, submitted: str | None) -> bool:
        expected = (
            self.web_session.csrf_token if self.web_session is not None else self.anonymous_csrf
        )
        return bool(submitted and expected) and secrets.compare_digest(
            str(submitted), str(expected)
        )

    # --- links -------------------------------------------------------------------------------

    def language_url(self, lang: str) -> str:
        """This page in another language (GET parameters kept)."""
        params = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        params.append(("lang", lang))
        return f"{self.request.url.path}?{urlencode(params)}"

    # --- flash messages and cookies ----------------------------------------------------------

    def flash(self, message: str, level: str = "info") -> None:
        """A message for the next page shown to this browser (``message`` is a message id)."""
        if self.web_session is not None:
            data = dict(self.web_session.data)
            data["flash"] = [*data.get("flash", []), [level, message]]
            self.web_session.data = data
        else:
            self.set_cookie(FLASH_COOKIE, f"{level}:{message}", max_age=60)

    def set_cookie(
        self, name: str, value: str | None, *, max_age: int | None = None, samesite: str = "lax"
    ) -> None:
        self._cookies.append((name, value, {"max_age": max_age, "samesite": samesite}))

    def apply_cookies(self, response: Response) -> None:
        if self.set_language_cookie:
            response.set_cookie(
                LANGUAGE_COOKIE,
                self.lang,
                max_age=365 * 24 * 3600,
                samesite="lax",
                secure=self.settings.secure_cookies,
            )
        for name, value, options in self._cookies:
            if value is None:
                response.delete_cookie(
                    name, path="/", secure=self.settings.secure_cookies, httponly=True
                )
            else:
                response.set_cookie(
                    name,
                    value,
                    max_age=options["max_age"],  # type: ignore[arg-type]
                    path="/",
                    secure=self.settings.secure_cookies,
                    httponly=True,
                    samesite=options["samesite"],  # type: ignore[arg-type]
                )
