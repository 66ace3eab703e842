"""Errors the user can act on.

Every error carries one line saying what went wrong and how to fix it, and the exit code the
command line uses: 2 for bad usage or input, 1 for a failure of the environment or the file.
"""

from __future__ import annotations


class KickoffError(Exception):
    """Base class: ``str(err)`` is the one line shown to the user."""

    exit_code = 1


class InputError(KickoffError):
    """The user asked for something that cannot be done as asked (exit 2)."""

    exit_code = 2


class StoreError(KickoffError):
    """The database cannot be used: newer schema, unwritable place, broken file (exit 1)."""

    exit_code = 1


class UnavailableError(StoreError):
    """The database cannot be reached right now (a restarting server, a network blip, a busy
    file): nothing was written; the same call can simply be tried again later."""


class NotADatabaseError(InputError):
    """``--db`` points at a file that is not a kickoff database (exit 2)."""


class NoDatabaseError(InputError):
    """A reading command found no kickoff database at the path (and created none)."""


class OlderSchemaError(StoreError):
    """A store written by an older release, opened by a reading command: it must be upgraded
    first (which writes), so a reading command on a writable store upgrades it, else says how."""


class NewerSchemaError(StoreError):
    """The file was written by a newer kickoff-tui; it is refused, never rewritten."""


class CaptureError(InputError):
    """A quick-capture line has a token that cannot be understood."""

    def __init__(self, message: str, token: str | None = None) -> None:
        super().__init__(message)
        self.token = token


class TextError(CaptureError):
    """User text that cannot be stored as given: not valid UTF-8, or longer than the limit
    (see core/text.py). A CaptureError, so every place that shows a capture line's error shows
    this one too."""


class TemplateError(InputError):
    """An agenda template is invalid; the message names the file and the field."""


class ConflictError(KickoffError):
    """An item changed since it was read; the caller must show the newer version."""

    exit_code = 1

    def __init__(self, message: str, current: object | None = None) -> None:
        super().__init__(message)
        self.current = current


class NotInControl(KickoffError):
    """A timer press from a terminal that does not hold the meeting's timer lease (another
    terminal took control): nothing was written."""

    exit_code = 1


class StaleAction(KickoffError):
    """A press that no longer applies: it expected a state another terminal has already moved
    on from ("next from block 3" while block 4 runs). Nothing was written; the user looks
    again and presses again if they still mean it."""

    exit_code = 1
