"""Password reset emails delivered before their content was blanked on delivery: blank it now,
so the database no longer holds their links."""

from django.db import migrations

# The confidential templates when this migration was written (models.CONFIDENTIAL_TEMPLATES may
# grow later; a migration does not follow the code's later versions).
CONFIDENTIAL_TEMPLATES = ["password_reset"]


def forget_sent_confidential_content(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(template__in=CONFIDENTIAL_TEMPLATES, status="sent").update(
        body_text="", body_html="", context={}
    )


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_delivery_details"),
    ]

    operations = [
        migrations.RunPython(forget_sent_confidential_content, migrations.RunPython.noop),
    ]
