from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0019_attendance_per_meeting"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="completionrecord",
            index=models.Index(
                condition=models.Q(("passed", True)),
                fields=["civil_servant", "program", "completion_date"],
                name="completion_passed_cover",
            ),
        ),
    ]
