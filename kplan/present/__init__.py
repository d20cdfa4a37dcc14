"""What people read: summaries, glyphs, terminal text, exports and page templates.

Modules here turn plans that are already loaded into words, marks and pages:
``summary`` (the ``--json`` shapes), ``glyphs`` and ``labels``, ``terminal``
(the command line's tables and lines), ``exports`` (the export formats, with
``text``, ``html`` and ``templating``) and ``output``, the one module that
writes to the terminal. They hold no SQL and import no Textual: the CLI and
the TUI both draw on this layer, while core and the store never import it.
"""
