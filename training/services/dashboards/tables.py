"""Tables of figures: one definition serves the page, the CSV and the XLSX export."""

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.text import capfirst

from . import numbers


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "int"  # text, int, decimal, percent, money, date
    nowrap: bool = False

    @property
    def numeric(self) -> bool:
        return self.kind in {"int", "decimal", "percent", "money"}

    def display(self, value) -> str:
        if self.kind == "text":
            return "" if value is None else str(value)
        if self.kind == "int":
            return numbers.integer(value)
        if self.kind == "decimal":
            return numbers.decimal(value)
        if self.kind == "percent":
            return numbers.percent(value)
        if self.kind == "money":
            return numbers.money(value)
        if self.kind == "date":
            if value is None:
                return numbers.DASH
            return formats.date_format(value, "j M Y")
        raise ValueError(self.kind)


@dataclass
class Cell:
    text: str
    numeric: bool
    url: str = ""
    nowrap: bool = False


@dataclass
class Table:
    """A titled table of rows (dicts keyed by column), sortable by any column."""

    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    footer: dict | None = None
    note: str = ""
    link_column: str = ""
    sort_key: str = ""
    sort_desc: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def sortable(self) -> bool:
        return self.key in SORTABLE

    def sort(self, spec: str) -> None:
        """Sort by ``column`` or ``-column``; unknown columns leave the order as it is."""
        desc = spec.startswith("-")
        key = spec.lstrip("-")
        column = next((item for item in self.columns if item.key == key), None)
        if column is None:
            return
        present = [row for row in self.rows if row.get(key) is not None]
        missing = [row for row in self.rows if row.get(key) is None]

        def order(row):
            value = row[key]
            return value.casefold() if isinstance(value, str) else value

        present.sort(key=order, reverse=desc)
        self.rows = present + missing
        self.sort_key, self.sort_desc = key, desc

    def cells(self, row: dict) -> list[Cell]:
        return [
            Cell(
                column.display(row.get(column.key)),
                column.numeric,
                row.get("url", "") if column.key == self.link_column else "",
                column.nowrap or column.kind == "date",
            )
            for column in self.columns
        ]

    def display_rows(self) -> list[list[Cell]]:
        """Return the rows shown on the page: the first ``PAGE_ROWS``; exports have all."""
        return [self.cells(row) for row in self.rows[:PAGE_ROWS]]

    @property
    def hidden_rows(self) -> int:
        return max(len(self.rows) - PAGE_ROWS, 0)

    def display_footer(self) -> list[Cell] | None:
        return self.cells(self.footer) if self.footer else None

    def header(self) -> list[dict]:
        """Return the column headers with the link a click on each would follow to sort."""
        query = self.extra.get("query")
        result = []
        for column in self.columns:
            ascending = self.sort_key != column.key or self.sort_desc
            url = ""
            if self.sortable and query is not None:
                params = query.copy()
                params[f"sort_{self.key}"] = column.key if ascending else f"-{column.key}"
                url = f"?{params.urlencode()}#table-{self.key}"
            result.append(
                {
                    "column": column,
                    "label": capfirst(column.label),
                    "url": url,
                    "sorted": self.sort_key == column.key,
                    "desc": self.sort_desc,
                }
            )
        return result

    def export_rows(self) -> list[list]:
        """Return the raw values (numbers as numbers), footer included."""
        rows = self.rows + ([self.footer] if self.footer else [])
        return [[row.get(column.key) for column in self.columns] for row in rows]


PAGE_ROWS = 50
SORTABLE = {"units", "programs", "budget", "behind"}
