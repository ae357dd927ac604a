"""`python -m bench`: the benchmark table of issue 12 (see bench/__main__.py)."""
