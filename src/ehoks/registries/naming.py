"""Names of codes and qualification units in Finnish, Swedish and English, for pages.

``Naming`` asks Koodisto (code elements such as ``urasuunnitelma_0001``) and ePerusteet
(tutkinnon osat, their osa-alueet, perusteet) and never fails a page:

* a code the register does not know is named by the code itself, in every language
  (``{"fi": "tutkinnonosat_100031", "sv": "tutkinnonosat_100031", "en": …}``);
* a register that is down, answers nonsense or is slow (the HTTP read timeout, and ``timeout``
  when given: an HTTP register is then asked in a worker thread and not waited for longer) gives
  the same fallback, and is remembered as failing (``FailureMemory``, 30 s by default, shared by
  every ``Naming`` of the process unless another memory is given), so the other codes of a page
  and the next pages do not wait for it again;
* answers are remembered for the life of the ``Naming`` (one page); the HTTP clients' caches
  keep them longer.

``text(names, lang)`` picks the name in ``lang``, then Finnish, then any language.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from ehoks.errors import RegistryUnavailable
from ehoks.registries.eperusteet.http import HttpEperusteetRegistry
from ehoks.registries.eperusteet.interface import EperusteetRegistry, TutkinnonOsa
from ehoks.registries.koodisto.http import HttpKoodistoRegistry
from ehoks.registries.koodisto.interface import KoodistoRegistry

LOG = logging.getLogger(__name__)
LANGUAGES = ("fi", "sv", "en")
DEFAULT_FAILURE_SECONDS = 30.0

T = TypeVar("T")


def fallback(code: str) -> dict[str, str]:
    """The name of a code no register could name: the code itself, in every language."""
    return dict.fromkeys(LANGUAGES, code)


def text(names: Mapping[str, str], lang: str) -> str:
    """The name in ``lang``, else in Finnish, else in any language; "" when there is none."""
    for language in (lang, "fi"):
        if names.get(language):
            return names[language]
    return next((name for name in names.values() if name), "")


class FailureMemory:
    """Registers that failed a moment ago: not asked again for ``seconds``.

    Keyed by the register object itself (held weakly): a long-lived HTTP client is remembered
    across pages, a local register bound to one session only while it lives.
    """

    def __init__(
        self,
        seconds: float = DEFAULT_FAILURE_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self._clock = clock
        self._until: weakref.WeakKeyDictionary[object, float] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def is_down(self, register: object) -> bool:
        with self._lock:
            try:
                until = self._until.get(register)
            except TypeError:  # not weakly referenceable: never remembered
                return False
            if until is None:
                return False
            if until <= self._clock():
                del self._until[register]
                return False
            return True

    def remember(self, register: object) -> None:
        with self._lock, contextlib.suppress(TypeError):
            self._until[register] = self._clock() + self.seconds

    def forget(self, register: object) -> None:
        with self._lock, contextlib.suppress(TypeError):
            self._until.pop(register, None)


_SHARED_FAILURES = FailureMemory()
_EXECUTOR: ThreadPoolExecutor | None = None
_EXECUTOR_LOCK = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _EXECUTOR  # one small pool per process, made on first use
    with _EXECUTOR_LOCK:
        if _EXECUTOR is None:
            _EXECUTOR = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ehoks-naming")
        return _EXECUTOR


def _is_remote(register: object) -> bool:
    """Only HTTP registers are asked in a worker thread: a local one uses the request's
    database session, which must stay in the request's thread."""
    return isinstance(register, HttpKoodistoRegistry | HttpEperusteetRegistry)


class Naming:
    """fi/sv/en names for pages, from a ``KoodistoRegistry`` and an ``EperusteetRegistry``."""

    def __init__(
        self,
        koodisto: KoodistoRegistry,
        eperusteet: EperusteetRegistry,
        *,
        timeout: float | None = None,
        failures: FailureMemory | None = None,
    ) -> None:
        self._koodisto = koodisto
        self._eperusteet = eperusteet
        self._timeout = timeout
        self._failures = failures if failures is not None else _SHARED_FAILURES
        self._memo: dict[Hashable, dict[str, str] | None] = {}

    # -- Koodisto ----------------------------------------------------------------------------

    def koodi_nimi(self, koodi_uri: str, versio: int | None = None) -> dict[str, str]:
        """The code's name (version ``versio``, or the latest when that version is unknown)."""
        return self._koodisto_nimi(koodi_uri, versio) or fallback(koodi_uri)

    def urasuunnitelma_nimi(self, koodi_uri: str, versio: int | None = None) -> dict[str, str]:
        """``urasuunnitelma_…`` (career plan)."""
        return self.koodi_nimi(koodi_uri, versio)

    def osaamisen_hankkimistapa_nimi(
        self, koodi_uri: str, versio: int | None = None
    ) -> dict[str, str]:
        """``osaamisenhankkimistapa_…`` (how the competence is acquired)."""
        return self.koodi_nimi(koodi_uri, versio)

    def oppimisymparisto_nimi(self, koodi_uri: str, versio: int | None = None) -> dict[str, str]:
        """``oppimisymparistot_…`` (other learning environment)."""
        return self.koodi_nimi(koodi_uri, versio)

    def koodit(self, koodisto_uri: str) -> dict[str, dict[str, str]]:
        """Every code of a koodisto with its name (for choices on forms); empty when Koodisto
        cannot be asked."""
        found, koodit = self._ask(
            self._koodisto, "koodisto", lambda: self._koodisto.get_koodit(koodisto_uri)
        )
        if not found or koodit is None:
            return {}
        return {koodi.koodi_uri: koodi.nimi or fallback(koodi.koodi_uri) for koodi in koodit}

    # -- ePerusteet --------------------------------------------------------------------------

    def tutkinnon_osa_nimi(self, koodi_uri: str) -> dict[str, str]:
        """The tutkinnon osa's name in ePerusteet, else its ``tutkinnonosat`` code's name in
        Koodisto, else the code."""
        return (
            self._tutkinnon_osa_nimi(koodi_uri)
            or self._koodisto_nimi(koodi_uri, None)
            or fallback(koodi_uri)
        )

    def osa_alue_nimi(
        self, koodi_uri: str, *, tutkinnon_osa_koodi_uri: str | None = None
    ) -> dict[str, str]:
        """An osa-alue (``ammatillisenoppiaineet_…``): its code's name in Koodisto, else its
        name in the tutkinnon osa ``tutkinnon_osa_koodi_uri`` in ePerusteet, else the code."""
        names = self._koodisto_nimi(koodi_uri, None)
        if not names and tutkinnon_osa_koodi_uri:
            osa = self._tutkinnon_osa(tutkinnon_osa_koodi_uri)
            osa_alue = osa.osa_alue(koodi_uri) if osa else None
            names = dict(osa_alue.nimi) if osa_alue else None
        return names or fallback(koodi_uri)

    def tutkinto_nimi(self, diaarinumero: str) -> dict[str, str]:
        """The name of the peruste (qualification) with the diaarinumero, else the number."""
        key = ("peruste", diaarinumero)
        if key not in self._memo:
            found, peruste = self._ask(
                self._eperusteet, "eperusteet", lambda: self._eperusteet.find_peruste(diaarinumero)
            )
            self._memo[key] = dict(peruste.nimi) if found and peruste and peruste.nimi else None
        return self._memo[key] or fallback(diaarinumero)

    # -- internals ---------------------------------------------------------------------------

    def _koodisto_nimi(self, koodi_uri: str, versio: int | None) -> dict[str, str] | None:
        key = ("koodi", koodi_uri, versio)
        if key not in self._memo:
            found, koodi = self._ask(
                self._koodisto, "koodisto", lambda: self._koodisto.get_koodi(koodi_uri, versio)
            )
            if found and koodi is None and versio is not None:
                self._memo[key] = self._koodisto_nimi(koodi_uri, None)
                return self._memo[key]
            self._memo[key] = dict(koodi.nimi) if found and koodi and koodi.nimi else None
        return self._memo[key]

    def _tutkinnon_osa(self, koodi_uri: str) -> TutkinnonOsa | None:
        found, osa = self._ask(
            self._eperusteet, "eperusteet", lambda: self._eperusteet.find_tutkinnon_osa(koodi_uri)
        )
        return osa if found else None

    def _tutkinnon_osa_nimi(self, koodi_uri: str) -> dict[str, str] | None:
        key = ("tutkinnon osa", koodi_uri)
        if key not in self._memo:
            osa = self._tutkinnon_osa(koodi_uri)
            self._memo[key] = dict(osa.nimi) if osa and osa.nimi else None
        return self._memo[key]

    def _ask(self, register: object, name: str, call: Callable[[], T]) -> tuple[bool, T | None]:
        """``(True, answer)``, or ``(False, None)`` when the register failed or is remembered
        as failing."""
        if self._failures.is_down(register):
            return False, None
        try:
            if self._timeout is not None and _is_remote(register):
                future = _executor().submit(call)
                try:
                    return True, future.result(timeout=self._timeout)
                except FutureTimeout:
                    future.cancel()
                    raise RegistryUnavailable(name, f"no name within {self._timeout} s") from None
            return True, call()
        except RegistryUnavailable as error:
            LOG.warning(
                "%s could not name a code (%s); codes are shown for %s s",
                name,
                error.message,
                self._failures.seconds,
            )
            self._failures.remember(register)
        except ValueError as error:  # a stored document the models cannot read
            LOG.warning("%s gave a document that could not be read: %s", name, error)
        return False, None
