"""The catalogue of quality findings: every code the pipeline can report, its severity and meaning.

A finding says what a reviewer should know about a value or a passage. Codes are declared here
once; the models' enum, the data package, the review page and the docs read them from here.
Stages create findings only through ``Findings.add(code, …)``, so a code's severity cannot drift.

Severities: ``error`` — the data is wrong or missing; ``warning`` — a reviewer should look;
``info`` — recorded, nothing is wrong with the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class CodeInfo:
    severity: Severity
    stage: str
    meaning: str
    field: str | None = None
    """The field every finding of this code is about, when it is always the same one."""


class Code(str, Enum):
    """A kind of finding. The catalogue (pipeline/findings.py, the data dictionary) gives each code its
    severity and meaning."""

    # run
    unusable_source = "unusable_source"
    duplicate_document = "duplicate_document"
    near_duplicate_document = "near_duplicate_document"
    # readers
    web_leftover_removed = "web_leftover_removed"
    html_no_main = "html_no_main"
    html_is_text = "html_is_text"
    web_furniture_removed = "web_furniture_removed"
    text_hidden_from_view = "text_hidden_from_view"
    content_after_last_region = "content_after_last_region"
    line_break_normalised = "line_break_normalised"
    bidi_control_removed = "bidi_control_removed"
    combining_marks_cut = "combining_marks_cut"
    pdf_furniture_dropped = "pdf_furniture_dropped"
    pdf_glyph_read_as_bullet = "pdf_glyph_read_as_bullet"
    pdf_unmapped_glyph = "pdf_unmapped_glyph"
    pdf_read_by_reference_engine = "pdf_read_by_reference_engine"
    pdf_page_repeated = "pdf_page_repeated"
    pdf_list_marker_inferred = "pdf_list_marker_inferred"
    # sections
    no_regions_found = "no_regions_found"
    region_count_mismatch = "region_count_mismatch"
    duplicate_region = "duplicate_region"
    unit_place_unknown = "unit_place_unknown"
    section_after_repeat = "section_after_repeat"
    heading_several_counties = "heading_several_counties"
    claim_ambiguous = "claim_ambiguous"
    item_marker_changed = "item_marker_changed"
    item_text_not_read = "item_text_not_read"
    region_without_sections = "region_without_sections"
    contents_list_skipped = "contents_list_skipped"
    text_after_report = "text_after_report"
    unlabelled_text = "unlabelled_text"
    heading_without_blank_line = "heading_without_blank_line"
    heading_reworded = "heading_reworded"
    heading_lookalike_letters = "heading_lookalike_letters"
    label_variant = "label_variant"
    label_misspelled = "label_misspelled"
    label_extended = "label_extended"
    label_without_colon = "label_without_colon"
    label_inside_line = "label_inside_line"
    label_across_lines = "label_across_lines"
    unknown_label = "unknown_label"
    subheading_section = "subheading_section"
    missing_section = "missing_section"
    empty_section = "empty_section"
    duplicate_section = "duplicate_section"
    intro_claim_not_found = "intro_claim_not_found"
    title_not_found = "title_not_found"
    text_before_title = "text_before_title"
    publisher_not_found = "publisher_not_found"
    publisher_unexpected = "publisher_unexpected"
    # entities
    typo_corrected = "typo_corrected"
    garbled_text = "garbled_text"
    unregistered_organisation = "unregistered_organisation"
    person_not_a_contact = "person_not_a_contact"
    contact_not_a_person = "contact_not_a_person"
    organisations_not_found = "organisations_not_found"
    name_not_read = "name_not_read"
    # counts
    missing_count_line = "missing_count_line"
    count_unparsed = "count_unparsed"
    count_list_mismatch = "count_list_mismatch"
    count_breakdown_mismatch = "count_breakdown_mismatch"
    count_range = "count_range"
    count_from_sentence = "count_from_sentence"
    count_other_numbers = "count_other_numbers"
    count_item_not_a_name = "count_item_not_a_name"
    count_item_joined = "count_item_joined"
    count_out_of_range = "count_out_of_range"
    count_share = "count_share"
    count_not_whole = "count_not_whole"
    count_scaled = "count_scaled"
    count_from_sign = "count_from_sign"
    count_note_mark = "count_note_mark"
    value_unreadable = "value_unreadable"
    value_unit_assumed = "value_unit_assumed"
    # contacts
    contact_status_unclear = "contact_status_unclear"
    unknown_role = "unknown_role"
    former_holder_without_role = "former_holder_without_role"
    contacts_not_found = "contacts_not_found"
    contact_line_not_read = "contact_line_not_read"
    contact_part_not_read = "contact_part_not_read"
    # goals and purpose items
    numbered_wrapped_line = "numbered_wrapped_line"
    items_numbering_gap = "items_numbering_gap"
    items_not_found = "items_not_found"

    @property
    def info(self) -> CodeInfo:
        return CATALOGUE[self]

    @property
    def severity(self) -> Severity:
        return CATALOGUE[self].severity

    @property
    def meaning(self) -> str:
        return CATALOGUE[self].meaning

    @property
    def field(self) -> str | None:
        return CATALOGUE[self].field


CATALOGUE: dict[Code, CodeInfo] = {
    Code.unusable_source: CodeInfo("error", "run", "a source file could not be read at all; with --keep-going the "
                                   "other documents are published"),
    Code.duplicate_document: CodeInfo("warning", "run", "another source file holds the same edition of the report "
                                      "(another form, or a copy): it was read once, from the file that reads best, "
                                      "and the other set aside (output/provenance.json lists it)"),
    Code.near_duplicate_document: CodeInfo("warning", "run", "another source file has the same title and regions and "
                                           "differs in one or two regions only: both are kept, so if they are one "
                                           "edition its counts appear twice"),
    Code.web_leftover_removed: CodeInfo("info", "readers", "web-page furniture (a link icon's screen-reader text, a "
                                        "file-type badge) was removed from the text"),
    Code.html_no_main: CodeInfo("warning", "readers", "the web page has no <main> or <article>; the whole body was "
                                "read, so site chrome may be in the text"),
    Code.html_is_text: CodeInfo("info", "readers", "a file named as a web page holds no markup; it was read as a "
                                "text source"),
    Code.web_furniture_removed: CodeInfo("info", "readers", "a web site's furniture around the report (menus, "
                                         "banners, contents lists, share and feedback boxes, page footers) was "
                                         "removed; the evidence quotes it"),
    Code.text_hidden_from_view: CodeInfo("info", "readers", "text the page hides from view (hidden elements, "
                                         "'screen reader only' link notes) was not read"),
    Code.content_after_last_region: CodeInfo("warning", "readers", "the page goes on after the last region under a "
                                             "heading of the regions' own level that is no region; that part is not "
                                             "read as the region's, and may be content"),
    Code.line_break_normalised: CodeInfo("info", "readers", "line-breaking characters other than a line feed (form "
                                         "feed, vertical tab, NEL, U+2028, U+2029) were read as line or paragraph "
                                         "breaks"),
    Code.combining_marks_cut: CodeInfo("warning", "readers", "a run of more than 16 combining marks on one "
                                       "character, cut to 16 (no writing system needs more; such runs only slow "
                                       "the text down)"),
    Code.bidi_control_removed: CodeInfo("warning", "readers", "invisible bidirectional-text controls were removed "
                                        "from the text; they can make a passage display other than it reads"),
    Code.pdf_furniture_dropped: CodeInfo("info", "readers", "a running header, footer or page number of the PDF was "
                                         "dropped"),
    Code.pdf_glyph_read_as_bullet: CodeInfo("info", "readers", "glyphs with no character at line starts of the PDF "
                                            "were read as list bullets"),
    Code.pdf_list_marker_inferred: CodeInfo("warning", "readers", "indented lines of a goals or purpose section with no "
                                            "marker in the PDF's text (a browser draws a list's bullets as shapes) "
                                            "were read as '•' items"),
    Code.pdf_unmapped_glyph: CodeInfo("warning", "readers", "glyphs with no character in the PDF were kept as "
                                      "U+FFFD; the text around them may be incomplete"),
    Code.pdf_read_by_reference_engine: CodeInfo("info", "readers", "PDFium could not map some glyphs to characters "
                                                "(a font without a ToUnicode map); the document was read with "
                                                "pdfplumber, which maps more of them from the font itself"),
    Code.pdf_page_repeated: CodeInfo("info", "readers", "a page the same, word for word and place for place, as an "
                                     "earlier one (a page tree that names one page object again); read once, as "
                                     "pdfminer reads such a tree"),
    Code.no_regions_found: CodeInfo("warning", "sections", "no region heading was found in the document",
                                    "regions"),
    Code.region_count_mismatch: CodeInfo("warning", "sections", "the intro claims a number of regions other than "
                                         "the number of region headings found", "regions"),
    Code.item_text_not_read: CodeInfo("warning", "goals", "text in an item section (reads_as = items) that no item "
                                      "of its list holds: it is in the section's text, not in the items table",
                                      "items"),
    Code.item_marker_changed: CodeInfo("warning", "goals", "an item after a blank line whose bullet differs from "
                                       "the list's above it: perhaps a footnote below the list, kept as an item",
                                       "items"),
    Code.claim_ambiguous: CodeInfo("warning", "intro", "the intro states a claim of the profile more than once, "
                                   "with different values: the first is kept"),
    Code.heading_several_counties: CodeInfo("warning", "sections", "a county unit's heading names more than one "
                                            "county ('Norrbotten och Västerbotten'): the unit is read as the first "
                                            "one's, and its values may be for them together (a finding at every "
                                            "value of the unit)", "region"),
    Code.section_after_repeat: CodeInfo("warning", "sections", "a section or value line that comes only after "
                                        "its block repeats another label: the text from the repeat on may be "
                                        "another unit's, whose heading was not recognised"),
    Code.unit_place_unknown: CodeInfo("warning", "sections", "a unit's county or municipality section names a "
                                      "place that is no county or municipality of the reference data; it is not in "
                                      "the unit's codes"),
    Code.duplicate_region: CodeInfo("error", "sections", "a region appears twice; both blocks are kept"),
    Code.contents_list_skipped: CodeInfo("info", "sections", "region headings with no text of their own, each "
                                         "found again later with its text (a contents list), were not read as "
                                         "regions", "regions"),
    Code.text_after_report: CodeInfo("info", "sections", "lines after the last region that a page footer, share, "
                                     "feedback or contact box line shows to be a web site's furniture are not part "
                                     "of the report", "regions"),
    Code.unlabelled_text: CodeInfo("warning", "sections", "a paragraph after a region's count lines that no label "
                                   "starts: kept as section 'other', not read into any value", "sections"),
    Code.region_without_sections: CodeInfo("warning", "sections", "a region heading is followed by no text: every "
                                           "value of the region is missing", "region"),
    Code.heading_without_blank_line: CodeInfo("info", "sections", "a region heading with no blank line before or "
                                              "after it (it directly follows the previous region's text)", "title"),
    Code.heading_lookalike_letters: CodeInfo("warning", "sections", "a region heading names its region only when "
                                             "letters that look Latin (Cyrillic, Greek) are read as Latin ones; read "
                                             "as the heading", "title"),
    Code.heading_reworded: CodeInfo("info", "sections", "a short line between blank lines names a region after "
                                    "other words (\"Hur stärker Region Halland …?\"); read as that region's heading",
                                    "title"),
    Code.label_variant: CodeInfo("info", "sections", "a label written other than in its canonical form (a variant "
                                 "the profile lists); read as its section"),
    Code.label_misspelled: CodeInfo("warning", "sections", "a label close to a known one but listed nowhere; read "
                                    "as that section"),
    Code.label_extended: CodeInfo("info", "sections", "a known label with words added before its colon ('Kända "
                                  "sociala företag i länet:'); read as that label"),
    Code.label_without_colon: CodeInfo("info", "sections", "a label alone on its line without its colon, its "
                                       "text on the next line (\"Kontakt\"); read as its section"),
    Code.label_inside_line: CodeInfo("warning", "sections", "a label in the middle of a line (a missing line "
                                     "break); read as the start of its section"),
    Code.label_across_lines: CodeInfo("warning", "sections", "a label broken over two lines; read as that label"),
    Code.unknown_label: CodeInfo("warning", "sections", "an unforeseen 'Label:' kept as section 'other'"),
    Code.subheading_section: CodeInfo("warning", "sections", "a sub-heading kept as section 'other'"),
    Code.missing_section: CodeInfo("info", "sections", "a region lacks a section the profile expects"),
    Code.empty_section: CodeInfo("info", "sections", "a section's label has no text after it"),
    Code.duplicate_section: CodeInfo("warning", "sections", "a section appears twice in one region; values come "
                                     "from the first, all text is kept"),
    Code.title_not_found: CodeInfo("warning", "intro", "the report family's title (the profile's) is not in the text; "
                                   "the first heading line was taken as the title", "title"),
    Code.text_before_title: CodeInfo("info", "intro", "lines before the report's title (a web site's header, menus or "
                                     "breadcrumbs printed with the page) are not read as the report", "title"),
    Code.publisher_not_found: CodeInfo("warning", "intro", "the text names no publisher line or byline; the publisher "
                                       "is empty", "publisher"),
    Code.publisher_unexpected: CodeInfo("warning", "intro", "the publisher line names another publisher than the "
                                        "report family's", "publisher"),
    Code.intro_claim_not_found: CodeInfo("warning", "intro", "a claim the profile expects in the intro was not "
                                         "found, so its document field is empty"),
    Code.typo_corrected: CodeInfo("info", "entities", "a misspelled organisation name read as the registry's "
                                  "organisation", "mentions"),
    Code.garbled_text: CodeInfo("warning", "entities", "a word broken by digits or punctuation; resolved only when "
                                "its letters spell one known name", "mentions"),
    Code.unregistered_organisation: CodeInfo("info", "entities", "a name in no registry, kept as an unregistered "
                                             "organisation (with the place its name contains, if any)", "mentions"),
    Code.person_not_a_contact: CodeInfo("warning", "entities", "a person's name in a contact section that the "
                                        "contact parser did not read as a contact", "contacts"),
    Code.contact_not_a_person: CodeInfo("warning", "entities", "a contact the person-name rule did not find",
                                        "contacts"),
    Code.name_not_read: CodeInfo("warning", "entities", "capitalised words in a partners section that no rule read as an "
                                 "organisation; a reviewer should say whether they name one", "mentions"),
    Code.organisations_not_found: CodeInfo("warning", "entities", "a partners section names something (capitalised "
                                           "words) but no organisation was read from it", "mentions"),
    Code.missing_count_line: CodeInfo("warning", "counts", "a region has no line for a count metric; its value is "
                                      "none"),
    Code.count_unparsed: CodeInfo("warning", "counts", "a count line gives neither a number nor a list of names"),
    Code.count_list_mismatch: CodeInfo("warning", "counts", "a count line states a number and lists a different "
                                       "number of names"),
    Code.count_breakdown_mismatch: CodeInfo("warning", "counts", "a count line's breakdown sums to another number "
                                            "than it states"),
    Code.count_range: CodeInfo("info", "counts", "a count given as a range ('20–25'): the value is the lower bound, "
                               "qualifier at_least"),
    Code.count_from_sentence: CodeInfo("info", "counts", "a count read from a number inside a sentence, not at the "
                                       "start of the line"),
    Code.count_other_numbers: CodeInfo("info", "counts", "a count line has more numbers outside brackets than the "
                                       "one read as its value"),
    Code.count_item_joined: CodeInfo("info", "counts", "a listed item joins two names with a slash "
                                     "(\"Ung Företagsamhet/Coompanion\"); it is counted as one"),
    Code.count_item_not_a_name: CodeInfo("info", "counts", "an item of a listed count that does not look like a "
                                         "name; it is kept and counted as one"),
    Code.count_out_of_range: CodeInfo("warning", "counts", "a count line gives a number larger than any region can "
                                      "have (a 20-digit number); the value is left empty"),
    Code.count_share: CodeInfo("warning", "counts", "a count line gives a share of a whole ('en tredjedel', "
                               "'hälften', '60 %'), not a count; the value is left empty"),
    Code.count_not_whole: CodeInfo("warning", "counts", "a count line gives a number with decimals ('2,5'), which "
                                   "no count of things is; the value is left empty"),
    Code.count_scaled: CodeInfo("info", "counts", "a count written with a multiplier word ('drygt 2 tusen'): the "
                                "value is the number times it (2000)"),
    Code.count_from_sign: CodeInfo("info", "counts", "a count written with a sign ('<50', '≥ 30'): the number is "
                                   "a bound, qualifier at_most or at_least"),
    Code.count_note_mark: CodeInfo("info", "counts", "a count written with a note mark after its number ('3*', "
                                   "'3¹'): the note, elsewhere on the page, may change what the number means"),
    Code.value_unreadable: CodeInfo("warning", "counts", "a typed value line (money, decimal, percentage, date, "
                                    "period) gives no value its type can hold exactly: a range, a decimal point, a "
                                    "missing unit, a note, a date not in the calendar, a value outside the "
                                    "metric's bounds; the value is left empty and the finding quotes the line"),
    Code.value_unit_assumed: CodeInfo("info", "counts", "a percentage line writes no '%' or 'procent': the "
                                      "number is read as a percentage, the metric's type"),
    Code.contact_status_unclear: CodeInfo("info", "contacts", "a person named in parentheses without 'fd' or "
                                          "'tidigare'; kept as current", "contacts"),
    Code.former_holder_without_role: CodeInfo("info", "contacts", "a former holder named in parentheses on a "
                                              "line that gives a role ('PL, regionen (fd Anna Ek)'): the role is "
                                              "not written for them, so theirs is left empty", "contacts"),
    Code.unknown_role: CodeInfo("info", "contacts", "a role word the profile does not list; kept as written",
                                "contacts"),
    Code.contacts_not_found: CodeInfo("warning", "contacts", "a contact section has text but no person was read "
                                      "from it", "contacts"),
    Code.contact_line_not_read: CodeInfo("warning", "contacts", "a line of a contact section from which no person "
                                         "was read (a name the rules do not know as one?)", "contacts"),
    Code.contact_part_not_read: CodeInfo("warning", "contacts", "a part of a contact line that is neither a person, "
                                         "a role, an organisation, an e-mail address nor a phone number, or a second "
                                         "e-mail address or phone number (a contact keeps one of each); kept as the "
                                         "contact's note", "contacts"),
    Code.items_numbering_gap: CodeInfo("warning", "values", "a region's numbered goals or purpose items do not run "
                                       "1, 2, 3 …: items may be missing, or read from elsewhere"),
    Code.numbered_wrapped_line: CodeInfo("info", "items", "a number that starts a wrapped line of an item, not a "
                                         "new item"),
    Code.items_not_found: CodeInfo("info", "items", "a goals or purpose section has text but no numbered, "
                                   "lettered or bulleted items"),
}

assert set(CATALOGUE) == set(Code), "every finding code has exactly one catalogue entry"
