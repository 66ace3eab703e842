"""The browser front end: a third one beside ``cli`` and ``tui``, over the same core.

``share`` serves the client-safe live page of a record (``kickoff share``); ``serve`` the
note-taker's cockpit through textual-serve (``kickoff serve``); ``guard`` the token and the
read-only rules both servers keep. The share page imports no Textual.
"""
