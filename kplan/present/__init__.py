"""What people read: summaries, glyphs, terminal text, exports and page templates.

Modules here turn plans that are already loaded into words, marks and pages. They
hold no SQL and import no Textual: the CLI and the TUI both draw on this layer,
and the store never imports it.
"""
