from django.core.management.base import BaseCommand
from django.utils import timezone

from training.demo import DEMO_PASSWORD, demo_logins, seed_demo


class Command(BaseCommand):
    help = "Create the demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        created = seed_demo(today=timezone.localdate())
        self.stdout.write("Demo data created." if created else "Demo data already present.")
        rows = [(login.district, login.role, login.login, login.name) for login in demo_logins()]
        header = ("District", "Role", "Login (NIP / username)", "Name")
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(4)]
        line = "+".join("-" * (w + 2) for w in widths)
        self.stdout.write(line)
        for row in [header, *rows]:
            self.stdout.write(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
        self.stdout.write(line)
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
