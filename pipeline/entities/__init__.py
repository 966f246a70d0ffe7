"""Entities, one unit: organisations, public bodies, places and people found in the sections.

- ``registry``: the reference data's entities with the profile's extra name forms;
- ``resolver``: a name as written resolves to one canonical id (alias, misspelling, fuzzy, …);
- ``nlp``: a blank Swedish spaCy pipeline with two entity rulers and token rules;
- ``mentions``: one region's mentions and the findings they raise, per-document organisations.
"""

from pipeline.entities.mentions import (DocumentOrganisations, RegionMentions, check_people, find_region_entities,
                                       people_anywhere)
from pipeline.entities.nlp import analyse, build_nlp
from pipeline.entities.resolver import Resolver

__all__ = ["DocumentOrganisations", "RegionMentions", "Resolver", "analyse", "build_nlp", "check_people",
           "find_region_entities", "people_anywhere"]
