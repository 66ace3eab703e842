"""The schema version, alone so that fast paths can read it without importing SQLModel."""

SCHEMA_VERSION = 1
