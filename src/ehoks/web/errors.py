"""What a page shows when it cannot be shown: sign in, session expired, forbidden, not found,
CSRF refused, server error. Each renders the error page of its status in the page's language."""

from __future__ import annotations


class PageError(Exception):
    status_code = 500
    template = "errors/500.html"


class SignInRequired(PageError):
    """Not signed in: the browser is redirected to the sign-in page (303)."""

    status_code = 303

    def __init__(self, sign_in_path: str) -> None:
        super().__init__(sign_in_path)
        self.sign_in_path = sign_in_path


class SessionExpired(PageError):
    status_code = 401
    template = "errors/session_expired.html"

    def __init__(self, sign_in_path: str) -> None:
        super().__init__(sign_in_path)
        self.sign_in_path = sign_in_path


class PageForbidden(PageError):
    status_code = 403
    template = "errors/403.html"


class PageNotFound(PageError):
    status_code = 404
    template = "errors/404.html"


class CsrfRejected(PageError):
    status_code = 403
    template = "errors/csrf.html"
