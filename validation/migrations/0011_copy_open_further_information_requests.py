"""Issue 15: portfolios keeps a copy of the open further-information request (what, when asked,
due by) so the school's pages can show it; fill it for requests released before the copy existed."""

from django.db import migrations


def copy_open_requests(apps, schema_editor):
    Decision = apps.get_model("validation", "Decision")
    Application = apps.get_model("portfolios", "Application")
    open_requests = Decision.objects.filter(
        outcome="further_information", released_at__isnull=False, application__state="further_information"
    ).select_related("meeting")
    for decision in open_requests.order_by("released_at"):
        Application.objects.filter(pk=decision.application_id).update(
            information_requested=decision.information_needed,
            information_due_on=decision.information_due_on,
            information_requested_on=decision.meeting.date,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("validation", "0010_award_withdrawal_renewal_start_certificate_settings"),
        ("portfolios", "0014_application_information_request"),
    ]

    operations = [migrations.RunPython(copy_open_requests, migrations.RunPython.noop)]
