"""Cached school pages are only as right as the change log behind them (schools.versions): saves,
deletes and link changes are recorded by signals, but set-based statements send none. Every
`QuerySet.update()`, `bulk_create()`, `bulk_update()` and raw cursor in the apps must record its
change in the same function, or be listed here with the reason it changes nothing a school page
shows (or that something beside it records the change)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("schools", "portfolios", "validation", "insight")
RECORDERS = {"changed", "changing", "changed_everywhere"}
SET_BASED = {"update", "bulk_create", "bulk_update", "cursor"}

# (file, function): why it needs no call of its own.
EXEMPT = {
    ("schools/versions/log.py", "*"): "the change log itself, and the versions read from it",
    ("schools/forms.py", "add_inspection_fields"): "a dictionary's update (a field's error messages)",
    ("schools/returns/forms.py", "__init__"): "a dictionary's update (a field's error messages)",
    ("insight/management/commands/seed_demo_insight.py", "*"): "demonstration data for insight's own pages",
    ("schools/returns/services.py", "_write_version"): "the ReturnVersion created first records the change",
    ("schools/returns/services.py", "return_correct"): "_write_version creates the new version: recorded",
    ("portfolios/exemplars/services.py", "consent_record"): "consent.save() in the same transaction records it",
    ("portfolios/jobs.py", "evidence_sweep_staleness"): (
        "stale_since and expiring_flagged_on are shown on validators' pages and in digests only; school "
        "pages tell an item's age from stale_from and the day, which is in every cached page's key"
    ),
    ("portfolios/services.py", "application_transition"): "locked.save() in the same transaction records it",
    ("portfolios/services.py", "check"): "the checks run inside application_transition, whose save records it",
    ("portfolios/surveys/services.py", "response_submit"): "the SurveyResponse created first records it",
    ("portfolios/surveys/demo.py", "_answers"): "demonstration data, loaded before anyone has a page to cache",
    ("portfolios/guidance/services.py", "guidance_publish"): (
        "the GuidanceVersion created first belongs to no school: a change to every school's pages"
    ),
    ("validation/awards_jobs.py", "awards_needing_a_reminder"): "reads only",
    ("validation/page_versions.py", "of_meeting"): "reads only (a meeting page's version)",
    ("validation/awards_jobs.py", "awards_lapse"): (
        "an award lapses only once its expiry date has passed, when the one rule for a current award "
        "(Award.current_on_q: expiring after the day, the day being in every cached page's key) already "
        "reads it as not current"
    ),
    ("validation/views.py", "calendar"): "when a feed was last fetched is shown on no school page",
    ("validation/management/demo_training.py", "*"): "demonstration data, loaded before anyone views a page",
    ("validation/management/commands/seed_bench.py", "*"): "fills an empty benchmark database (no versions yet)",
    ("validation/management/commands/seed_demo.py", "*"): "demonstration data, loaded before anyone views a page",
    ("insight/board_report/services.py", "*"): "board reports are insight's own: no school page shows them",
    ("insight/indicators/services.py", "*"): "indicators are insight's own: no school page shows them",
    ("insight/privacy/schedule.py", "sweep"): "a retention run's own status: no school page shows it",
}


def _modules():
    for app_name in APPS:
        for path in sorted((ROOT / app_name).rglob("*.py")):
            if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                yield path


def _is_set_based(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in SET_BASED:
        return False
    if func.attr == "update":  # QuerySet.update takes keywords only; dict.update/hash.update a value
        return not call.args and bool(call.keywords)
    return True


def _records(function: ast.AST) -> bool:
    """The function calls `versions.changed(...)`, `versions.changed_everywhere()` or enters
    `with versions.changing(...)` (named through the module, so no other `changed` counts)."""
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in RECORDERS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "versions"
        ):
            return True
    return False


def _unrecorded():
    found, missing = 0, []
    for path in _modules():
        relative = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text())
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        for function in functions:
            calls = [
                n
                for n in ast.walk(function)
                if isinstance(n, ast.Call) and _is_set_based(n) and _innermost(functions, n) is function
            ]
            if not calls:
                continue
            found += len(calls)
            if (relative, function.name) in EXEMPT or (relative, "*") in EXEMPT or _records(function):
                continue
            missing.append(f"{relative}: {function.name} (line {calls[0].lineno})")
    return found, missing


def _innermost(functions, node):
    """The innermost function containing `node`."""
    best = None
    for function in functions:
        if function.lineno <= node.lineno <= function.end_lineno and (best is None or function.lineno > best.lineno):
            best = function
    return best


def test_every_set_based_write_records_its_change_or_says_why_not():
    found, missing = _unrecorded()
    assert found >= 20  # the scan sees the statements (a broken scan finds none and passes nothing)
    assert missing == [], (
        "Record these statements' changes: `with versions.changing(queryset):` around the statement, or "
        "versions.changed(school_ids) after it; or add them to EXEMPT with the reason: " + "; ".join(missing)
    )


def test_the_exemptions_name_functions_that_exist():
    """An exemption outliving its function would hide a new one of the same name elsewhere."""
    for (relative, function), _reason in EXEMPT.items():
        path = ROOT / relative
        assert path.exists(), relative
        if function != "*":
            names = {n.name for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.FunctionDef)}
            assert function in names, f"{relative}: {function}"
