"""The twin's terminal UI (Textual): scenario picker, dashboard, card lifecycle trainer, ledger browser.

``twin tui [SCENARIO | RUN_DIR]`` calls :func:`tui.app.run_app`. The modules
beside the screens hold what the screens show, without Textual: the trainer's
session (:mod:`tui.session`), a finished run read back (:mod:`tui.replay`,
:mod:`tui.timeline`), the run gate of a live run (:mod:`tui.pacing`) and a
read-only ledger reader (:mod:`tui.ledgerdb`).
"""
