"""Readers: a source file becomes the normalised interim text every later stage reads.

One reader per format (``text``, ``pdf``, ``html``), chosen by file suffix in ``registry``. Each
takes the file's bytes and the report family's ``ReaderHints`` and returns a ``NormalisedText``;
a file that cannot be read raises ``UnusableInputError`` with one line that names it. (This
package file imports nothing, so a reader's cache fingerprint covers only the code it runs.)
"""
