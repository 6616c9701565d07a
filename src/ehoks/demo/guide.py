"""What ``ehoks demo load`` prints: what was loaded, where to sign in as whom, a curl session."""

from __future__ import annotations

import re
import textwrap
from collections import Counter

from ehoks.demo.build import DemoWorld
from ehoks.demo.loader import DemoReport
from ehoks.demo.world import (
    DEMO_PASSWORD,
    DEMO_SERVICE_USER,
    INSTRUCTORS,
    PALVELU,
    DemoUser,
    ancestors,
)
from ehoks.settings import Settings

_OHJAAJA_RE = re.compile(r"ohjaaja\.(\d+)@")


def render_guide(report: DemoReport, settings: Settings) -> str:
    world = report.world
    base = settings.public_url.rstrip("/")
    lines: list[str] = []
    if report.already_loaded:
        lines.append("The demo data is already loaded; nothing was changed.")
    else:
        lines.append(
            f"Loaded the demo data: {report.organisations} organisations, {report.students} "
            f"students with {report.opiskeluoikeudet} study rights (KOSKI), "
            f"{report.hoksit} HOKSes of {report.students_with_hoks} students, "
            f"{report.users} users."
        )
    lines += ["", "Organisations:"]
    for org in world.organisations.values():
        depth = len(ancestors(world.organisations, org.key))
        lines.append(f"  {'  ' * depth}{org.nimi}  {org.oid}")

    lines += ["", f"Users — the password of every demo user is {DEMO_PASSWORD} (demo only):"]
    if not settings.builtin_cas:
        lines.append(
            "  (EHOKS_CAS_URL names an external CAS: the demo users exist only in the built-in "
            "one.)"
        )
    officers = [user for user in world.users if user.kayttajatyyppi != PALVELU]
    services = [user for user in world.users if user.kayttajatyyppi == PALVELU]
    lines.append(f"  Officers sign in at {base}/ehoks-virkailija-ui/")
    lines += [_user_line(world, user) for user in officers]
    lines.append(f"  Service users call {base}/ehoks-virkailija-backend/api/v1/ with CAS tickets")
    lines += [_user_line(world, user) for user in services]

    lines += ["", f"Students sign in at {base}/ehoks/ through the test identification, e.g.:"]
    for student in world.featured:
        person = student.person
        lines.append(f"    {person.nimi:<28} {person.oid}  hetu {person.hetu}  {student.note}")
    lines.append(
        f"  ({report.students} students in all; {report.students - report.students_with_hoks} "
        "of them have no HOKS.)"
    )
    lines += ["", _instructor_line(world)]

    example = report.example_hoks_id or 1
    cas = "$BASE/cas" if settings.builtin_cas else settings.effective_cas_url
    lines += [
        "",
        f"Try the data-transfer API as {DEMO_SERVICE_USER} (a fresh service ticket per call):",
        f"  BASE={base}",
        f"  TGT=$(curl -si -d username={DEMO_SERVICE_USER} -d password={DEMO_PASSWORD} "
        f"{cas}/v1/tickets \\",
        "        | sed -n 's/^[Ll]ocation: *//p' | tr -d '\\r')",
        '  ST=$(curl -s -d service=$BASE/ehoks-virkailija-backend/cas-security-check "$TGT")',
        '  curl -s -H "Caller-Id: demo" -H "ticket: $ST" '
        f"$BASE/ehoks-virkailija-backend/api/v1/hoks/{example}",
    ]
    return "\n".join(lines)


def _user_line(world: DemoWorld, user: DemoUser) -> str:
    grants = ", ".join(f"{name} on {world.organisations[key].nimi}" for name, key in user.roles)
    return f"    {user.username:<18} {user.description}: {grants}"


def _instructor_line(world: DemoWorld) -> str:
    named: Counter[int] = Counter()
    for planned in world.hoksit:
        for number in set(_OHJAAJA_RE.findall(str(planned.body))):
            named[int(number)] += 1
    used = [instructor for instructor in INSTRUCTORS if named[instructor.number]]
    text = "Workplace instructors named in the HOKSes (e-mail, number of HOKSes): " + ", ".join(
        f"{instructor.sahkoposti} ({named[instructor.number]})" for instructor in used
    )
    return "\n".join(textwrap.wrap(text, width=100, subsequent_indent="  "))
