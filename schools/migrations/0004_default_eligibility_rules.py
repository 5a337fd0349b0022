"""The five Ofsted frameworks' default eligibility rules (docs/decisions.md). Admins may edit them."""

import datetime

from django.db import migrations

GRADES_2009 = [["1", "Outstanding"], ["2", "Good"], ["3", "Satisfactory"], ["4", "Inadequate"]]
GRADES = [["1", "Outstanding"], ["2", "Good"], ["3", "Requires improvement"], ["4", "Inadequate"]]
REPORT_CARD = [
    ["exceptional", "Exceptional"],
    ["strong", "Strong standard"],
    ["expected", "Expected standard"],
    ["needs_attention", "Needs attention"],
    ["urgent_improvement", "Urgent improvement"],
]

DEFAULTS = [
    {
        "framework": "ofsted-2009",
        "name": "Ofsted 2009 framework",
        "in_force_from": datetime.date(2009, 9, 1),
        "in_force_until": datetime.date(2011, 12, 31),
        "judgement": "The extent to which pupils feel safe",
        "values": GRADES_2009,
        "passing_values": ["1", "2"],
        "records_safeguarding": False,
    },
    {
        "framework": "ofsted-2012",
        "name": "Ofsted 2012 framework",
        "in_force_from": datetime.date(2012, 1, 1),
        "in_force_until": datetime.date(2015, 8, 31),
        "judgement": "Behaviour and safety of pupils",
        "values": GRADES,
        "passing_values": ["1", "2"],
        "records_safeguarding": False,
    },
    {
        "framework": "ofsted-2015",
        "name": "Common inspection framework (September 2015)",
        "in_force_from": datetime.date(2015, 9, 1),
        "in_force_until": datetime.date(2019, 8, 31),
        "judgement": "Personal development, behaviour and welfare",
        "values": GRADES,
        "passing_values": ["1", "2"],
        "records_safeguarding": False,
    },
    {
        "framework": "ofsted-2019",
        "name": "Education inspection framework (September 2019)",
        "in_force_from": datetime.date(2019, 9, 1),
        "in_force_until": datetime.date(2025, 11, 9),
        "judgement": "Behaviour and attitudes",
        "values": GRADES,
        "passing_values": ["1", "2"],
        "records_safeguarding": False,
    },
    {
        "framework": "ofsted-2025",
        "name": "Report cards (November 2025)",
        "in_force_from": datetime.date(2025, 11, 10),
        "in_force_until": None,
        "judgement": "Attendance and behaviour",
        "values": REPORT_CARD,
        "passing_values": ["exceptional", "strong", "expected"],
        "records_safeguarding": True,
    },
]


def add_defaults(apps, schema_editor):
    EligibilityRule = apps.get_model("schools", "EligibilityRule")
    for spec in DEFAULTS:
        EligibilityRule.objects.get_or_create(framework=spec["framework"], defaults=spec)


def remove_defaults(apps, schema_editor):
    EligibilityRule = apps.get_model("schools", "EligibilityRule")
    EligibilityRule.objects.filter(framework__in=[spec["framework"] for spec in DEFAULTS], inspections=None).delete()


class Migration(migrations.Migration):
    dependencies = [("schools", "0003_inspections_eligibility_rules_welcome_pack")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
