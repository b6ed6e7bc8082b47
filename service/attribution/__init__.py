"""The attribution engine: every quote in an article, its kind, and who said it.

`extract_quotes` runs the pipeline (`pipeline.py` lists its stages in order).
"""

from service.attribution.pipeline import METHOD_CONFIDENCE, extract_quotes

__all__ = ["METHOD_CONFIDENCE", "extract_quotes"]
