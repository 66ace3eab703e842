"""The session's reports as Textual messages: the bridge between its threads and the screen.

:class:`MeetingSession` calls a :class:`~kickoff_tui.core.session.Listener` on its own threads;
:class:`Bridge` turns each call into a message posted to the cockpit screen (``post_message`` is
thread-safe and never waits), so every report is handled on the event loop, in the order the
session made it. (Plain classes, not dataclasses: they load with the first frame.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from textual.message import Message

from kickoff_tui.core.session import Delta, Job, Listener, PresenceInfo

if TYPE_CHECKING:
    from textual.message_pump import MessagePump


class SessionMessage(Message):
    """Base of the session's reports (a screen handles ``on_session_*``)."""

    bubble = False


class SessionDone(SessionMessage):
    def __init__(self, job: Job, result: Any) -> None:
        super().__init__()
        self.job, self.result = job, result


class SessionFailed(SessionMessage):
    def __init__(self, job: Job, error: BaseException) -> None:
        super().__init__()
        self.job, self.error = job, error


class SessionChanged(SessionMessage):
    def __init__(self, delta: Delta) -> None:
        super().__init__()
        self.delta = delta


class SessionStatus(SessionMessage):
    def __init__(self, status: str) -> None:  # opening / online / waiting / offline
        super().__init__()
        self.status = status


class SessionPresence(SessionMessage):
    def __init__(self, info: PresenceInfo) -> None:
        super().__init__()
        self.info = info


class SessionFatal(SessionMessage):
    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


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


class Reply(NamedTuple):
    """What a screen wants done on the event loop when its command finished (``Job.tag``)."""

    done: Callable[[Any], None] | None = None
    failed: Callable[[BaseException], bool] | None = None  # True: handled
