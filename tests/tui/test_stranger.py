"""The TUI started as someone who is not a person of the plan says so, once, at start."""

from __future__ import annotations

import asyncio
from pathlib import Path

from kplan.tui.app import KplanApp
from tests.tui.fixed_app import make_app, wait_for_plan, wait_until


def notices(actor: str, store: Path) -> list[tuple[str, str]]:
    """The notifications the TUI shows at start as ``actor``, and after a refresh."""
    app: KplanApp = make_app(store, actor)
    found: list[tuple[str, str]] = []

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for_plan(pilot)
            if actor != "sforsberg":
                await wait_until(pilot, lambda: app._notifications, what="the warning")
            # A second load of the plan (another person's import, say) says nothing new.
            assert app.plan is not None
            app._plan_arrived(app.plan)
            await pilot.pause()
            found.extend((str(n.message), str(n.severity)) for n in app._notifications)

    asyncio.run(main())
    return found


def test_a_mistyped_name_gets_a_warning_with_the_closest_person(orebro_store: Path) -> None:
    assert notices("sfosberg", orebro_store) == [
        (
            "sfosberg is not a person of plan orebro-kompetens; did you mean sforsberg?",
            "warning",
        )
    ]


def test_a_person_of_the_plan_gets_none(orebro_store: Path) -> None:
    assert notices("sforsberg", orebro_store) == []
