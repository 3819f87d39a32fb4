"""Synthetic populations for PCGD–XMC: realistic survey records that may be shared.

Real survey data are children's personal data and can never be committed or
shared; these records follow the survey contract (docs/survey-format.md) and
published demographic and education figures (docs/synthetic-data.md) instead.
"""

from phocap.synth.generate import NATION, Run, Summary, generate, prepare, select, write
from phocap.synth.plan import Commune
from phocap.synth.profiles import PROFILES, Profile, get_profile

__all__ = [
    "NATION",
    "PROFILES",
    "Commune",
    "Profile",
    "Run",
    "Summary",
    "generate",
    "get_profile",
    "prepare",
    "select",
    "write",
]
