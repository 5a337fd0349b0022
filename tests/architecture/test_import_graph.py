"""The house's dependency rules, read from the source: every import between apps points down
(accreditation <- schools <- portfolios <- validation <- insight), and the application modules
import one another without a loop (counting imports inside functions too: a local import hides
a loop, it does not remove it)."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOORS = ["accreditation", "schools", "portfolios", "validation", "insight"]
# The project's wiring lives in the core app's package but sees every app by design.
WIRING = {"accreditation.settings", "accreditation.test_settings", "accreditation.urls", "accreditation.celery"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def application_modules() -> dict[str, Path]:
    modules = {}
    for app in FLOORS:
        for path in (ROOT / app).rglob("*.py"):
            parts = set(path.relative_to(ROOT).parts)
            if not {"tests", "migrations"} & parts:
                modules[_module_name(path)] = path
    return modules


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The application modules `name` imports (`from . import x` counts as importing x)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            source = (base + "." + node.module if node.module else base) if node.level else node.module
            targets = [source] + [f"{source}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


@pytest.fixture(scope="module")
def graph():
    modules = application_modules()
    return {name: imports_of(name, path, set(modules)) for name, path in modules.items()}


def floor(module: str) -> int:
    return FLOORS.index(module.split(".")[0])


def test_imports_between_apps_point_down(graph):
    upward = sorted(
        f"{source} imports {target}"
        for source, targets in graph.items()
        if source not in WIRING
        for target in targets
        if floor(target) > floor(source)
    )
    assert upward == []


def _cycles(graph):
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, result, counter = {}, {}, set(), [], [], [0]

    def visit(start):
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        result.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return result


def test_application_modules_import_without_a_loop(graph):
    assert _cycles({k: v - WIRING for k, v in graph.items() if k not in WIRING}) == []


def test_the_checker_sees_a_loop_and_an_upward_import():
    looped = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}
    assert _cycles(looped) == [["a.x", "a.y", "a.z"]]
    assert floor("schools.views") < floor("insight.views")


def test_templates_link_only_to_their_own_floor_or_below():
    """A lower app's template never names a higher app's URL (higher apps offer links through
    accreditation.home's registries, or schools.returns.uses)."""
    namespaces = {"accounts": "accreditation", **{app: app for app in FLOORS}}
    # The site's public pages the frame links to: the notices in every page's footer (base.html)
    # and registration from the sign-in page. (A registry would remove these; noted in issue 21.)
    site_pages = {"insight:privacy", "insight:accessibility", "schools:register_find"}
    upward = []
    for path in (ROOT / "templates").rglob("*.html"):
        folder = path.relative_to(ROOT / "templates").parts[0]
        owner = folder if folder in FLOORS else "accreditation"
        for namespace, name in re.findall(r"{% url ['\"]([a-z_]+):([a-z_]+)", path.read_text()):
            target = namespaces.get(namespace, owner)
            if floor(target) > floor(owner) and f"{namespace}:{name}" not in site_pages:
                upward.append(f"{path.relative_to(ROOT)} links to {namespace}:")
    assert upward == []


def test_no_test_module_imports_another():
    """Shared test code lives in factories, helpers and conftest, never in another test file: a
    test file imported elsewhere runs its tests twice and hides what the helpers really are."""
    offenders = []
    for path in ROOT.rglob("test_*.py"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                leaf = node.module.rpartition(".")[2]
            elif isinstance(node, ast.Import):
                leaf = node.names[0].name.rpartition(".")[2]
            else:
                continue
            if leaf.startswith("test_") or (
                isinstance(node, ast.ImportFrom) and any(a.name.startswith("test_") for a in node.names)
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
