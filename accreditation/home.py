"""The home page is made of panels, one per role a person holds, and the header's navigation of
links each app offers.

Each app registers a function `panel(user) -> Panel | None` (and `nav(user) -> list[NavItem]`) in
its AppConfig.ready(), so the core app shows school, validator and admin work without importing
those apps.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


@dataclass
class NavItem:
    label: str
    url: str
    order: int = 50


_providers: list[Callable] = []
_nav_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(user) -> list[Panel]:
    panels = [panel for panel in (provider(user) for provider in _providers) if panel is not None]
    return sorted(panels, key=lambda p: p.order)


def register_nav(provider: Callable) -> Callable:
    """`provider(user) -> list[NavItem]`: links for the service navigation bar."""
    if provider not in _nav_providers:
        _nav_providers.append(provider)
    return provider


def nav_for(user) -> list[NavItem]:
    items = [item for provider in _nav_providers for item in provider(user)]
    return sorted(items, key=lambda item: item.order)


@dataclass
class PageLink:
    """A link a higher app offers on a lower app's page (so the lower app never names it)."""

    label: str
    url: str
    description: str = ""
    order: int = 50


_page_links: dict[str, list[Callable]] = {}


def register_page_links(page: str, provider: Callable) -> Callable:
    """`provider(user) -> list[PageLink]`, shown on `page`: "scheme_admin" (the scheme admin page)
    or "admin_home" (the H&W admins' home panel)."""
    providers = _page_links.setdefault(page, [])
    if provider not in providers:
        providers.append(provider)
    return provider


def page_links_for(page: str, user) -> list[PageLink]:
    links = [link for provider in _page_links.get(page, []) for link in provider(user)]
    return sorted(links, key=lambda link: link.order)
