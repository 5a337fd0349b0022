# A person may now belong to several schools, once each. Existing rows hold one membership per
# person, so they already satisfy (user, school): the new constraint is added before the old one
# is dropped, so the table is never without a uniqueness rule.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0009_schedule_commitment_reminders"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(fields=("user", "school"), name="membership_one_per_user_and_school"),
        ),
        migrations.RemoveConstraint(
            model_name="membership",
            name="membership_one_school_per_user",
        ),
    ]
