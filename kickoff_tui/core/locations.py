"""Where kickoff-tui keeps its files: the one place paths are decided.

The default database is a SQLite file in the user data directory; ``--db`` or ``KICKOFF_DB``
override it. User agenda templates live in the user config directory. Nothing is created at
import time.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "kickoff-tui"
DB_ENV = "KICKOFF_DB"


def default_db_path() -> Path:
    import platformdirs  # here, not at the top: `kickoff --db X status` is polled, keep it light

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "kickoff.db"


def user_template_dir() -> Path:
    override = os.environ.get("KICKOFF_TEMPLATES")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "agendas"


def resolve_db(value: str | None) -> str:
    """Turn ``--db``/``KICKOFF_DB``/default into a SQLAlchemy URL.

    A value containing ``://`` is taken as a URL; anything else is a file path.
    """
    if not value:
        value = os.environ.get(DB_ENV) or str(default_db_path())
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().absolute())


def export_dir(meeting_id: str) -> Path:
    """Where the cockpit writes a meeting's follow-through pack (``KICKOFF_EXPORT_DIR`` wins)."""
    import platformdirs

    base = os.environ.get("KICKOFF_EXPORT_DIR")
    root = Path(base) if base else Path(platformdirs.user_documents_dir()) / "kickoff"
    return root / meeting_id


def state_dir() -> Path:
    """This user's per-terminal working files, such as drafts of the capture line
    (``KICKOFF_STATE_DIR`` wins). Never shared between machines, unlike the store."""
    override = os.environ.get("KICKOFF_STATE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))
