"""The home page is made of panels, one per role a person holds.

Each app registers a function `panel(user) -> Panel | None` in its AppConfig.ready(), so the core
app shows school, validator and admin work without importing those apps.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(user) -> list[Panel]:
    panels = [panel for panel in (provider(user) for provider in _providers) if panel is not None]
    return sorted(panels, key=lambda p: p.order)
