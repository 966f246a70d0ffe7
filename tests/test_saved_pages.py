"""The page as users hold it: saved from the browser with the site around it, or printed to PDF.
One test per quirk of issue 20's "Why" and "What to build"; each page is small and written by hand,
and each expected value is read from it. (The whole editions in every form: tests/test_editions.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.readers import registry as readers
from pipeline.runner.run import extract_text
from pipeline.runner.sources import Source
from tests.conftest import COMPILED, PROFILE

HINTS = readers.hints(PROFILE)


def read(path: Path) -> str:
    return readers.read(path, path.read_bytes(), HINTS)[1].text


def extract(path: Path, fmt: str):
    extraction, _ = extract_text(Source(path, f"raw/{path.name}", path.stem, fmt), path.read_bytes(), COMPILED)
    return extraction


def page(tmp_path: Path, body: str, head: str = "", name: str = "sida.html") -> Path:
    path = tmp_path / name
    path.write_text(f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>',
                    encoding="utf-8")
    return path


REGION = """<h2>Region Blekinge sprider kunskap</h2>
<p>Blekinge arbetar med att sprida kunskap.</p>
<p><strong>Kontakt:</strong> Johan Nilsson, PL regionen</p>
<p><strong>Kända sociala företag:</strong> 44<br><strong>Kommuner som arbetar med att främja sociala företag:</strong>
 5<br><strong>Företagsfrämjare som aktivt stöttar sociala företag:</strong> Coompanion, Almi</p>"""


# --- saved web pages ----------------------------------------------------------------------------

def test_labels_written_as_subheadings_read_as_labels(tmp_path):
    # the region that lost all its contacts, partners and goals with only info findings
    text = read(page(tmp_path, """<main><h1>Så arbetar regionerna</h1>
<h2>Region Skåne bygger regional samverkan</h2><p>Skåne bygger samverkan.</p>
<h3>Kontakt</h3><p>Marie-Louise Lövgren, PL regionen</p><p>Elin Dagerbo, Coompanion</p>
<h3>Samverkanspartners</h3><ul><li>Coompanion</li><li>Lunds universitet</li></ul>
<h3>Mål</h3><ol><li>Ett regionalt nätverk.</li><li>Fler affärer.</li></ol></main>"""))
    assert "Kontakt: Marie-Louise Lövgren, PL regionen\nElin Dagerbo, Coompanion" in text
    assert "Samverkanspartners:\n• Coompanion\n• Lunds universitet" in text
    assert "Mål:\n1. Ett regionalt nätverk.\n2. Fler affärer." in text


def test_a_label_alone_in_a_bold_paragraph_takes_the_paragraphs_under_it(tmp_path):
    text = read(page(tmp_path, """<main><h1>Så arbetar regionerna</h1><h2>Region Uppsala arbetar med upphandling</h2>
<p><b>Kontakt</b></p><p>Anna Olsson, regionen</p><p><b>Tidigare engagemang:</b></p>
<p><b>Mål:</b><br>1) en kartläggning<br>2) mer kunskap</p></main>"""))
    assert "Kontakt: Anna Olsson, regionen" in text
    # an empty label does not swallow the next labelled paragraph
    assert "Tidigare engagemang:\n\nMål:\n1) en kartläggning\n2) mer kunskap" in text


def test_counts_in_a_table_keep_their_cells_apart(tmp_path):
    # was "…sociala företag12 ASF … främja sociala företag3 …": cells joined with nothing between
    text = read(page(tmp_path, """<main><h1>Så arbetar regionerna</h1><h2>Region Halland bygger nätverk</h2>
<table><thead><tr><th>Mått</th><th>Antal</th><th>Kommentar</th></tr></thead><tbody>
<tr><th>Kända sociala företag</th><td>12 ASF</td><td>31 på Sofisams lista</td></tr>
<tr><td>Kommuner som arbetar med att främja sociala företag</td><td>3</td><td></td></tr>
<tr><td>Företagsfrämjare som aktivt stöttar sociala företag</td><td></td><td></td></tr>
</tbody></table></main>"""))
    assert ("Kända sociala företag: 12 ASF (Kommentar: 31 på Sofisams lista)\n"
            "Kommuner som arbetar med att främja sociala företag: 3\n"
            "Företagsfrämjare som aktivt stöttar sociala företag:") in text
    assert "Mått" not in text  # the header row names the third column, it is no line of its own


def test_a_row_of_data_is_its_cells_as_a_list(tmp_path):
    text = read(page(tmp_path, """<main><table><tr><td>Coompanion</td><td>Växjö</td><td>kooperativ</td></tr>
<tr><td>Almi</td><td>Kalmar</td></tr></table></main>"""))
    assert text == "Coompanion; Växjö; kooperativ\nAlmi: Kalmar\n"


def test_counts_as_a_bullet_list_and_a_definition_list(tmp_path):
    text = read(page(tmp_path, """<main><h1>Så arbetar regionerna</h1><h2>Region Dalarna utvecklar ledningsarbetet</h2>
<dl><dt>Kända sociala företag</dt><dd>drygt 60</dd><dt>Johan Nilsson (f.d. PL)</dt><dd>Region Dalarna</dd></dl>
<ul><li>Kommuner som arbetar med att främja sociala företag: 11</li></ul></main>"""))
    assert "Kända sociala företag: drygt 60\nJohan Nilsson (f.d. PL), Region Dalarna" in text
    assert "• Kommuner som arbetar med att främja sociala företag: 11" in text


def test_ordered_lists_continue_their_numbering_and_use_their_type(tmp_path):
    text = read(page(tmp_path, """<main><ol><li>Ett</li><li>Två</li></ol><p>Mellan.</p><ol start="3"><li>Tre</li></ol>
<ol type="a"><li>första</li><li>andra</li></ol><ol><li value="7">Sju</li><li>Åtta</li></ol></main>"""))
    assert text == "1. Ett\n2. Två\n\nMellan.\n\n3. Tre\n\na. första\nb. andra\n\n7. Sju\n8. Åtta\n"


def test_text_hidden_from_view_is_not_read_and_is_reported(tmp_path):
    path = page(tmp_path, """<main><h1>Så arbetar regionerna</h1><p>Samverkan med
<a href="https://x.se">Samarkand2015<span class="sr-only"> (länk till annan webbplats)</span></a> och
<span style="display:none">hemlig</span><span class="old">gammal</span><span hidden>dold</span>Almi.</p></main>""",
                head="<style>.old { display: none } @media print { .print-only { display: none } }</style>")
    result = readers.read(path, path.read_bytes(), HINTS)[1]
    assert "Samverkan med Samarkand2015 och Almi." in result.text
    hidden = [f for f in result.findings if f.code == "text_hidden_from_view"]
    assert len(hidden) == 1 and "(länk till annan webbplats)" in hidden[0].evidence


SITE = f"""<div class="cookie-banner"><h2>Vi använder kakor</h2><p>Godkänn</p></div>
<header class="site-header"><a href="/">Tillväxtverket</a></header>
<main><nav class="breadcrumbs"><a href="/">Startsida</a></nav>
<h1>Så arbetar regionerna</h1>
<h2>På den här sidan</h2><ul><li><a href="#b">Region Blekinge sprider kunskap</a></li>
<li><a href="#d">Region Dalarna utvecklar ledningsarbetet</a></li><li><a href="#g">Region Gotland finns inte</a></li></ul>
<p>17 av 21 regioner driver idag projekt för att främja socialt företagande.</p>
{REGION}
<p><a href="#top">Till toppen</a></p>
<p>Sidan senast uppdaterad: 17 mars 2021</p>
<div class="feedback"><h2>Hjälpte informationen på sidan dig?</h2><p>Ja Nej</p></div>
<div class="contact-card"><h2>Kontakt</h2><p>Per Hedberg, handläggare, Tillväxtverket, 08-681 91 00</p></div>
</main><footer><p>Tillväxtverket, Box 100, Stockholm</p></footer>"""


def test_site_furniture_around_the_report_is_removed_and_reported(tmp_path):
    path = page(tmp_path, SITE, head='<meta property="og:site_name" content="Tillväxtverket">')
    result = readers.read(path, path.read_bytes(), HINTS)[1]
    text = result.text
    assert text.startswith("Tillväxtverket\n\nSå arbetar regionerna\n\n17 av 21 regioner")
    for furniture in ("kakor", "Startsida", "På den här sidan", "Till toppen", "Hjälpte", "Per Hedberg", "Box 100"):
        assert furniture not in text, furniture
    assert text.endswith("Företagsfrämjare som aktivt stöttar sociala företag: Coompanion, Almi\n")
    removed = [f for f in result.findings if f.code == "web_furniture_removed"]
    assert len(removed) == 2 and "Sidan senast uppdaterad" in removed[1].message


def test_the_feedback_box_after_the_last_region_is_not_its_text(tmp_path):
    extraction = extract(page(tmp_path, SITE), "html")
    (region,) = extraction.regions
    assert [c.name for c in region.contacts] == ["Johan Nilsson"]  # not the agency's Per Hedberg
    assert region.counts["business_promoters"].value == 2
    assert not any("Hjälpte" in s.text for s in region.sections)


def test_a_heading_of_the_regions_level_after_the_last_region_is_cut_with_a_warning(tmp_path):
    result = readers.read(p := page(tmp_path, f"<main><h1>Så arbetar regionerna</h1>{REGION}"
                                              "<h2>Om projektmedlen</h2><p>Medlen fördelas varje år.</p></main>"),
                          p.read_bytes(), HINTS)[1]
    assert "Medlen fördelas" not in result.text
    (cut,) = [f for f in result.findings if f.code == "content_after_last_region"]
    assert cut.severity == "warning" and "Om projektmedlen" in cut.message


def test_accordions_are_read_open_with_the_heading_from_the_summary(tmp_path):
    text = read(page(tmp_path, """<main><h1>Så arbetar regionerna</h1>
<details><summary><h3>Region Kronoberg arbetar för att väcka intresset</h3><span class="sr-only">Visa eller dölj</span>
</summary><p>Kronoberg väcker intresse.</p></details>
<details><summary>Region Gävleborg formar stödstrukturer</summary><p>Gävleborg formar.</p></details></main>"""))
    assert ("Region Kronoberg arbetar för att väcka intresset\n\nKronoberg väcker intresse.\n\n"
            "Region Gävleborg formar stödstrukturer\n\nGävleborg formar.") in text


def test_a_page_without_main_is_read_from_its_title_to_its_last_region(tmp_path):
    path = page(tmp_path, f"""<div class="top"><p>Kunskapsbanken – till startsidan</p></div>
<div class="sidenav"><p>Region Blekinge</p><p>Region Gotland</p></div>
<div id="content"><h1>Så arbetar regionerna</h1><p>Publicerad av Tillväxtverket | 2021-03-22</p>{REGION}
<h2>Kontakta oss</h2><p>Eva Lindqvist, redaktör</p></div>""",
                head='<meta property="og:site_name" content="Kunskapsbanken Socialt företagande">')
    result = readers.read(path, path.read_bytes(), HINTS)[1]
    assert result.text.startswith("Tillväxtverket\n\nSå arbetar regionerna\n\nPublicerad av")  # the byline's agency
    assert "Region Gotland" not in result.text and "Eva Lindqvist" not in result.text
    assert [f.code for f in result.findings][0] == "html_no_main"


def test_the_publisher_comes_from_json_ld_when_there_is_no_byline(tmp_path):
    text = read(page(tmp_path, f"<main><h1>Så arbetar regionerna</h1>{REGION}</main>",
                     head='<script type="application/ld+json">{"@type": "WebPage", "publisher": '
                          '{"@type": "GovernmentOrganization", "name": "Tillväxtverket"}}</script>'
                          '<meta property="og:site_name" content="Kunskapsbanken">'))
    assert text.startswith("Tillväxtverket\n\nSå arbetar regionerna")


# --- printed pages --------------------------------------------------------------------------------

def draw(path: Path, pages: list[list[tuple[float, float, str, str, float]]]) -> None:
    """Draws each page's (x, y from the top, text, font, size) on A4."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for items in pages:
        for x, y, text, font, size in items:
            pdf.setFont(font, size)
            pdf.drawString(x, A4[1] - y, text)
        pdf.showPage()
    pdf.save()


BODY, BOLD, BIG = "Helvetica", "Helvetica-Bold", 10


def browser_margins(number: int, total: int) -> list[tuple]:
    """What a browser prints at the top and foot of each page: date and time, the page's title, its
    address and "n/N"."""
    return [(30, 20, "2026-12-07 18:54", BODY, 8), (250, 20, "Så arbetar regionerna - Tillväxtverket", BODY, 8),
            (30, 830, "file:///home/anna/H%C3%A4mtade%20filer/S%C3%A5%20arbetar%20regionerna.html", BODY, 8),
            (540, 830, f"{number}/{total}", BODY, 8)]


def test_a_browsers_header_and_footer_lines_are_dropped_and_reported(tmp_path):
    path = tmp_path / "utskrift.pdf"
    first = [(72, 80, "Så arbetar regionerna", BOLD, 16),
             (72, 110, "17 av 21 regioner driver idag projekt för att främja socialt företagande.", BODY, 10),
             (72, 150, "Region Blekinge sprider kunskap", BOLD, 13),
             (72, 175, "Blekinge arbetar med att sprida kunskap.", BODY, 10)]
    second = [(72, 80, "Kontakt: Johan Nilsson, PL regionen", BODY, 10),
              (72, 110, "Kända sociala företag: 44", BODY, 10)]
    draw(path, [first + browser_margins(1, 2), second + browser_margins(2, 2)])
    result = readers.read(path, path.read_bytes(), HINTS)[1]
    for margin in ("18:54", "Tillväxtverket", "file:", "1/2", "2/2"):
        assert margin not in result.text, margin
    assert [f.code for f in result.findings].count("pdf_furniture_dropped") >= 2


def test_a_side_menu_printed_beside_the_article_is_read_before_it(tmp_path):
    # was read line by line across both columns: "Region Gotland Upphandling med hjälp av …"
    path = tmp_path / "meny.pdf"
    menu = [(30, 105 + 18 * n, name, BODY, 9) for n, name in
            enumerate(["REGIONER", "Region Blekinge", "Region Gotland", "Region Halland", "Region Kalmar län"])]
    article = [(200, 100, "Så arbetar regionerna", BOLD, 16),
               (200, 140, "17 av 21 regioner driver idag projekt för att främja socialt", BODY, 10),
               (200, 160, "företagande och samhällsentreprenörskap i hela landet i år.", BODY, 10),
               (200, 200, "Region Blekinge sprider kunskap", BOLD, 13),
               (200, 230, "Blekinge arbetar med att sprida kunskap om sociala företag.", BODY, 10),
               (200, 260, "Kända sociala företag: 44", BODY, 10)]
    draw(path, [menu + article])
    extraction = extract(path, "pdf")
    assert extraction.document.title == "Så arbetar regionerna"
    assert [r.title for r in extraction.regions] == ["Region Blekinge sprider kunskap"]  # no menu item a region
    assert "Gotland" not in (extraction.document.intro or "")
    assert any(f.code == "text_before_title" for f in extraction.document.quality)


def test_the_sites_menu_bar_is_never_the_publisher_or_the_title(tmp_path):
    path = tmp_path / "meny.pdf"
    draw(path, [[(72, 40, "Start / Vårt arbete / Socialt företagande / Så arbetar regionerna", BODY, 8),
                 (72, 70, "SOCIALT FÖRETAGANDE", BODY, 9),
                 (72, 100, "Så arbetar regionerna", BOLD, 16),
                 (72, 130, "17 av 21 regioner driver idag projekt för att främja socialt företagande.", BODY, 10),
                 (72, 170, "Region Blekinge sprider kunskap", BOLD, 13),
                 (72, 200, "Kända sociala företag: 44", BODY, 10)]])
    document = extract(path, "pdf").document
    assert (document.title, document.publisher) == ("Så arbetar regionerna", None)
    codes = [f.code for f in document.quality]
    assert "text_before_title" in codes and "publisher_not_found" in codes  # said, never silent


def test_a_count_table_printed_reads_label_and_value_even_when_the_label_wraps(tmp_path):
    path = tmp_path / "tabell.pdf"
    draw(path, [[(72, 80, "Så arbetar regionerna", BOLD, 16),
                 (72, 110, "17 av 21 regioner driver idag projekt för att främja socialt företagande.", BODY, 10),
                 (72, 150, "Region Skåne bygger samverkan", BOLD, 13),
                 (72, 180, "Kända sociala företag", BODY, 10), (300, 180, "72", BODY, 10),
                 (72, 210, "Kommuner som arbetar med att främja", BODY, 10), (300, 210, "omkring 10", BODY, 10),
                 (72, 222, "sociala företag", BODY, 10),
                 (72, 250, "Företagsfrämjare som aktivt stöttar sociala företag", BODY, 10),
                 (330, 250, "Coompanion, Almi", BODY, 10)]])
    counts = extract(path, "pdf").regions[0].counts
    assert (counts["known_social_enterprises"].value, counts["known_social_enterprises"].qualifier) == (72, "exact")
    assert (counts["municipalities_promoting"].value, counts["municipalities_promoting"].qualifier) == (
        10, "approximate")
    assert (counts["business_promoters"].value, counts["business_promoters"].basis) == (2, "listed")


def test_a_name_hyphen_at_a_line_end_survives(tmp_path):
    from generators.renderings import draw_pdf, line, wrapped

    path = tmp_path / "bindestreck.pdf"
    draw_pdf(path, [[wrapped("Samverkanspartners: BBI, Coompanion, Almi och Nyföretagarcentrum med sina lokala NC-"),
                     wrapped("kontor är intresserade, liksom de andra kontoren och partnerna i hela Blekinge, Coompanion-"),
                     wrapped("kontoret i Karlskrona, som arbetar med sociala företag i hela länet och med alla samhälls-"),
                     line("entreprenörer i länet.")]])
    text = read(path)
    assert "NC-kontor" in text and "Coompanion-kontoret" in text  # was "NCkontor"
    assert "samhällsentreprenörer" in text  # a word broken at the line end is still joined


def test_the_site_footer_after_the_last_region_is_not_its_promoters(tmp_path):
    # was glued onto the last count line: Tillväxtverket and Stockholm counted as promoters
    path = tmp_path / "sidfot.pdf"
    draw(path, [[(72, 80, "Så arbetar regionerna", BOLD, 16),
                 (72, 110, "17 av 21 regioner driver idag projekt för att främja socialt företagande.", BODY, 10),
                 (72, 150, "Region Östergötland utvecklar stödsystem", BOLD, 13),
                 (72, 180, "Kontakt: Margareta Wandel, PL regionen", BODY, 10),
                 (72, 210, "Kända sociala företag: 14", BODY, 10),
                 (72, 224, "Företagsfrämjare som aktivt stöttar sociala företag: Coompanion, Almi", BODY, 10),
                 (72, 260, "Kontakt", BOLD, 12),
                 (72, 285, "Tillväxtverket, Stockholm, 08-681 91 00", BODY, 10),
                 (72, 320, "Relaterade sidor", BOLD, 12), (72, 345, "Socialt företagande", BODY, 10)]])
    extraction = extract(path, "pdf")
    (region,) = extraction.regions
    assert region.counts["business_promoters"].value == 2
    assert [c.name for c in region.contacts] == ["Margareta Wandel"]
    assert any(f.code == "text_after_report" for f in extraction.document.quality)


# --- what no section takes, and headings that hide -----------------------------------------------

SEED = (Path(__file__).resolve().parent.parent / "raw" / "tillvaxtverket-sa-arbetar-regionerna.txt").read_text(
    encoding="utf-8")


def text_extraction(tmp_path: Path, text: str):
    path = tmp_path / "rapport.txt"
    path.write_text(text, encoding="utf-8")
    return extract(path, "text")


def test_a_paragraph_after_the_count_lines_is_a_warning_at_its_region(tmp_path):
    edited = SEED.replace("Kända sociala företag: 44\n", "Kända sociala företag: 44\n", 1).replace(
        "Nyföretagarcentrum-kontor i kommunerna.\n",
        "Nyföretagarcentrum-kontor i kommunerna.\n\nProjektet förlängs till 2023 med Sparbanken i Karlshamn.\n", 1)
    blekinge = text_extraction(tmp_path, edited).regions[0]
    (finding,) = [f for f in blekinge.quality if f.code == "unlabelled_text"]
    assert finding.severity == "warning" and finding.evidence.startswith("Projektet förlängs")
    assert blekinge.counts["business_promoters"].value == 4  # the paragraph is not a promoter


def test_a_subheading_that_no_section_takes_is_a_warning(regions):
    # Örebro's "Samordning i länet": its text is kept, no value reads it
    subheadings = [f for f in regions["18"].quality if f.code == "subheading_section"]
    assert [f.severity for f in subheadings] == ["warning", "warning"]


def test_a_heading_with_a_cyrillic_look_alike_letter_is_read_and_reported(tmp_path):
    # "Region Blekingе" with a Cyrillic е (U+0435): the whole region vanished, "17 claimed, 16 found" only
    extraction = text_extraction(tmp_path, SEED.replace("Region Blekinge sprider", "Region Blekingе sprider"))
    assert len(extraction.regions) == 17
    blekinge = extraction.regions[0]
    assert blekinge.county_code == "10" and blekinge.title == "Region Blekingе sprider kunskap"  # as written
    assert [f.severity for f in blekinge.quality if f.code == "heading_lookalike_letters"] == ["warning"]


def test_a_contents_list_of_region_headings_is_not_read_as_regions(tmp_path):
    intro_end = SEED.index("Region Blekinge sprider kunskap")
    contents = "Innehåll\n\nRegion Blekinge sprider kunskap\n\nRegion Dalarna utvecklar ledningsarbetet\n\n"
    extraction = text_extraction(tmp_path, SEED[:intro_end] + contents + SEED[intro_end:])
    assert len(extraction.regions) == 17
    assert [f.code for f in extraction.document.quality if f.code == "contents_list_skipped"] == [
        "contents_list_skipped"]


@pytest.mark.parametrize("empty", ["", "\n"])
def test_a_region_with_a_heading_and_no_text_flags_every_value(tmp_path, empty):
    intro_end = SEED.index("Region Blekinge sprider kunskap")
    extraction = text_extraction(tmp_path, SEED[:intro_end] + "Region Gotland arbetar med kunskap\n\n" + empty
                                 + SEED[intro_end:])
    gotland = next(r for r in extraction.regions if r.county_code == "09")
    (finding,) = [f for f in gotland.quality if f.code == "region_without_sections"]
    assert (finding.severity, finding.field) == ("warning", "region")


def test_a_sentence_that_starts_like_a_page_footer_does_not_end_the_report(tmp_path):
    # "Senast uppdaterad 2020 beslutade regionen …" is the last region's text: it cut off its partners,
    # goals and counts, with only an info finding
    region = REGION.replace("<p><strong>Kända", "<p>Senast uppdaterad 2020 beslutade regionen att förlänga projektet "
                                                "till 2022.</p><p>Kontakta oss gärna om du vill veta mer.</p>"
                                                "<p><strong>Kända")
    extraction = extract(page(tmp_path, f"<main><h1>Så arbetar regionerna</h1>{region}</main>"), "html")
    (blekinge,) = extraction.regions
    assert blekinge.counts["known_social_enterprises"].value == 44
    assert blekinge.counts["business_promoters"].value == 2


def test_a_region_name_in_the_site_footer_is_not_a_region(tmp_path):
    # site-d printed: "Region Kronoberg Genvägar Följ oss" (the footer's three column headings on one
    # line) after "Sidansvarig" and "Dela" became an 18th region
    footer = ("\nSidansvarig: Regional utveckling\n\nDela: Facebook LinkedIn E-post\n\n"
              "Region Halland Genvägar Följ oss\n\nBox 538, 301 80 Halmstad\nTelefon: 0470-58 30 00\n")
    extraction = text_extraction(tmp_path, SEED.rstrip("\n") + "\n" + footer)
    assert len(extraction.regions) == 17 and "13" not in [r.county_code for r in extraction.regions]
    (finding,) = [f for f in extraction.document.quality if f.code == "text_after_report"]
    assert "Region Halland Genvägar" in finding.evidence


def test_a_region_heading_with_no_text_before_the_footer_is_still_a_region(tmp_path):
    # a region printed with its accordion closed: its heading alone, then the footer; it stays, flagged
    footer = "\nRegion Gotland arbetar med kunskap\n\nSidansvarig: Regional utveckling\n"
    extraction = text_extraction(tmp_path, SEED.rstrip("\n") + "\n" + footer)
    gotland = next(r for r in extraction.regions if r.county_code == "09")
    assert [f.code for f in gotland.quality if f.code == "region_without_sections"] == ["region_without_sections"]


def test_a_republishing_sites_credit_line_names_the_publisher(tmp_path):
    # site-d: the report republished on a regional council's site, its header above the title
    title_at = SEED.index("Så arbetar regionerna")
    credited = ("Region Kronoberg\n\nStart / Regional utveckling / Så arbetar regionerna\n\n"
                + SEED[title_at:].replace("\n", "\n\nInnehållet på den här sidan kommer från Tillväxtverket och "
                                                "återpubliceras med tillstånd.\n", 1))
    document = text_extraction(tmp_path, credited).document
    assert document.publisher == "Tillväxtverket"
    assert "publisher_not_found" not in [f.code for f in document.quality]


def test_a_misspelled_count_label_alone_on_its_line_is_read_and_reported(tmp_path):
    # site-d's Västerbotten: "främja socala företag" over "sex" (a label printed as a heading)
    edited = SEED.replace("Kommuner som arbetar med att främja sociala företag: 5\n",
                          "Kommuner som arbetar med att främja socala företag\nsex\n", 1)
    stockholm = next(r for r in text_extraction(tmp_path, edited).regions if r.county_code == "01")
    assert stockholm.counts["municipalities_promoting"].value == 6
    assert [f.field for f in stockholm.quality if f.code == "label_misspelled"] == ["municipalities_promoting"]


def centred_table(top: float, rows: list[tuple[list[str], list[str]]], value_x: float = 125,
                  pitch: float = 11, padding: float = 2.5, size: float = 9) -> list[tuple]:
    """A two-column table as QtWebKit prints it: each row as tall as its taller cell, and each
    cell's lines centred down the row (the label's across its cell too); a value line "" is a
    paragraph break inside the cell."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def height(lines: list[str]) -> float:
        return sum(pitch if text else pitch * 0.8 for text in lines)

    items: list[tuple] = []
    y = top
    for label, value in rows:
        tall = max(height(label), height(value))
        for cell, x_of in ((value, lambda text: value_x),
                           (label, lambda text: max(5.0, (value_x - 10 - stringWidth(text, BODY, size)) / 2 + 5))):
            at = y + (tall - height(cell)) / 2
            for text in cell:
                if text:
                    items.append((x_of(text), at, text, BODY, size))
                at += pitch if text else pitch * 0.8
        y += tall + padding
    return items


def test_a_table_whose_labels_are_centred_beside_long_values_is_read_row_by_row(tmp_path):
    # site-d printed by QtWebKit: Norrbotten as a two-column table, each label cell centred beside its
    # value, rows 13.5 points apart at a line pitch of 11: goals 5-7 went to "Konkret", the purpose's
    # first paragraph lost its label, and a label that ran up to its value had no cell gap
    path = tmp_path / "tabell.pdf"
    table = centred_table(190, [
        (["Kontakt"], ["Kristin Bergwall, PL, regionen, kristin.bergwall@norrbotten.se",
                       "Greta Isaksson (fd), regionen"]),
        (["Samverkanspartners"], ["Styrgrupp består av Region Norrbotten och Coompanion Norrbotten,",
                                  "Luleå tekniska universitet, Luleå Science Park och Sparbanken Nord,",
                                  "samt representant från ett socialt företag i Boden."]),
        (["Syfte"], ["att stärka sociala entreprenörer och de sociala företagens affärsutveckling,",
                     "samt att bygga hållbara strukturer mellan intressenter och främjare i länet.", "",
                     "a) Sociala entreprenörer/företag utvecklas i länet och blir mer hållbara",
                     "b) Bygga upp effektiva stödstrukturer och samverkan mellan flera aktörer."]),
        (["Mål"], ["1. att deltagande sociala entreprenörer/företag ökat sin omsättning",
                   "2. etablerad samverkan och samlad kunskap i de regionala rådgivarsystemen",
                   "3. långsiktigt hållbar samverkan och utbyte mellan länets sociala företag",
                   "4. casebeskrivning för process kring lokala samverkansmöjligheter",
                   "5. nya affärssamarbeten mellan sociala entreprenörer/företag och offentlig sektor"]),
        (["Konkret"], ["Projektet har genomfört ett affärsutvecklingsprogram för tolv sociala företag och",
                       "byggt upp ett rådgivarnätverk med främjarna i länet."]),
        (["Kända sociala", "företag"], ["Totalt ett fyrtiotal företag"]),
        (["Kommuner som", "arbetar med att", "främja sociala", "företag"], ["flera, bland annat Luleå, Boden och Piteå"]),
        (["Företagsfrämjare", "som aktivt stöttar", "sociala företag"], ["Coompanion, Almi Nord och Luleå Science Park"]),
    ])
    draw(path, [[(72, 60, "Så arbetar regionerna", BOLD, 16),
                 (72, 90, "17 av 21 regioner driver idag projekt för att främja socialt företagande.", BODY, 10),
                 (72, 130, "Region Norrbotten ökar affärsmässigheten", BOLD, 13),
                 (72, 155, "Region Norrbotten ökar affärsmässigheten hos sociala företag.", BODY, 10), *table]])
    (region,) = extract(path, "pdf").regions
    assert [c.name for c in region.contacts] == ["Kristin Bergwall", "Greta Isaksson"]
    assert [g.label for g in region.goals] == ["1.", "2.", "3.", "4.", "5."]
    assert region.goals[4].text.endswith("och offentlig sektor")
    assert [p.label for p in region.purpose_items] == ["a)", "b)"]
    text = {s.section: s.text for s in region.sections}
    assert text["purpose"].startswith("att stärka sociala entreprenörer")
    assert text["concrete"].endswith("främjarna i länet.")
    partners = text["partners"]
    assert partners.startswith("Styrgrupp består av") and partners.endswith("socialt företag i Boden.")
    counts = {metric: (c.value, c.qualifier) for metric, c in region.counts.items()}
    assert counts == {"known_social_enterprises": (40, "approximate"), "municipalities_promoting": (3, "at_least"),
                      "business_promoters": (3, "exact")}
