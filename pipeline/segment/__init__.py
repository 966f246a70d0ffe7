"""Segmentation: the normalised text becomes region blocks and their labelled sections (``sections``), and a section becomes its items (``lists``)."""
