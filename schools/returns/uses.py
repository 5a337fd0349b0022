"""What higher apps offer to do with a school's returns, shown on the school's returns page.

Returns sit below portfolios, so they cannot link to it by name: portfolios registers a
function `provider(school) -> Use | None` in its AppConfig.ready(), as accreditation.home's
panels are registered.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Use:
    before: str
    link_text: str
    url: str
    after: str = ""


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def uses_for(school) -> list[Use]:
    return [use for use in (provider(school) for provider in _providers) if use is not None]
