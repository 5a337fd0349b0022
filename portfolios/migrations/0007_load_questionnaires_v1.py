"""The first version of the four questionnaires (pupils primary and secondary, parents, staff).

Idempotent: a questionnaire already at version 1 is left as it is (admins may have changed it).
"""

from django.db import migrations


def load(apps, schema_editor):
    from portfolios.surveys.content import QUESTIONNAIRES

    Questionnaire = apps.get_model("portfolios", "Questionnaire")
    Question = apps.get_model("portfolios", "Question")
    for spec in QUESTIONNAIRES:
        questionnaire, created = Questionnaire.objects.get_or_create(
            audience=spec["audience"],
            version=1,
            defaults={
                "title": spec["title"],
                "introduction": spec["introduction"],
                "is_current": not Questionnaire.objects.filter(audience=spec["audience"], is_current=True).exists(),
            },
        )
        if not created:
            continue
        for number, question in enumerate(spec["questions"], start=1):
            Question.objects.create(questionnaire=questionnaire, number=number, **question)


class Migration(migrations.Migration):
    dependencies = [("portfolios", "0006_surveys")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
