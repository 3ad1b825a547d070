from django.db import migrations, models


def create_sequences(apps, schema_editor):
    Sequence = apps.get_model("core", "Sequence")
    for name in ("order", "invoice", "credit_note"):
        Sequence.objects.get_or_create(name=name, defaults={"last_value": 0})


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Sequence",
            fields=[
                ("name", models.CharField(max_length=50, primary_key=True, serialize=False)),
                ("last_value", models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_sequences, migrations.RunPython.noop),
    ]
