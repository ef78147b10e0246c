"""Benchmarks of the pipeline's stages: `python -m bench.run` (or `make bench`) writes reports/bench.json."""
