"""The coordinators' keyboard console (Textual).

Screens read and change data only through :mod:`plc_console.services`, in thread
workers; :func:`plc_console.tui.app.make_app` builds the App for the CLI and the tests.
"""
