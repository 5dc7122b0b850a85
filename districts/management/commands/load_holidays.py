from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from districts.holidays import HOLIDAY_DIR, load_holidays
from districts.models import Holiday


class Command(BaseCommand):
    help = "Load a year's national holidays and cuti bersama (date,name,kind CSV)."

    def add_arguments(self, parser):
        parser.add_argument("source", help="A year (uses the shipped file) or a CSV path.")

    def handle(self, *args, source, **options):
        path = HOLIDAY_DIR / f"{source}.csv" if source.isdigit() else Path(source)
        if not path.exists():
            raise CommandError(f"No holiday file at {path}.")
        created = load_holidays(path, holiday_model=Holiday)
        self.stdout.write(f"{created} holiday(s) created from {path}.")
