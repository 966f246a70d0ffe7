"""The entity registry for one profile: the reference data's entities, with the name forms the
report family adds (a municipality abbreviation such as "Eskilstuna KN")."""

from __future__ import annotations

from dataclasses import replace

from pipeline import reference
from pipeline.profile import Profile
from pipeline.reference import Entity

def registry(profile: Profile) -> tuple[Entity, ...]:
    """Every canonical entity, with the profile's extra municipality forms among its aliases. Built
    afresh on each call: the profile's compiled form (``EntityRules.registry``) holds it for a run."""
    return _build(profile.entities.municipality_abbreviations)


def _build(abbreviations: tuple[str, ...]) -> tuple[Entity, ...]:
    if not abbreviations:
        return reference.organisations()
    names = {m.municipality_code: m.name for m in reference.municipalities()}
    entities = []
    for entity in reference.organisations():
        if entity.kind == "municipality" and entity.municipality_code in names:
            name = names[entity.municipality_code]
            forms = {f"{n} {word}" for n in (name, reference.genitive(name)) for word in abbreviations}
            if "-" in name:
                forms |= {form.replace("-", " ") for form in forms}
            entity = replace(entity, aliases=tuple(sorted({*entity.aliases, *forms})))
        entities.append(entity)
    return tuple(entities)
