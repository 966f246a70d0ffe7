"""The PDF engines a user may choose (``extract --pdf-engine``); a name list with no imports, so
the command line can offer it without loading the readers."""

ENGINES = ("pdfium", "pdfplumber")
"""PDFium (pypdfium2's text page) is the default; pdfplumber is the reference engine."""

DEFAULT_ENGINE = ENGINES[0]
