"""Benchmarks: `make bench` runs the table (bench/__main__.py); the modules also run alone."""
