"""The locks match the lists: every package pinned in requirements.txt (runtime) and
requirements-dev.txt is in its lock at the same version, with hashes; production's lock holds no
development tool. After changing a list, `make lock`."""

import re
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;#]+)")


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path):
    found = {}
    for line in (BASE_DIR / path).read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found[normalise(match.group(1))] = match.group(2)
    return found


@pytest.mark.parametrize(
    "listing, lock", [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")]
)
def test_every_pin_is_locked_at_the_same_version_with_hashes(listing, lock):
    wanted = pins(listing)
    if listing == "requirements-dev.txt":
        wanted |= pins("requirements.txt")
    locked = pins(lock)
    stale = {name: (version, locked.get(name)) for name, version in wanted.items() if locked.get(name) != version}
    assert not stale, f"{lock} is out of date (run `make lock`): {stale}"
    text = (BASE_DIR / lock).read_text()
    assert text.count("--hash=sha256:") >= len(locked)


def test_production_installs_no_development_tools():
    locked = pins("requirements.lock")
    for tool in ("pytest", "playwright", "moto", "flask", "ruff", "factory-boy", "honcho", "pip-audit"):
        assert tool not in locked, tool
