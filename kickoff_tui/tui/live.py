"""The session's reports as Textual messages: the bridge between its threads and the screen.

:class:`MeetingSession` calls a :class:`~kickoff_tui.core.session.Listener` on its own threads;
:class:`Bridge` turns each call into a message posted to the cockpit screen (``post_message`` is
thread-safe and never waits), so every report is handled on the event loop, in the order the
session made it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

from kickoff_tui.core.session import Delta, Job, Listener, PresenceInfo

if TYPE_CHECKING:
    from textual.message_pump import MessagePump


class SessionMessage(Message):
    """Base of the session's reports (a screen handles ``on_session_*``)."""

    bubble = False


@dataclass
class SessionDone(SessionMessage):
    job: Job
    result: Any


@dataclass
class SessionFailed(SessionMessage):
    job: Job
    error: BaseException


@dataclass
class SessionChanged(SessionMessage):
    delta: Delta


@dataclass
class SessionStatus(SessionMessage):
    status: str  # opening / online / waiting / offline


@dataclass
class SessionPresence(SessionMessage):
    info: PresenceInfo


@dataclass
class SessionFatal(SessionMessage):
    error: BaseException


class Bridge(Listener):
    def __init__(self, target: MessagePump) -> None:
        self.target = target

    def _post(self, message: Message) -> None:
        self.target.post_message(message)

    def done(self, job: Job, result: Any) -> None:
        self._post(SessionDone(job, result))

    def failed(self, job: Job, exc: BaseException) -> None:
        self._post(SessionFailed(job, exc))

    def changed(self, delta: Delta) -> None:
        self._post(SessionChanged(delta))

    def status(self, status: str) -> None:
        self._post(SessionStatus(status))

    def presence(self, info: PresenceInfo) -> None:
        self._post(SessionPresence(info))

    def fatal(self, exc: BaseException) -> None:
        self._post(SessionFatal(exc))


@dataclass(frozen=True)
class Reply:
    """What a screen wants done on the event loop when its command finished (``Job.tag``)."""

    done: Callable[[Any], None] | None = None
    failed: Callable[[BaseException], bool] | None = None  # True: handled
