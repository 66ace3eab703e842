"""kickoff-tui: a terminal cockpit for running client kickoff meetings."""

__version__ = "0.1.0"
