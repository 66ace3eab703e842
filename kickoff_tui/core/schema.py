"""The schema version, alone so that fast paths can read it without importing SQLModel."""

#: 1: the first release. 2: identities (``uid`` columns, item numbers). 3: the timer lease.
#: Every change ships an upgrade step in ``core.upgrades`` and a fixture in ``tests/fixtures``.
SCHEMA_VERSION = 4
