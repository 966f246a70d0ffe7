"""Goals and purpose items: label forms and the prose around them (passages from the seed)."""

from __future__ import annotations

from pipeline.segment.sections import item_word_label
from pipeline.values.items import parse_items


def goals(text: str, kind: str = "goals"):
    return [(e.label, e.text) for e in parse_items(text, 0, len(text), kind)]


def test_label_without_space_after_dot():
    assert goals("1.Aktörskompetens\n2.Samverkansmetoder och kunskapsplattform\n3+4.Entreprenörskap och "
                 "affärsmodeller\n\nMålsättningen är att både offentliga beslutsfattare …") == [
        ("1.", "Aktörskompetens"), ("2.", "Samverkansmetoder och kunskapsplattform"),
        ("3+4.", "Entreprenörskap och affärsmodeller")]


def test_lettered_sub_goals_with_dot_and_colon():
    text = ("Projektets fyra delmål med indikatorer är\n1a. Kunskapen har ökat\n1b: Kunskapen om affärer har ökat\n"
            "2a: De sociala företagarna har stärkt sin förmåga.\n3: Ökad samverkan")
    assert [label for label, _ in goals(text)] == ["1a.", "1b:", "2a:", "3:"]


def test_bare_number_continues_the_list_after_prose():
    text = ("1. Utveckla direktiven.\n2. Utveckla arbetet.\n3. Bidra till ökad kunskap\n\n"
            "Det strukturella arbetet via ESBR (består av 45 olika org) har lett till:\n"
            "4 Att stödsystemets aktörer har fått en ökad kunskap.\n5. Att all företagsrådgivning är öppen.")
    assert [label for label, _ in goals(text)] == ["1.", "2.", "3.", "4", "5."]


def test_jonkoping_wrapped_line_starting_with_3_is_not_a_goal():
    text = ('1. "Visionsdokument för socialt entreprenörskap", inkl.\n- en aktörskarta,\n'
            '2. "Kommunikation för ökad tillväxt", inkl.\n'
            "- offentliga aktörer har höjt sin kunskap med särskilt tonvikt på vilken roll det sociala\n"
            "3. entreprenörskapet kan spela för de samhällsutmaningar där offentliga aktörer är utpekade som ägare.\n"
            "- de forskningsinitiativ som finns förses med fler regionala exempel/case.")
    entries = parse_items(text, 0, len(text))
    assert [e.label for e in entries] == ["1.", "2."]
    assert entries[1].wrapped_numbers == ("3.",)
    assert entries[1].text.endswith("exempel/case.")


def test_lower_case_goals_are_goals():
    text = "1. att deltagande sociala entreprenörer/företag ökat sin omsättning\n2. etablerad samverkan"
    assert [label for label, _ in goals(text)] == ["1.", "2."]


def test_prose_before_the_list_is_not_a_goal():
    text = ("Målet med projektet är att socialt entreprenörskap är en del av strategin.\n\nFokusområden:\n"
            "1. Samla kunskap om sociala entreprenörer.\n2. Synliggöra mätverktyg")
    assert [label for label, _ in goals(text)] == ["1.", "2."]


def test_sentence_after_the_last_goal_is_not_part_of_it():
    text = "3. Utveckla mötesplatser för sociala företag.\nÄven följa upp socioekonomiska effekter."
    assert goals(text) == [("3.", "Utveckla mötesplatser för sociala företag.")]


def test_sub_bullets_belong_to_their_goal():
    text = '1. "Visionsdokument", inkl.\n- en aktörskarta,\n- en visionsprocess'
    assert goals(text) == [("1.", '"Visionsdokument", inkl.\n- en aktörskarta,\n- en visionsprocess')]


def test_purpose_items_with_dot_after_parenthesis():
    text = "a). Prioritering på ledningsarbete.\nb). Prioritering på kartläggning."
    assert goals(text, "purpose") == [("a).", "Prioritering på ledningsarbete."),
                                      ("b).", "Prioritering på kartläggning.")]


def test_numbered_purpose_items():
    text = "Insatserna ska bidra till att eliminera strukturella hinder:\n1) ökad kunskap\n2) en stärkt organisering"
    assert [label for label, _ in goals(text, "purpose")] == ["1)", "2)"]


def test_year_at_line_start_is_not_a_goal():
    assert goals("1. Starta.\n\n2019 testades ett draknäste.") == [("1.", "Starta.")]


def test_goals_written_as_bullets_become_items_labelled_by_their_bullet():
    text = ("• Parterna har en samsyn om vad socialt entreprenörskap är.\n"
            "• Ta fram en arbetsmetod som kan appliceras på befintliga processer.\n"
            "• Starta upp ett Social Business Board i Blekinge.")
    assert goals(text) == [("•", "Parterna har en samsyn om vad socialt entreprenörskap är."),
                           ("•", "Ta fram en arbetsmetod som kan appliceras på befintliga processer."),
                           ("•", "Starta upp ett Social Business Board i Blekinge.")]


def test_purpose_items_written_with_dashes():
    text = ("– utveckla regionalt ledningsarbete för att stärka social innovation\n"
            "– sammanföra sociala entreprenörer med övriga näringslivet")
    assert [label for label, _ in goals(text, "purpose")] == ["–", "–"]


def test_a_wrapped_bullet_line_stays_with_its_item():
    text = "– att deltagande sociala företag ökat sin\nomsättning\n– etablerad samverkan"
    assert goals(text) == [("–", "att deltagande sociala företag ökat sin\nomsättning"), ("–", "etablerad samverkan")]


def test_bullets_under_numbered_goals_are_sub_points_not_items():
    text = '1. "Visionsdokument", inkl.\n- en aktörskarta,\n- en visionsprocess.\n2. "Kommunikation"'
    assert [label for label, _ in goals(text)] == ["1.", "2."]


def test_purpose_numbered_with_dots_and_goals_lettered_are_read_too():
    assert [label for label, _ in goals("1. Stärka företagen.\n2. Bredda marknaden.", "purpose")] == ["1.", "2."]
    assert [label for label, _ in goals("a) Fler affärer.\nb) Ökad kunskap.")] == ["a)", "b)"]


def test_prose_only_is_no_items():
    assert goals("Målet med projektet är att socialt entreprenörskap är en del av strategin.") == []


def test_purpose_items_with_capital_letters():
    text = "A. Kartlägga sociala företag.\nB. Samordna rådgivningen.\nC. Öka kunskapen om upphandling."
    assert [label for label, _ in goals(text, "purpose")] == ["A.", "B.", "C."]


def test_purpose_items_with_small_letters_and_full_stops():
    assert [label for label, _ in goals("a. utveckla sektorn\nb. integrera socialt företagande", "purpose")] == [
        "a.", "b."]
    assert goals("t.ex. genom att utveckla sektorn", "purpose") == []


def test_roman_numerals():
    text = "I. Parterna har en samsyn.\nII. En arbetsmetod tas fram.\nIII. Ett Social Business Board startas."
    assert [label for label, _ in goals(text)] == ["I.", "II.", "III."]
    assert [label for label, _ in goals(text, "purpose")] == ["I.", "II.", "III."]  # not the letter "I." alone


def test_items_with_their_label_word():
    text = "Delmål 1.1 Minst 15 sociala företag har fått rådgivning.\nDelmål 1.2 Rådgivare har gått en utbildning."
    entries = parse_items(text, 0, len(text), "goals", item_word_label(("Mål", "Delmål")))
    assert [(e.label, e.text) for e in entries] == [
        ("Delmål 1.1", "Minst 15 sociala företag har fått rådgivning."),
        ("Delmål 1.2", "Rådgivare har gått en utbildning.")]
    assert [e.label for e in parse_items("Mål 1: Ett.\nMål 2: Två.", 0, 12 + 11, "goals", item_word_label(("Mål",)))] == [
        "Mål 1:", "Mål 2:"]


def test_items_one_after_another_on_one_line():
    text = "a) utveckla ledningsarbete; b) utveckla entreprenörskap; c) föra samman entreprenörer."
    assert goals(text, "purpose") == [("a)", "utveckla ledningsarbete;"), ("b)", "utveckla entreprenörskap;"),
                                      ("c)", "föra samman entreprenörer.")]
    text = "1. Nya samarbeten; 2. En plattform; 3. Ökad kunskap & större mottaglighet; 4. Nya lösningar."
    assert [label for label, _ in goals(text)] == ["1.", "2.", "3.", "4."]


def test_a_semicolon_before_a_letter_that_does_not_continue_the_list_is_text():
    assert goals("a) utveckla; c) något annat.", "purpose") == [("a)", "utveckla; c) något annat.")]


def test_middle_dot_and_o_bullets():
    assert [label for label, _ in goals("· Etablera ett centrum\n· Hitta strategier")] == ["·", "·"]
    assert [label for label, _ in goals("o att företagen har ökat sin omsättning\no etablerad samverkan")] == ["o", "o"]
