"""Entities, one unit: organisations, public bodies, places and people found in the sections.

- ``registry``: the reference data's entities with the profile's extra name forms;
- ``resolver``: a name as written resolves to one canonical id (alias, misspelling, fuzzy, …);
- ``nlp``: a blank Swedish spaCy pipeline with two registry rulers and token rules, and the
  stage's rules compiled from the profile (``EntityRules``);
- ``mentions``: one region's mentions and the findings they raise, per-document organisations,
  and the stage itself (``document_entities``).
"""

from pipeline.entities.mentions import (DocumentEntities, DocumentOrganisations, RegionMentions, check_people,
                                       document_entities, find_region_entities, people_anywhere)
from pipeline.entities.nlp import EntityRules, analyse, compile_entities
from pipeline.entities.resolver import Resolver

__all__ = ["DocumentEntities", "DocumentOrganisations", "EntityRules", "RegionMentions", "Resolver", "analyse",
           "check_people", "compile_entities", "document_entities", "find_region_entities", "people_anywhere"]
