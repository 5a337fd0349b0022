"""Demo indicators and a board report (issue 19), relative to the day it runs. Idempotent.

`seed_demo` runs it at the end (by name: nothing imports insight); it can also run on its own.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from insight.board_report import services as report_services
from insight.board_report.models import BoardReport
from insight.indicators import services
from insight.indicators.models import Indicator
from insight.indicators.sources import Period

ADMIN_EMAIL = "hw.admin@example.org"


class Command(BaseCommand):
    help = "Create demo indicators with baselines and targets, and one board report (idempotent)."

    def handle(self, *args, **options):
        admin = get_user_model().objects.filter(email=ADMIN_EMAIL).first()
        if admin is None:
            self.stderr.write("Run seed_demo first: it creates the H&W admin.")
            return
        this_year = Period.containing(timezone.localdate()).year
        with transaction.atomic():
            self.indicators(admin, this_year)
        if not BoardReport.objects.exists():
            with transaction.atomic():
                report = BoardReport.objects.create(
                    title="Demo: report to the Safeguarding Board",
                    period_start=Period(this_year - 1).start,
                    period_end=timezone.localdate(),
                    requested_by=admin,
                    commentary={"training": "Training the Trainers now reaches every district."},
                )
            report_services.board_report_build(report_id=report.pk)
        self.stdout.write(self.style.SUCCESS("Demo indicators and a board report are ready at /indicators/."))

    def indicators(self, admin, this_year):
        specs = [
            ("Schools accredited", "accredited", "", Decimal(20), this_year - 1, True,
             {this_year: 30, this_year + 1: 40}),
            ("Bullying incidents per 1,000 pupils", "incidents_rate", "", None, None, False, {this_year: 20}),
            ("Schools that signed the anti-bullying charter", "commitment", "charter", None, None, True,
             {this_year: 60, this_year + 1: 80}),
            ("Schools with staff trained", "staff_trained", "", None, None, True, {this_year: 25}),
            ("LI2 Children who have experienced bullying", "manual", "", Decimal(35), this_year - 2, False,
             {this_year - 1: 34, this_year: 33}),
        ]  # fmt: skip
        for position, (name, source, parameter, baseline, baseline_year, higher, targets) in enumerate(specs):
            if Indicator.objects.filter(name=name).exists():
                continue
            indicator = services.indicator_save(
                actor=admin, name=name, description="", source=source, parameter=parameter, unit="percentage",
                higher_is_better=higher, baseline_value=baseline, baseline_year=baseline_year,
                lead_officer="Anti-bullying adviser",
            )  # fmt: skip
            Indicator.objects.filter(pk=indicator.pk).update(position=position)
            for year, value in targets.items():
                services.indicator_target_set(indicator=indicator, actor=admin, year=year, value=Decimal(value))
            if source == "manual":
                services.manual_figure_record(
                    indicator=indicator, actor=admin, year=this_year - 1, value=Decimal(45),
                    evidence="Pupil survey (TellUs3 questions): bullied in the last year.",
                )  # fmt: skip
