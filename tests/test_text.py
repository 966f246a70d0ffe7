"""The text stage: decoding, normalisation and unusable input."""

from __future__ import annotations

import pytest

from pipeline.errors import UnusableInputError
from pipeline.readers.registry import hints
from tests.conftest import PROFILE
from pipeline.readers.text import decode, normalise, read_text_source

SAMPLE = "Region Blekinge sprider kunskap\n\nKontakt: Johan Nilsson, PL regionen\n"

HINTS = hints(PROFILE)  # the profile's web-page leftovers


def test_utf8_with_byte_order_mark():
    text, encoding = decode(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "x.txt")
    assert (text, encoding) == (SAMPLE, "utf-8-sig")


def test_windows_1252_is_detected():
    text, encoding = decode("Sörmland – Västerås".encode("cp1252"), "x.txt")
    assert (text, encoding) == ("Sörmland – Västerås", "cp1252")


def test_crlf_and_lone_cr_line_ends():
    assert normalise("a\r\nb\rc")[0] == "a\nb\nc\n"


def test_nbsp_and_tab_after_label_become_one_space():
    assert normalise("Kontakt:\u00a0\tJohan  Nilsson")[0] == "Kontakt: Johan Nilsson\n"


def test_blank_line_runs_collapse_to_one():
    assert normalise("\n\na\n\n\n\nb   \n\n")[0] == "a\n\nb\n"


def test_decomposed_characters_become_nfc():
    assert normalise("So\u0308rmland")[0] == "Sörmland\n"


def test_external_link_text_is_removed_and_reported():
    text, findings = normalise('Se filmen om Örebro län.länk till annan webbplats, öppnas i nytt fönster\n', HINTS)
    assert text == "Se filmen om Örebro län.\n"
    assert [f.code for f in findings] == ["web_leftover_removed"]


def test_link_label_glued_to_pdf_badge_is_removed():
    text, findings = normalise("får du en överblick. SammanställningPDF\n", HINTS)
    assert text == "får du en överblick.\n"
    assert findings[0].evidence == "SammanställningPDF"


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"", "empty"),
        (b" \n\t\r\n", "empty"),
        (b"\x00\x01binary\x00", "NUL"),
        (b"caf\xc3 \x81\x8d", "cannot decode"),
        (bytes(range(1, 32)) * 20, "control characters"),
    ],
)
def test_unusable_input_names_the_file(tmp_path, data, problem):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(UnusableInputError) as raised:
        read_text_source(path)
    assert str(path) in str(raised.value) and problem in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("line", ["Till toppen", "Tillbaka till toppen", "Dela sidan", "Skriv ut",
                                  "Hoppa till huvudinnehåll", "Senast uppdaterad: 14 februari 2023",
                                  "Sidan senast uppdaterad 2022-03-08"])
def test_page_controls_on_a_line_of_their_own_are_removed(line):
    text, findings = normalise(f"Kända sociala företag: 12\n\n{line}\n\nRegion Skåne\n", HINTS)
    assert line not in text and "Kända sociala företag: 12" in text
    assert [(f.code, f.evidence) for f in findings] == [("web_leftover_removed", line)]


def test_a_sentence_that_mentions_a_page_control_is_kept():
    text, findings = normalise("De delar sidan med andra. Dela gärna.\n", HINTS)
    assert text == "De delar sidan med andra. Dela gärna.\n" and list(findings) == []
