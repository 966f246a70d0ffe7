"""For reviewers: the review site of an extraction (``site``) and the changes between two extractions (``diff``, reported by ``diff_text`` and ``diff_page``)."""
