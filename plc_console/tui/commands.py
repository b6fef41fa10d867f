"""The command palette (ctrl+p): every key of the current screen, and "go to request".

Commands are not listed twice: the palette reads the screen's active bindings (the same
ones the footer and the help window show, translated), so a new key is in the palette
the moment it exists. Request numbers are looked up in a thread, never on the UI thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from plc_console.services.lookup import RequestHit, lookup_requests

if TYPE_CHECKING:
    from plc_console.tui.app import PlcApp

#: Actions the palette leaves out: moving a cursor means nothing without the keys.
_NOT_COMMANDS = ("go(", "command_palette")


class ScreenCommands(Provider):
    """The current screen's actions, named as in the footer and explained as in help."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        seen: set[tuple[int, str]] = set()
        commands: list[tuple[str, str, Callable[[], object]]] = []
        for active in self.screen.active_bindings.values():
            binding, node = active.binding, active.node
            if binding.id is None or not active.enabled or binding.action.startswith(_NOT_COMMANDS):
                continue
            if (id(node), binding.action) in seen:
                continue
            seen.add((id(node), binding.action))
            keys = self.app.get_key_display(binding)
            title = f"{binding.description} ({keys})"
            run = partial(self.app.run_action, binding.action, node)
            commands.append((title, binding.tooltip or binding.description, run))
        return commands

    async def discover(self) -> Hits:
        for title, help_text, run in self._commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)


class GoToRequest(Provider):
    """Type a request's number (or its last digits) to open it."""

    @property
    def _app(self) -> PlcApp:
        from plc_console.tui.app import PlcApp

        assert isinstance(self.app, PlcApp)
        return self.app

    async def discover(self) -> Hits:
        app = self._app
        yield DiscoveryHit(app.t("palette.goto_hint"), app.bell, help=app.t("palette.goto_help"))

    async def search(self, query: str) -> Hits:
        app = self._app
        if not any(ch.isdigit() for ch in query):
            return
        hits = await asyncio.to_thread(self._lookup, query)
        for rank, hit in enumerate(hits):
            title = app.t("palette.goto", number=hit.number, requester=hit.requester)
            help_text = f"{app.t.label(hit.stage)} · {hit.first_line}"
            # Exact-number hits come first from the lookup; keep its order above commands.
            yield Hit(1.0 - rank / 100, title, partial(app.open_request, hit.id), help=help_text)

    def _lookup(self, query: str) -> list[RequestHit]:
        with self._app.sessions() as session:
            return lookup_requests(session, query)
