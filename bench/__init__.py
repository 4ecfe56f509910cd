"""The load benchmark; ``bench/run.py`` is the entry point."""
