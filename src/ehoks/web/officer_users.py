"""Role administration: pääkäyttäjä and OPH manage officers' roles and service users.

``/ehoks-virkailija-ui/kayttajat``: the users of the actor's organisation tree with their roles
(each revocable one with a button) and a form to grant a role; ``…/uusi-virkailija`` creates an
officer of the built-in sign-in; ``…/palvelukayttajat`` lists and creates service users and
rotates their passwords. The rules are in ``ehoks.access.administration``; these handlers turn
its refusals into messages next to the right field. A generated password is shown once, on the
answer to the POST that made it (never stored in clear, never put in a flash message).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form
from sqlalchemy.orm import Session
from starlette.responses import Response

from ehoks.access import audit
from ehoks.access.administration import (
    SERVICE_USER_ROLES,
    AdministrationRefused,
    InvalidAdministration,
    OrganisationChoice,
    Problem,
    administered_roles,
    create_officer,
    create_service_user,
    grant_role,
    may_rotate_password,
    offered_roles,
    organisation_choices,
    revoke_role,
    rotatable_service_user,
    rotate_service_user_password,
    users_in_tree,
)
from ehoks.access.identity import Actor
from ehoks.access.roles import RoleName
from ehoks.access.storage import User
from ehoks.access.users import Kayttajatyyppi
from ehoks.registries.wiring import Registries
from ehoks.web.context import PageContext
from ehoks.web.deps import CsrfDep, OfficerDep
from ehoks.web.errors import PageForbidden, PageNotFound
from ehoks.web.i18n import N_
from ehoks.web.pages import page_response, redirect

router = APIRouter(include_in_schema=False)

USERS = "/ehoks-virkailija-ui/kayttajat"
NEW_OFFICER = f"{USERS}/uusi-virkailija"
SERVICE_USERS = f"{USERS}/palvelukayttajat"

FormText = Annotated[str, Form()]

ROLE_LABELS: dict[str, str] = {
    RoleName.READ: N_("Viewer"),
    RoleName.CRUD: N_("Recorder"),
    RoleName.HOKS_DELETE: N_("HOKS deletion rights"),
    RoleName.PAAKAYTTAJA: N_("Main user"),
    RoleName.OPHPAAKAYTTAJA: N_("OPH administrator"),
}
ROLE_HINTS: dict[str, str] = {
    RoleName.READ: N_("Sees the HOKSes of the organisation's students."),
    RoleName.CRUD: N_("Sees, creates and edits the HOKSes of the organisation's students."),
    RoleName.HOKS_DELETE: N_("May delete HOKSes. Give it together with the recorder role."),
    RoleName.PAAKAYTTAJA: N_(
        "Recorder's rights, and manages the roles and service users of the organisation."
    ),
    RoleName.OPHPAAKAYTTAJA: N_("Every right in every organisation, and manages main users."),
}
USER_TYPES: dict[str, str] = {
    Kayttajatyyppi.VIRKAILIJA: N_("Officer"),
    Kayttajatyyppi.PALVELU: N_("Service user"),
}

ENTER_USERNAME = N_("Enter the username.")
CHOOSE_ROLE = N_("Choose a role.")
CHOOSE_ORGANISATION = N_("Choose an organisation or enter its OID.")

# Where each problem is shown, and what it says there.
PROBLEM_MESSAGES: dict[Problem, tuple[str, str]] = {
    Problem.USERNAME_INVALID: (
        "username",
        N_("Enter a username of at most 128 characters without spaces at the beginning or end."),
    ),
    Problem.USERNAME_TAKEN: ("username", N_("This username is already in use. Choose another.")),
    Problem.UNKNOWN_USER: ("username", N_("There is no user with this username.")),
    Problem.UNKNOWN_ROLE: ("role", CHOOSE_ROLE),
    Problem.NO_ROLES: ("role", CHOOSE_ROLE),
    Problem.ROLE_NOT_ALLOWED: ("role", N_("You may not grant this role.")),
    Problem.ROLE_NOT_FOR_SERVICE_USERS: (
        "role",
        N_("A service user can only have the viewer or the recorder role."),
    ),
    Problem.ALREADY_HELD: ("role", N_("The user already has this role in this organisation.")),
    Problem.OPH_ROLE_ON_ROOT_ONLY: (
        "organisation",
        N_(
            "The OPH administrator role can only be granted in the Finnish National Agency "
            "for Education."
        ),
    ),
    Problem.MALFORMED_ORGANISATION: (
        "organisation",
        N_("Enter an organisation OID of the form 1.2.246.562.10.12345678901."),
    ),
    Problem.UNKNOWN_ORGANISATION: (
        "organisation",
        N_("The organisation was not found in the organisation register."),
    ),
    Problem.OUTSIDE_TREE: (
        "organisation",
        N_("You may only manage roles in the organisations you administer."),
    ),
}
# Each field's first focusable element (what the error summary links to).
FIELD_ANCHORS = {
    "username": "username",
    "display_name": "display-name",
    "role": "role",
    "organisation": "organisation",
}


@dataclass
class Admin:
    """The signed-in administrator and what the handlers need with it."""

    page: PageContext
    actor: Actor
    db: Session
    registries: Registries


@dataclass
class RoleForm:
    """The fields of the grant, new-officer and new-service-user forms."""

    username: str = ""
    display_name: str = ""
    role: str = ""
    organisation: str = ""  # chosen from the list
    organisation_oid: str = ""  # typed, when not in the list

    @property
    def organisation_value(self) -> str:
        return self.organisation_oid.strip() or self.organisation.strip()

    def missing(self, *, username_message: str = ENTER_USERNAME) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not self.username.strip():
            errors["username"] = username_message
        if not self.role:
            errors["role"] = CHOOSE_ROLE
        if not self.organisation_value:
            errors["organisation"] = CHOOSE_ORGANISATION
        return errors


def _admin(page: PageContext) -> Admin:
    if not page.can_administer_users or page.actor is None or page.db is None:
        raise PageForbidden()
    registries = page.request.app.state.context.registries.bind(page.db)
    return Admin(page, page.actor, page.db, registries)


# --- users and roles ---------------------------------------------------------------------------


@router.get(USERS)
def users_page(page: OfficerDep) -> Response:
    return _users_page(_admin(page), RoleForm(), {})


@router.post(f"{USERS}/myonna", dependencies=[CsrfDep])
def grant(
    page: OfficerDep,
    username: FormText = "",
    role: FormText = "",
    organisation: FormText = "",
    organisation_oid: FormText = "",
) -> Response:
    admin = _admin(page)
    form = RoleForm(
        username=username.strip(),
        role=role,
        organisation=organisation,
        organisation_oid=organisation_oid.strip(),
    )
    errors = form.missing()
    status = 400
    if not errors:
        try:
            grant_role(
                admin.db,
                admin.registries,
                actor=admin.actor,
                username=form.username,
                name=form.role,
                organisation_oid=form.organisation_value,
            )
        except (AdministrationRefused, InvalidAdministration) as error:
            status, errors = _form_problem(admin, error, "grant-role", _target(form))
    if errors:
        return _users_page(admin, form, errors, status_code=status)
    page.flash(N_("The role was granted."))
    admin.db.commit()
    return redirect(page, USERS)


@router.post(f"{USERS}/peru", dependencies=[CsrfDep])
def revoke(
    page: OfficerDep,
    username: FormText = "",
    role: FormText = "",
    organisation: FormText = "",
) -> Response:
    admin = _admin(page)
    try:
        revoke_role(
            admin.db,
            admin.registries,
            actor=admin.actor,
            username=username,
            name=role,
            organisation_oid=organisation,
        )
    except AdministrationRefused as error:
        if error.problem is Problem.OWN_ADMINISTRATOR_ROLE:
            _roll_back(admin)
            page.flash(
                N_("You cannot revoke your own administrator role. Ask another administrator."),
                "error",
            )
            admin.db.commit()
            return redirect(page, USERS)
        _record_refusal(
            admin,
            "revoke-role",
            {"username": username, "role": role, "organisationOid": organisation},
        )
        raise PageForbidden() from None
    except InvalidAdministration:
        # A stale page (revoked meanwhile, user removed) or a tampered form.
        _roll_back(admin)
        page.flash(N_("The role could not be revoked: the user does not have it."), "error")
        admin.db.commit()
        return redirect(page, USERS)
    page.flash(N_("The role was revoked."))
    admin.db.commit()
    return redirect(page, USERS)


def _users_page(
    admin: Admin, form: RoleForm, errors: dict[str, str], *, status_code: int = 200
) -> Response:
    users = users_in_tree(admin.db, admin.registries, admin.actor)
    rows = [(user, administered_roles(admin.actor, user, admin.registries)) for user in users]
    choices = organisation_choices(admin.db, admin.registries, admin.actor)
    role_oids = {role.organisation_oid for _user, roles in rows for role in roles}
    return _render(
        admin,
        "officer/users/index.html",
        {
            "rows": rows,
            "form": form,
            "errors": errors,
            "roles": offered_roles(admin.actor),
            "choices": choices,
            "organisation_names": _organisation_names(admin, choices, role_oids),
        },
        status_code=status_code,
    )


# --- a new officer -----------------------------------------------------------------------------


@router.get(NEW_OFFICER)
def new_officer_form(page: OfficerDep) -> Response:
    admin = _admin(page)
    _require_builtin_sign_in(page)
    return _new_user_page(admin, "officer/users/new_officer.html", RoleForm(), {})


@router.post(NEW_OFFICER, dependencies=[CsrfDep])
def new_officer(
    page: OfficerDep,
    username: FormText = "",
    display_name: FormText = "",
    role: FormText = "",
    organisation: FormText = "",
    organisation_oid: FormText = "",
) -> Response:
    admin = _admin(page)
    _require_builtin_sign_in(page)
    form = RoleForm(username, display_name.strip(), role, organisation, organisation_oid.strip())
    return _create_user(
        admin,
        form,
        create_officer,
        template="officer/users/new_officer.html",
        username_message=N_("Enter a username for the new officer."),
        new_officer=True,
    )


def _create_user(
    admin: Admin,
    form: RoleForm,
    create: Callable[..., tuple[User, str]],
    *,
    template: str,
    username_message: str,
    new_officer: bool,
) -> Response:
    """Create a user with ``create`` from ``form``: the new password, or the form with errors."""
    errors = form.missing(username_message=username_message)
    status = 400
    if not errors:
        try:
            user, password = create(
                admin.db,
                admin.registries,
                actor=admin.actor,
                username=form.username,
                roles=[(form.role, form.organisation_value)],
                display_name=form.display_name,
            )
        except (AdministrationRefused, InvalidAdministration) as error:
            status, errors = _form_problem(admin, error, "create-user", _target(form))
        else:
            admin.db.commit()
            return _password_page(admin, user, password, new_officer=new_officer)
    return _new_user_page(admin, template, form, errors, status_code=status)


def _require_builtin_sign_in(page: PageContext) -> None:
    """Officers of an external CAS are made in Käyttöoikeuspalvelu, not here."""
    if not page.settings.builtin_cas:
        raise PageNotFound()


# --- service users -----------------------------------------------------------------------------


@router.get(SERVICE_USERS)
def service_users_page(page: OfficerDep) -> Response:
    return _new_user_page(_admin(page), "officer/users/service_users.html", RoleForm(), {})


@router.post(SERVICE_USERS, dependencies=[CsrfDep])
def new_service_user(
    page: OfficerDep,
    username: FormText = "",
    display_name: FormText = "",
    role: FormText = "",
    organisation: FormText = "",
    organisation_oid: FormText = "",
) -> Response:
    admin = _admin(page)
    form = RoleForm(username, display_name.strip(), role, organisation, organisation_oid.strip())
    return _create_user(
        admin,
        form,
        create_service_user,
        template="officer/users/service_users.html",
        username_message=N_("Enter a username for the new service user."),
        new_officer=False,
    )


@router.get(SERVICE_USERS + "/{username:path}/uusi-salasana")
def confirm_rotation(page: OfficerDep, username: str) -> Response:
    admin = _admin(page)
    user = _rotatable(admin, username)
    return _render(admin, "officer/users/confirm_rotation.html", {"user": user})


@router.post(SERVICE_USERS + "/{username:path}/uusi-salasana", dependencies=[CsrfDep])
def rotate_password(page: OfficerDep, username: str) -> Response:
    admin = _admin(page)
    user = _rotatable(admin, username)
    password = rotate_service_user_password(
        admin.db, admin.registries, actor=admin.actor, username=user.username
    )
    admin.db.commit()
    return _password_page(admin, user, password, new_officer=False, rotated=True)


def _rotatable(admin: Admin, username: str) -> User:
    try:
        return rotatable_service_user(
            admin.db, admin.registries, actor=admin.actor, username=username
        )
    except InvalidAdministration:
        raise PageNotFound() from None
    except AdministrationRefused:
        _record_refusal(admin, "rotate-password", {"username": username})
        raise PageForbidden() from None


def _new_user_page(
    admin: Admin,
    template: str,
    form: RoleForm,
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> Response:
    choices = organisation_choices(admin.db, admin.registries, admin.actor)
    values: dict[str, Any] = {"form": form, "errors": errors, "choices": choices}
    role_oids: set[str] = set()
    if template == "officer/users/service_users.html":
        service_users = []
        for user in users_in_tree(admin.db, admin.registries, admin.actor):
            if user.kayttajatyyppi != Kayttajatyyppi.PALVELU:
                continue
            roles = administered_roles(admin.actor, user, admin.registries)
            role_oids.update(role.organisation_oid for role in roles)
            service_users.append(
                (user, roles, may_rotate_password(admin.actor, user, admin.registries))
            )
        values["service_users"] = service_users
        values["roles"] = [
            role for role in offered_roles(admin.actor) if role in SERVICE_USER_ROLES
        ]
    else:
        values["roles"] = offered_roles(admin.actor)
    values["organisation_names"] = _organisation_names(admin, choices, role_oids)
    return _render(admin, template, values, status_code=status_code)


def _password_page(
    admin: Admin, user: User, password: str, *, new_officer: bool, rotated: bool = False
) -> Response:
    """The one time a generated password is shown. Not cached anywhere."""
    response = _render(
        admin,
        "officer/users/password.html",
        {"user": user, "password": password, "new_officer": new_officer, "rotated": rotated},
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


# --- helpers -----------------------------------------------------------------------------------


def _render(
    admin: Admin, template: str, values: dict[str, Any], *, status_code: int = 200
) -> Response:
    return page_response(
        admin.page,
        template,
        {
            **values,
            "role_labels": ROLE_LABELS,
            "role_hints": ROLE_HINTS,
            "user_types": USER_TYPES,
            "field_anchors": FIELD_ANCHORS,
            "builtin_sign_in": admin.page.settings.builtin_cas,
        },
        status_code=status_code,
    )


def _form_problem(
    admin: Admin,
    error: AdministrationRefused | InvalidAdministration,
    operation: str,
    target: dict[str, str],
) -> tuple[int, dict[str, str]]:
    """The status and field errors for a refused form; a refusal is also audited."""
    if isinstance(error, AdministrationRefused):
        _record_refusal(admin, operation, target)
    else:
        _roll_back(admin)
    mapped = PROBLEM_MESSAGES.get(error.problem)
    if mapped is None:
        raise PageForbidden()
    field, message = mapped
    return (403 if isinstance(error, AdministrationRefused) else 400), {field: message}


def _record_refusal(admin: Admin, operation: str, target: dict[str, str]) -> None:
    """A refused attempt leaves a ``failed`` audit event (and nothing else)."""
    admin.db.rollback()
    audit.record(
        admin.db, actor=admin.actor, operation=operation, target=target, status=audit.FAILED
    )
    admin.db.commit()
    _reload_session_row(admin)


def _roll_back(admin: Admin) -> None:
    admin.db.rollback()
    _reload_session_row(admin)


def _reload_session_row(admin: Admin) -> None:
    """A rollback expires the browser session's row; the page (also an error page, rendered
    after the database session has closed) still shows its CSRF token and the user's name."""
    if admin.page.web_session is not None:
        admin.db.refresh(admin.page.web_session)


def _target(form: RoleForm) -> dict[str, str]:
    return {
        "username": form.username,
        "role": form.role,
        "organisationOid": form.organisation_value,
    }


def _organisation_names(
    admin: Admin, choices: list[OrganisationChoice], other_oids: set[str]
) -> dict[str, str]:
    """Each organisation's name in the page's language (or another one it has); an
    organisation Organisaatiopalvelu does not know is left out (the page shows its OID)."""
    names = {choice.oid: choice.names for choice in choices}
    missing = sorted(oid for oid in other_oids if oid not in names)
    if missing:
        for organisaatio in admin.registries.organisaatio.find_by_oids(missing):
            names[organisaatio.oid] = dict(organisaatio.nimi)
    lang = admin.page.lang
    shown: dict[str, str] = {}
    for oid, by_language in names.items():
        name = next(
            (by_language[code] for code in (lang, "fi", "sv", "en") if by_language.get(code)), ""
        )
        if name:
            shown[oid] = name
    return shown
