"""The matching engine: from a candidate quote to the closest verbatim passages in the corpus.

In the order a query runs: `normalise` (words and their map back to characters), `word_index`
(candidate articles), `occurrences` (windows in an article where the quote's words cluster),
`similarity` (near-miss words), `align` (word-level local alignment), `differences` and `scoring`
(what differs, verdict and calibrated confidence). `matcher` is the facade; `reference` holds the
plain-Python implementations the compiled kernels are tested against.
"""
