"""Rulesets: the PCGD–XMC criteria as versioned data (docs/rules.md)."""

from phocap.rules.ruleset import (
    FACTS,
    STANDARD_NAMES_VI,
    Criterion,
    Level,
    RollupShare,
    Ruleset,
    RulesetError,
    for_year,
    load,
    names,
)
from phocap.rules.words import citation, ruleset_title

__all__ = [
    "FACTS",
    "STANDARD_NAMES_VI",
    "Criterion",
    "Level",
    "RollupShare",
    "Ruleset",
    "RulesetError",
    "citation",
    "for_year",
    "load",
    "names",
    "ruleset_title",
]
