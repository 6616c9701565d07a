"""The demo data set of the embedded default (``ehoks demo load``).

A fictional koulutustoimija with two oppilaitokset and a toimipiste, another provider, 34
students in the local registers (KOSKI study rights: vocational and TUVA, present and ended, one
procured training), about 30 HOKSes built from the upstream fixtures in ``data/`` and variations
of them, and one user of every kind with the documented password ``ehoks-demo-2026``.
"""

from ehoks.demo.build import DemoWorld, build_world
from ehoks.demo.guide import render_guide
from ehoks.demo.loader import PRODUCTION_REFUSAL, DemoReport, load_demo, refuse_in_production
from ehoks.demo.world import DEMO_PASSWORD, DEMO_SERVICE_USER, DEMO_USERS

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_SERVICE_USER",
    "DEMO_USERS",
    "PRODUCTION_REFUSAL",
    "DemoReport",
    "DemoWorld",
    "build_world",
    "load_demo",
    "refuse_in_production",
    "render_guide",
]
