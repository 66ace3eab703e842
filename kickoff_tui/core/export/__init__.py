"""Exports of the kickoff record: Markdown notes (``markdown``) and, later, the follow-through."""
