"""The jobs: every Celery task is named in its decorator, every scheduled job names a task that
exists, and the README's job table says what the beat schedule does."""

import ast
import re
from pathlib import Path

import pytest
from django_celery_beat.models import PeriodicTask

from accreditation.celery import app

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accreditation", "schools", "portfolios", "validation", "insight")
DAYS = ["Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"]


def _application_modules():
    for app_name in APPS:
        for path in sorted((ROOT / app_name).rglob("*.py")):
            if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                yield path


def _task_decorators(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                if name in {"shared_task", "task"}:
                    yield node.name, decorator


def test_every_celery_task_is_named_in_its_decorator():
    """A task's name is what beat rows and queued messages hold: it must not change when code moves."""
    found, unnamed = 0, []
    for path in _application_modules():
        for function, decorator in _task_decorators(ast.parse(path.read_text())):
            found += 1
            keywords = {k.arg: k.value for k in getattr(decorator, "keywords", [])}
            if not isinstance(keywords.get("name"), ast.Constant):
                unnamed.append(f"{path.relative_to(ROOT)}: {function}")
    assert found >= 10
    assert unnamed == [], "Give these tasks an explicit name=...: " + ", ".join(unnamed)


def _readme_jobs() -> dict[str, str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("### Background jobs", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| (?!job \|)(?!---)([^|]+?) \| ([^|]+?) \|", section, flags=re.M)
    return {name.strip(): when.strip() for name, when in rows}


def _when(job: PeriodicTask) -> str:
    """The schedule as the README writes it: "every 5 minutes", "daily 07:00", "Mondays 07:30"."""
    if job.interval_id:
        return f"every {job.interval.every} {job.interval.period}"
    crontab = job.crontab
    time = f"{int(crontab.hour):02d}:{int(crontab.minute):02d}"
    if crontab.day_of_week == "*":
        return f"daily {time}"
    return f"{DAYS[int(crontab.day_of_week)]} {time}"


@pytest.mark.django_db
def test_readme_job_table_matches_the_beat_schedule():
    scheduled = PeriodicTask.objects.exclude(task__startswith="celery.").select_related("interval", "crontab")
    assert scheduled.count() >= 9
    assert _readme_jobs() == {job.name: _when(job) for job in scheduled}


@pytest.mark.django_db
def test_every_scheduled_job_names_a_registered_task():
    app.loader.import_default_modules()
    tasks = set(PeriodicTask.objects.exclude(task__startswith="celery.").values_list("task", flat=True))
    assert tasks - set(app.tasks) == set()
