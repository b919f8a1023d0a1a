"""The benchmarks of the hot paths, one module per benchmark (figures: docs/performance.md).

Product packages import nothing from here; the commands ``fitconnect bench …`` and
``fitconnect-edge bench`` import a benchmark module when they run. ``edge`` imports only the
edge agent and the schemas, so that it runs where only ``fitconnect[edge,bench]`` is installed.
"""
