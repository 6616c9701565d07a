"""``ehoks registry check``: does each register answer, and how fast.

Each register is asked one cheap question through its interface, exactly as the service asks
it (timeouts, retries, authentication included). Any answer, "not found" included, means the
register works; ``RegistryUnavailable`` (or anything else raised) means it does not.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ehoks.errors import RegistryUnavailable
from ehoks.identifiers import make_oid
from ehoks.registries.wiring import Registries, RegistryFactory
from ehoks.settings import OPH_ROOT_OID

# Syntactically valid OIDs nobody is expected to have: a register answers them "not found".
PROBE_OPISKELUOIKEUS_OID = make_oid("15", "1000000000")
PROBE_OPPIJA_OID = make_oid("24", "1000000000")
PROBE_KOODI_URI = "urasuunnitelma_0001"
PROBE_TUTKINNON_OSA_URI = "tutkinnonosat_400014"


@dataclass(frozen=True)
class Probe:
    question: str  # what is asked, for the report
    ask: Callable[[Registries], object]


PROBES: dict[str, Probe] = {
    "koski": Probe(
        f"opiskeluoikeus {PROBE_OPISKELUOIKEUS_OID}",
        lambda registries: registries.koski.get_opiskeluoikeus(PROBE_OPISKELUOIKEUS_OID),
    ),
    "onr": Probe(
        f"henkilo {PROBE_OPPIJA_OID}",
        lambda registries: registries.onr.get_henkilo(PROBE_OPPIJA_OID),
    ),
    "organisaatio": Probe(
        f"organisaatio {OPH_ROOT_OID}",
        lambda registries: registries.organisaatio.get_organisaatio(OPH_ROOT_OID),
    ),
    "koodisto": Probe(
        f"koodi {PROBE_KOODI_URI}",
        lambda registries: registries.koodisto.get_koodi(PROBE_KOODI_URI),
    ),
    "eperusteet": Probe(
        f"tutkinnon osa {PROBE_TUTKINNON_OSA_URI}",
        lambda registries: registries.eperusteet.find_tutkinnon_osa(PROBE_TUTKINNON_OSA_URI),
    ),
}


@dataclass(frozen=True)
class CheckResult:
    register: str
    mode: str  # "local" (the registry tables) or "http"
    url: str | None  # the base URL of an HTTP register
    ok: bool
    seconds: float
    detail: str

    @property
    def where(self) -> str:
        return self.url if self.url else self.mode


def http_urls(factory: RegistryFactory) -> dict[str, str]:
    """The base URL of each register the factory serves over HTTP (the others are local)."""
    return {connection.register: connection.base_url for connection in factory.connections}


def check_registries(
    registries: Registries,
    *,
    urls: Mapping[str, str],
    registers: tuple[str, ...] = tuple(PROBES),
) -> list[CheckResult]:
    """Ask each of ``registers`` its probe question; ``urls`` names the HTTP ones.

    A cached answer counts as an answer: check through a fresh ``RegistryFactory`` (as the CLI
    does) to be sure the register itself was asked.
    """
    return [_check(registries, register, urls.get(register)) for register in registers]


def _check(registries: Registries, register: str, url: str | None) -> CheckResult:
    probe = PROBES[register]
    mode = "http" if url else "local"
    started = time.perf_counter()
    try:
        answer = probe.ask(registries)
    except RegistryUnavailable as error:
        status = f" (HTTP {error.status})" if error.status is not None else ""
        detail = f"{probe.question}: {error.detail}{status}"
        return CheckResult(register, mode, url, False, time.perf_counter() - started, detail)
    except Exception as error:  # a diagnosis reports every failure, it never raises
        detail = f"{probe.question}: {type(error).__name__}: {error}"
        return CheckResult(register, mode, url, False, time.perf_counter() - started, detail)
    seconds = time.perf_counter() - started
    found = "found" if answer is not None else "not found"
    return CheckResult(register, mode, url, True, seconds, f"{probe.question}: {found}")
