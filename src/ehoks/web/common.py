"""Public pages: the front page (who are you?), the accessibility statement."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import RedirectResponse, Response

from ehoks.web.deps import PageDep
from ehoks.web.pages import page_response

router = APIRouter(include_in_schema=False)


@router.get("/")
def front_page(page: PageDep) -> Response:
    return page_response(page, "front.html")


@router.get("/ehoks")
def student_root() -> Response:
    return RedirectResponse("/ehoks/", status_code=308)


@router.get("/saavutettavuusseloste")
def accessibility_statement(page: PageDep) -> Response:
    return page_response(page, "accessibility.html")
