from django.db import migrations

# The list; admins add more and take types out of use in the portal. Slugs never change.
TYPES = [
    ("racist", "Racist", "Because of race, colour, nationality or ethnic origin."),
    ("religious", "Religious", "Because of religion or belief."),
    ("sexist-sexual", "Sexist or sexual", ""),
    ("homophobic-biphobic-transphobic", "Homophobic, biphobic or transphobic", ""),
    ("disability-sen", "Disability or SEN", "Because of a disability or special educational needs."),
    ("appearance", "Appearance", ""),
    ("cyberbullying", "Cyberbullying", "Online or by phone, where no other type fits better."),
    ("other", "Other", ""),
]


def load(apps, schema_editor):
    IncidentType = apps.get_model("schools", "IncidentType")
    for position, (slug, name, hint) in enumerate(TYPES, start=1):
        IncidentType.objects.get_or_create(slug=slug, defaults={"name": name, "hint": hint, "position": position})


class Migration(migrations.Migration):
    dependencies = [("schools", "0005_incident_returns")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
