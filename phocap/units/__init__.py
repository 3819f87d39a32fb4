"""Official administrative units of Vietnam by vintage, and the 2025 conversion.

See :mod:`phocap.units.registry` for why codes need a vintage and how names are
matched, and :mod:`phocap.units.build` for how the packaged data are made.
"""

from .registry import (
    ConversionLink,
    MatchMethod,
    NameMatch,
    Note,
    Registry,
    Unit,
    UnitType,
    Vintage,
    conversion_links,
    new_to_old,
    old_to_new,
    registry,
    registry_for_year,
    vintage_for_year,
)

__all__ = [
    "ConversionLink",
    "MatchMethod",
    "NameMatch",
    "Note",
    "Registry",
    "Unit",
    "UnitType",
    "Vintage",
    "conversion_links",
    "new_to_old",
    "old_to_new",
    "registry",
    "registry_for_year",
    "vintage_for_year",
]
