"""Load the yearly national holidays and cuti bersama from a CSV file.

Holidays change every year by joint decree, so they are data: the portal
ships ``districts/data/holidays/<year>.csv`` and HR can edit them in the admin.
"""

import csv
import datetime
from pathlib import Path

HOLIDAY_DIR = Path(__file__).resolve().parent / "data" / "holidays"


def read_holidays(path: Path) -> list[dict]:
    """Return the rows of a ``date,name,kind`` CSV file."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            {
                "date": datetime.date.fromisoformat(row["date"]),
                "name": row["name"].strip(),
                "kind": row["kind"].strip(),
            }
            for row in csv.DictReader(handle)
        ]


def load_holidays(path: Path, *, holiday_model) -> int:
    """Create the national holidays in ``path`` that are missing; return how many."""
    created = 0
    for row in read_holidays(path):
        _, was_created = holiday_model.objects.get_or_create(
            date=row["date"], name=row["name"], district=None, defaults={"kind": row["kind"]}
        )
        created += was_created
    return created
