"""The profile compiled once: every stage's rules, made from one profile, in one immutable object
that every stage receives (the stages take only their own part).

- ``hints``: what the readers need (the profile's labels, heading forms, web leftovers);
- ``lists``: the list rules (closers, conjunctions), which the later stages share;
- ``segment``: the heading forms of every county, the count labels without a colon, item words;
- ``entities``: the registry with the profile's name forms, the resolver, the spaCy pipeline, the
  entity words;
- ``values``: the intro, contact and count rules, compiled, with the list rules and the resolver.

Nothing here is cached by module or keyed by the profile's hash: a run compiles its profile once
(``runner/run``: before its worker processes fork, so they share it) and passes the object on.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.entities import EntityRules, compile_entities
from pipeline import profile as profiles
from pipeline.paths import PROFILES_DIR
from pipeline.profile import Profile
from pipeline.readers import registry as readers
from pipeline.readers.text import ReaderHints
from pipeline.segment.lists import ListPatterns, compile_lists
from pipeline.segment.sections import SegmentRules, compile_segment
from pipeline.values.stage import ValueRules, compile_values


@dataclass(frozen=True)
class CompiledProfile:
    """One profile, compiled for every stage."""

    profile: Profile
    hints: ReaderHints
    lists: ListPatterns
    segment: SegmentRules
    entities: EntityRules
    values: ValueRules
    siblings: tuple[Profile, ...] = ()
    """The other report families shipped in ``pipeline/profiles/``: a document with one of their
    titles and not this profile's is refused (``stages.extract``), never read as this family."""


def shipped_profiles() -> tuple[Profile, ...]:
    """Every profile in ``pipeline/profiles/``, in file-name order."""
    return tuple(profiles.load_cached(path) for path in sorted(PROFILES_DIR.glob("*.toml")))


def compile_profile(profile: Profile) -> CompiledProfile:
    """Compiles ``profile`` for every stage; the values stage shares the entities stage's resolver
    (what it resolved is remembered for both)."""
    lists = compile_lists(profile.lists)
    entities = compile_entities(profile, lists)
    siblings = tuple(p for p in shipped_profiles() if p.id != profile.id and p.title != profile.title)
    return CompiledProfile(profile, readers.hints(profile), lists, compile_segment(profile), entities,
                           compile_values(profile, lists, entities.resolver), siblings)
