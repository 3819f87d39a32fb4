"""Template filters that read the rulesets' keys as officers write them (rules/words.py).

``{{ snapshot.ruleset|ruleset_title }}`` → "Nghị định 20/2014/NĐ-CP về phổ cập giáo dục,
xóa mù chữ", never the key "nd20-2014"; ``{{ c.source|citation }}`` → "Điều 16 Nghị định
20/2014/NĐ-CP", never "ND20 Art 16". Beside the figures filters, in the register so
every app's templates can ``{% load legal %}``.
"""

from __future__ import annotations

from django import template

from phocap import rules
from phocap.rules import words

register = template.Library()


@register.filter
def ruleset_title(name: str) -> str:
    return rules.ruleset_title(str(name))


@register.filter
def citation(source: str) -> str:
    return rules.citation(str(source))


@register.filter
def mark_explained(mark: str) -> str:
    """``{{ m.mark|mark_explained }}`` → what an [unverified] or [interpretation] mark means
    for the result, in plain Vietnamese (rules/words.py); "" for law and practice."""
    return words.mark_explained(str(mark))
