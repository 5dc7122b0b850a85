"""The four places of DESIGN.md, the HR staff group and the 2026 holidays."""

from django.db import migrations

PLACES = [
    # name, slug, level, parent city, province, BPS code, zone, certificate template
    ("Mulyorejo", "mulyorejo", "kecamatan", "Kota Surabaya", "Jawa Timur", "35.78.26",
     "Asia/Jakarta", "{seq:03d}/BKPSDM-SBY/MLY/{year}"),
    ("Asemrowo", "asemrowo", "kecamatan", "Kota Surabaya", "Jawa Timur", "35.78.28",
     "Asia/Jakarta", "{seq:03d}/BKPSDM-SBY/ASM/{year}"),
    ("Plaju", "plaju", "kecamatan", "Kota Palembang", "Sumatera Selatan", "16.71.14",
     "Asia/Jakarta", "{seq:03d}/BKPSDM-PLG/PLJ/{year}"),
    ("Sawahlunto", "sawahlunto", "kota", "", "Sumatera Barat", "13.73",
     "Asia/Jakarta", "{seq:03d}/BKPSDM-SWL/{year}"),
]


def create_places(apps, schema_editor):
    District = apps.get_model("districts", "District")
    for name, slug, level, city, province, code, zone, template in PLACES:
        District.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "level": level, "parent_city": city, "province": province,
                      "bps_code": code, "time_zone": zone, "certificate_template": template},
        )


def create_hr_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="hr_staff")


def load_2026_holidays(apps, schema_editor):
    from districts.holidays import HOLIDAY_DIR, load_holidays

    load_holidays(HOLIDAY_DIR / "2026.csv", holiday_model=apps.get_model("districts", "Holiday"))


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_places, migrations.RunPython.noop),
        migrations.RunPython(create_hr_group, migrations.RunPython.noop),
        migrations.RunPython(load_2026_holidays, migrations.RunPython.noop),
    ]
