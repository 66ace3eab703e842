"""Drafts of the capture line: what is typed survives a killed terminal.

A draft is the line's kind, text and cursor (and, for an edit, the item's id and the version
it was read at). It is kept in a small JSON file per terminal, in this user's state directory,
not in the store: the store may be a PostgreSQL server on the other side of a train's Wi-Fi,
and a draft must be written even while the store cannot answer. One file per meeting, role
(``kickoff run`` and ``kickoff join`` each have their own) and store; two terminals opened with
the same three take different slots, held by an advisory lock the OS drops when a process dies,
so a restarted terminal gets back the draft of the one that was killed.

Besides the line, the file keeps lines that were taken off it with Enter but whose save has not
landed yet (a cockpit that queues saves while the store is slow): they are offered back too,
since nobody can tell whether a save still in the queue when the process died ever committed.

Writing never blocks the caller: :meth:`DraftBox.put` only hands the newest draft to a
background thread, which writes at most every ``MIN_GAP_S`` (so at least that often while
typing, and right after the last key). Each write is atomic (``files.write_atomic``: a temporary
file in the same folder, fsync, rename, mode 0600) — a reader or a crash sees the old draft or
the new one, never half of one. No Textual here.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kickoff_tui.core.errors import KickoffError
from kickoff_tui.core.locations import state_dir

if sys.platform != "win32":  # elsewhere every terminal of a meeting and role shares one slot
    import fcntl

#: At most one write per this many seconds (a few a second); the newest draft always wins.
MIN_GAP_S = 0.25
#: How many terminals of one meeting, role and store keep separate drafts on one machine.
SLOTS = 8
FORMAT = 2


@dataclass(frozen=True)
class Draft:
    kind: str  # '' = any kind (chosen by the first word), 'action', ..., 'answer'
    text: str
    cursor: int = 0
    item_id: int | None = None  # an edit in progress: the item ...
    version: int | None = None  # ... and the version the edit started from
    target: dict[str, Any] | None = None  # an answer: whose answer to which question

    @property
    def is_edit(self) -> bool:
        return self.item_id is not None


@dataclass(frozen=True)
class EditRef:
    """The item a restored edit is of: what saving an edit reads (its id, and the version the
    edit started from, so a newer save by someone else shows as a conflict). Plain data: the
    screen can hold it without loading the database models."""

    id: int
    version: int
    kind: str


@dataclass(frozen=True)
class Kept:
    """Everything a terminal keeps: the line, and lines taken off it whose save has not landed."""

    line: Draft | None = None
    queued: tuple[Draft, ...] = ()

    def __bool__(self) -> bool:
        return self.line is not None or bool(self.queued)


def _safe(part: str, limit: int = 40) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", part)[:limit] or "_"


def without_password(url: str) -> str:
    """``url`` without a password, so a draft file never holds one (nor a hash of one)."""
    head, sep, rest = url.partition("://")
    if not sep:
        return url
    netloc, slash, path = rest.partition("/")
    if "@" in netloc:
        auth, _, host = netloc.rpartition("@")
        netloc = auth.split(":", 1)[0] + "@" + host
    return head + sep + netloc + slash + path


def draft_stem(url: str, meeting_id: str, role: str) -> str:
    """The file name (without slot and suffix) of one meeting's, role's and store's draft."""
    digest = hashlib.sha256(without_password(url).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{_safe(meeting_id)}.{_safe(role)}.{digest[:12]}"


def drafts_dir() -> Path:
    return state_dir() / "drafts"


class DraftBox:
    """One terminal's draft file, and the thread that writes it."""

    def __init__(
        self,
        url: str,
        meeting_id: str,
        role: str,
        folder: Path | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.meeting_id, self.role, self.store = meeting_id, role, without_password(url)
        self.folder = folder or drafts_dir()
        self.on_error = on_error
        self.error: str | None = None
        self._stem = draft_stem(url, meeting_id, role)
        self._lock_fd: int | None = None
        self.slot = 1
        self._cond = threading.Condition()
        self._kept = Kept()  # the newest state handed over by the UI
        self._pending: Kept | object = _NOTHING  # what the writer still has to write
        self._written: Kept | object = _NOTHING  # what the file holds (as we know it)
        self._busy = False
        self._closing = False
        self._thread: threading.Thread | None = None
        self._last_write = 0.0
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._take_slot()
            self._sweep()
        except OSError as exc:
            self._fail(exc)

    # -- where ------------------------------------------------------------------------------
    def _name(self, slot: int) -> str:
        return self._stem if slot == 1 else f"{self._stem}-{slot}"

    @property
    def path(self) -> Path:
        return self.folder / (self._name(self.slot) + ".json")

    def _take_slot(self) -> None:
        """The lowest free slot holding a draft (one left by a killed terminal), else the
        lowest free slot. A slot is held by ``flock`` on its lock file while this box is open."""
        if sys.platform == "win32":  # pragma: no cover
            return
        has_draft = [n for n in range(1, SLOTS + 1) if self._exists(n)]
        for n in [*has_draft, *range(1, SLOTS + 1)]:
            fd = os.open(self.folder / (self._name(n) + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            self._lock_fd, self.slot = fd, n
            return
        raise OSError(f"more than {SLOTS} terminals keep drafts for this meeting and role")

    def _exists(self, slot: int) -> bool:
        return (self.folder / (self._name(slot) + ".json")).exists()

    def _sweep(self) -> None:
        """Remove temporary files a killed writer of this slot left behind (we hold its lock)."""
        for tmp in self.folder.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()

    # -- read -------------------------------------------------------------------------------
    def load(self) -> Draft | None:
        """The line left by the last terminal in this slot, or None."""
        return self.load_all().line

    def load_all(self) -> Kept:
        """What the last terminal in this slot left: its line, and lines whose save had not
        landed. An unreadable file is reported through ``error`` and left in place until the
        next draft replaces it. What is loaded is also what this box now keeps."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Kept()
        except OSError as exc:
            self._fail(exc)
            return Kept()
        import json  # (here: not before the first frame, which only needs to know there is none)

        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT or data.get("meeting") != self.meeting_id:
                return Kept()
            line = _draft(data["line"]) if data.get("line") else None
            kept = Kept(line, tuple(_draft(d) for d in data.get("queued") or ()))
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            self._fail(OSError(f"unreadable draft {self.path}: {exc}"))
            return Kept()
        with self._cond:
            self._kept = self._written = kept
        return kept

    # -- write ------------------------------------------------------------------------------
    def put(self, draft: Draft | None) -> None:
        """Keep ``draft`` as the line (None: clear it). Returns at once; the writer thread does
        the I/O."""
        if draft is not None and not draft.text.strip():
            draft = None
        with self._cond:
            self._hand_over(replace(self._kept, line=draft))

    def put_queued(self, queued: tuple[Draft, ...]) -> None:
        """Keep these lines taken off the line whose saves have not landed (() : none)."""
        with self._cond:
            self._hand_over(replace(self._kept, queued=tuple(queued)))

    def _hand_over(self, kept: Kept) -> None:  # with self._cond held
        if self._closing:
            return
        self._kept = self._pending = kept
        self._cond.notify_all()
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"draft-writer-{self._stem}", daemon=True
            )
            self._thread.start()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything put so far is on disk (tests, and closing)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending is not _NOTHING or self._busy:
                left = deadline - time.monotonic()
                if left <= 0 or self._thread is None:
                    return False
                self._cond.wait(left)
        return True

    def close(self, timeout: float = 2.0) -> None:
        """Write what is pending, stop the thread, give the slot back. The draft stays."""
        self.flush(timeout)
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is _NOTHING and not self._closing:
                    self._cond.wait()
                if self._pending is _NOTHING:
                    return  # closing, nothing left to write
                # A few writes a second at most; a clear goes at once.
                while self._pending and not self._closing:
                    left = self._last_write + MIN_GAP_S - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                kept, self._pending = self._pending, _NOTHING
                self._busy = True
            try:
                if kept != self._written:
                    self._write(kept)  # type: ignore[arg-type]
                    self._written = kept
            except (OSError, KickoffError) as exc:  # a full disk, a link at the path...
                self._fail(exc)
            finally:
                self._last_write = time.monotonic()
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _write(self, kept: Kept) -> None:
        if not kept:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            return
        body = {
            "format": FORMAT,
            "meeting": self.meeting_id,
            "role": self.role,
            "store": self.store,
            "saved_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "line": asdict(kept.line) if kept.line is not None else None,
            "queued": [asdict(d) for d in kept.queued],
        }
        import json

        from kickoff_tui.core.files import write_atomic  # (in the writer thread)

        data = json.dumps(body, indent=1).encode("ascii")  # ASCII: any string round-trips
        write_atomic(self.path, data)  # temp file, fsync, rename, 0600; stale temps swept

    def _fail(self, exc: Exception) -> None:
        message = f"drafts cannot be saved: {exc}"
        first = self.error is None
        self.error = message
        if first and self.on_error is not None:
            self.on_error(message)


_NOTHING = object()
_FIELDS = ("kind", "text", "cursor", "item_id", "version", "target")


def _draft(data: dict[str, Any]) -> Draft:
    draft = Draft(**{k: data[k] for k in _FIELDS if k in data})
    if not isinstance(draft.kind, str) or not isinstance(draft.text, str):
        raise TypeError("kind and text must be strings")
    for name in ("item_id", "version"):
        if getattr(draft, name) is not None and not isinstance(getattr(draft, name), int):
            raise TypeError(f"{name} must be a number")
    cursor = draft.cursor if isinstance(draft.cursor, int) else len(draft.text)
    return replace(draft, cursor=max(0, min(cursor, len(draft.text))))
