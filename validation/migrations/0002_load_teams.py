from django.db import migrations

TEAMS = [
    ("Health & Wellbeing", "health-wellbeing"),
    ("Promoting BME Achievement", "bme-achievement"),
    ("SEND", "send"),
    ("School Governance", "school-governance"),
    ("School Effectiveness Advisers", "school-effectiveness"),
]


def load_teams(apps, schema_editor):
    Team = apps.get_model("validation", "Team")
    for name, slug in TEAMS:
        Team.objects.update_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("validation", "0001_initial")]

    operations = [migrations.RunPython(load_teams, migrations.RunPython.noop)]
