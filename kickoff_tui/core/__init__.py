"""The headless core: models, store, agenda, clock, capture grammar, checks and exports.

Nothing in this package may import Textual (tests/test_headless.py proves it).
"""
