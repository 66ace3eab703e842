"""The one boundary every user string passes before it is stored, and again before it leaves.

Text reaches kickoff from the capture line, command-line arguments, stdin, agenda templates and
(later) handoff files. The core's write functions call :func:`clean` on every text field, so
whatever the entry path, what is stored is:

* valid Unicode: invalid UTF-8 is **refused** with one line naming where it is (stdin: the line
  number; :func:`decode_input`), because guessing an encoding would store the wrong words;
* free of control characters: terminal escape sequences (``ESC [ 31 m``, ``ESC ] 0;title BEL``,
  their C1 forms) are **removed whole**, then every other C0/C1 control character and DEL is
  removed; a byte-order mark is dropped; a tab becomes a space; line and paragraph separators
  become a space (or a newline in multi-line notes);
* NFC-normalised, so ``é`` typed two ways is one string (search, owner matching, de-duplication);
* within a length limit: :data:`LINE_LIMIT` characters on one line, :data:`NOTE_LIMIT` for the
  running notes, which alone keep their newlines.

Why remove rather than refuse control characters: they arrive by accident, with text pasted from
a coloured terminal, a PDF or a chat window, and nobody means them as content. Refusing would
cost a note-taker the whole line in the middle of a call over an invisible byte; removing keeps
every visible word. Invalid UTF-8 and an over-long line are different: there the words
themselves cannot be kept as meant, so they are refused and nothing is saved.

The exports (core/export/pack.py) call :func:`scrub`, the never-failing form, on every string
they render, so rows stored by older versions cannot carry a control byte into a file either.

Fast on purpose: the capture path is timed, and clean text (nearly all of it) costs one regular
expression search and, for non-ASCII text, one normalisation check.
"""

from __future__ import annotations

import re
import unicodedata

from kickoff_tui.core.errors import TextError

#: Longest text on one line (an item, a name, an answer, a template title), in characters.
LINE_LIMIT = 2_000
#: Longest running note of one block (multi-line), in characters.
NOTE_LIMIT = 100_000

# Anything that needs a closer look: C0 (tab and newlines included), DEL, C1, the BOM, the
# Unicode line/paragraph separators and lone surrogates (undecodable bytes from the shell).
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029\ud800-\udfff]")
_SUSPECT_MULTILINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")

# ECMA-48 sequences, removed whole so no "[31m" is left behind:
#   CSI (ESC [ or C1 0x9b) parameters, intermediates, final byte;
#   OSC, DCS, SOS, PM, APC strings up to BEL or ST (only when terminated: an unterminated one
#   loses just its introducer, never the words after it);
#   ESC with intermediates and a final byte (ESC ( B, ESC # 8).
# A lone ESC goes on its own (with _CONTROL below): the letter after it may be a word's.
_SEQUENCE = re.compile(
    "(?:\x1b\\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
    "|(?:\x1b[\\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\\\|\x9c)"
    "|\x1b[\x21-\x2f]+[\x30-\x7e]"
)
# What is left to drop after the sequences: every C0 except tab and the line ends, DEL, C1, BOM.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
_NEWLINES = re.compile("\r\n?|[\u2028\u2029]")


def _undecodable(s: str) -> str:
    """Where the first lone surrogate is, in words (``byte 0xff``) for the error line."""
    found = _SURROGATE.search(s)
    assert found is not None
    code = ord(found.group())
    where = f"character {found.start() + 1}"
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, smuggled in by surrogateescape
        return f"byte 0x{code - 0xDC00:02x} at {where}"
    return f"an unpaired surrogate U+{code:04X} at {where}"


def _remove_controls(s: str, multiline: bool) -> str:
    s = _SEQUENCE.sub("", s)
    s = _CONTROL.sub("", s)
    s = _NEWLINES.sub("\n", s).replace("\t", " ")
    return s if multiline else s.replace("\n", " ")


def clean(
    s: str, *, field: str = "the text", multiline: bool = False, limit: int | None = None
) -> str:
    """``s`` as it may be stored (see the module doc); raise :class:`TextError` naming ``field``
    when it is not valid UTF-8 or longer than the limit. Idempotent; leading and trailing
    spaces are the caller's business."""
    found = (_SUSPECT_MULTILINE if multiline else _SUSPECT).search(s)
    if found is not None:
        if _SURROGATE.search(s, found.start()):
            raise TextError(
                f"{field} is not valid UTF-8 ({_undecodable(s)}) — retype it, or convert the "
                "input to UTF-8 (e.g. iconv -t utf-8); nothing was saved"
            )
        s = _remove_controls(s, multiline)
    if not s.isascii() and not unicodedata.is_normalized("NFC", s):
        s = unicodedata.normalize("NFC", s)
    most = limit if limit is not None else NOTE_LIMIT if multiline else LINE_LIMIT
    if len(s) > most:
        where = "" if multiline else " on one line"
        raise TextError(
            f"{field} is {len(s):,} characters — at most {most:,}{where}; shorten it or split "
            "it in two; nothing was saved"
        )
    return s


def clean_opt(s: str | None, *, field: str, multiline: bool = False) -> str | None:
    """:func:`clean` for an optional field (None stays None)."""
    return None if s is None else clean(s, field=field, multiline=multiline)


def scrub(s: str, *, multiline: bool = True) -> str:
    """``s`` without control characters, for output: like :func:`clean` but it never refuses
    (an unpaired surrogate becomes U+FFFD, no length limit). For rows stored before
    :func:`clean` existed, and for text echoed back in messages."""
    if (_SUSPECT_MULTILINE if multiline else _SUSPECT).search(s) is None:
        return s
    return _remove_controls(_SURROGATE.sub("\ufffd", s), multiline)


# Rendered output keeps its line ends (CRLF in CSV and iCalendar) and nothing else below 0x20.
_OUTPUT_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ud800-\udfff]")


def scrub_output(s: str) -> str:
    """A rendered export without a control character: LF and CR (line ends) stay, a tab becomes
    a space, the rest goes (an unpaired surrogate becomes U+FFFD). The last guard of the exports,
    after :func:`scrub` has cleaned every field they were rendered from."""
    if _OUTPUT_CONTROL.search(s) is None and "\t" not in s:
        return s
    s = _SURROGATE.sub("\ufffd", s)
    return _OUTPUT_CONTROL.sub("", _SEQUENCE.sub("", s)).replace("\t", " ")


def as_stored(s: str, *, multiline: bool = False) -> str:
    """What :func:`clean` would store for ``s``, without its refusals: a screen compares its own
    text with the store's through this, so a pasted tab saved as a space is not a change."""
    s = scrub(s, multiline=multiline)
    return s if s.isascii() else unicodedata.normalize("NFC", s)


def has_controls(s: str, *, multiline: bool = True) -> bool:
    """Whether :func:`scrub` would change ``s`` (cheap; for the exports' fast path)."""
    return (_SUSPECT_MULTILINE if multiline else _SUSPECT).search(s) is not None


def decode_input(data: bytes, *, source: str = "stdin") -> str:
    """Bytes read from stdin or a file as text, or :class:`TextError` naming the line (and byte)
    that is not UTF-8. A leading byte-order mark is dropped; nothing else is changed here."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise TextError(
            f"{source} line {line} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte "
            f"{column} of the line) — convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8); "
            "nothing was saved"
        ) from None
    return text.removeprefix("\ufeff")


def input_lines(data: bytes, *, source: str = "stdin") -> list[str]:
    """:func:`decode_input`, split at line feeds only (CRLF accepted), so line numbers in
    messages are the ones an editor shows: ``str.splitlines`` would also split at form feeds,
    NEL and the Unicode separators, which :func:`clean` removes instead."""
    text = decode_input(data, source=source)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]
