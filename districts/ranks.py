"""Ranks: PNS golongan ruang with their pangkat, and PPPK grades."""

PNS_RANKS = [
    ("I/a", "Juru Muda"),
    ("I/b", "Juru Muda Tingkat I"),
    ("I/c", "Juru"),
    ("I/d", "Juru Tingkat I"),
    ("II/a", "Pengatur Muda"),
    ("II/b", "Pengatur Muda Tingkat I"),
    ("II/c", "Pengatur"),
    ("II/d", "Pengatur Tingkat I"),
    ("III/a", "Penata Muda"),
    ("III/b", "Penata Muda Tingkat I"),
    ("III/c", "Penata"),
    ("III/d", "Penata Tingkat I"),
    ("IV/a", "Pembina"),
    ("IV/b", "Pembina Tingkat I"),
    ("IV/c", "Pembina Utama Muda"),
    ("IV/d", "Pembina Utama Madya"),
    ("IV/e", "Pembina Utama"),
]
PPPK_GRADES = [
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
]

PNS_RANK_CODES = [code for code, _ in PNS_RANKS]
PANGKAT = dict(PNS_RANKS)

RANK_CHOICES = [(code, f"{code} – {name}") for code, name in PNS_RANKS] + [
    (grade, f"PPPK {grade}") for grade in PPPK_GRADES
]


def ranks_for(asn_type: str) -> list[str]:
    """Return the rank codes open to ``asn_type`` (PNS and CPNS share golongan)."""
    return PPPK_GRADES if asn_type == "PPPK" else PNS_RANK_CODES


def rank_label(code: str) -> str:
    """Return ``III/a Penata Muda`` or ``PPPK IX`` for a rank code."""
    if code in PANGKAT:
        return f"{code} {PANGKAT[code]}"
    return f"PPPK {code}" if code else ""
