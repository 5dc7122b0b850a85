"""The fixed material of the demo: names, titles, work units, universities, programs.

Only constants live here; the builders in :mod:`training.demo.people` and
:mod:`training.demo.sessions` draw from them with the demo's seeded random numbers.
"""

from dataclasses import dataclass

DEMO_PASSWORD = "PortalASN-2026"  # noqa: S105 - documented demo password
ADMIN_USERNAME = "admin"
DEMO_SHIFT_NOTE = "Shift loket pelayanan"
LEAVE_NOTES = {
    "tahunan": "Acara keluarga di kampung halaman",
    "sakit": "Rawat jalan sesuai surat dokter",
    "alasan_penting": "Mendampingi orang tua yang sakit",
}
# People are generated against a fixed year so that the demo NIPs never change.
DEMO_PEOPLE_YEAR = 2026

MALE_NAMES = [
    "Agus",
    "Budi",
    "Dedi",
    "Eko",
    "Fajar",
    "Hendra",
    "Imam",
    "Joko",
    "Rizky",
    "Slamet",
    "Teguh",
    "Wahyu",
    "Yusuf",
    "Andi",
    "Bambang",
    "Dimas",
    "Arif",
    "Hari",
    "Rahmat",
    "Sutrisno",
    "Irfan",
    "Nanda",
    "Gilang",
    "Aditya",
    "Bayu",
    "Heru",
    "Taufik",
    "Yoga",
    "Ridwan",
    "Zainal",
]
FEMALE_NAMES = [
    "Ayu",
    "Dewi",
    "Fitri",
    "Indah",
    "Kartika",
    "Lestari",
    "Maya",
    "Nur",
    "Putri",
    "Rina",
    "Sari",
    "Siti",
    "Tri",
    "Wulan",
    "Yuni",
    "Anisa",
    "Dian",
    "Endang",
    "Fauziah",
    "Hana",
    "Lia",
    "Melati",
    "Novi",
    "Ratna",
    "Sri",
    "Utami",
    "Vivi",
    "Wati",
    "Yulia",
    "Zahra",
]
FAMILY_NAMES = [
    "Santoso",
    "Wibowo",
    "Hidayat",
    "Saputra",
    "Kurniawan",
    "Setiawan",
    "Pratama",
    "Nugroho",
    "Siregar",
    "Harahap",
    "Lubis",
    "Nasution",
    "Putra",
    "Rahayu",
    "Wijaya",
    "Susanti",
    "Handayani",
    "Permata",
    "Syahputra",
    "Firmansyah",
    "Ramadhan",
    "Anggraini",
    "Hasibuan",
    "Chaniago",
    "Tanjung",
    "Koto",
    "Sembiring",
    "Mahendra",
    "Utomo",
    "Purnomo",
]
BACK_TITLES = [
    "S.Sos.",
    "S.E.",
    "S.Kom.",
    "S.H.",
    "S.AP.",
    "S.I.Kom.",
    "A.Md.",
    "S.Kep.",
    "S.Pd.",
    "S.T.",
]
MASTER_TITLES = ["M.Si.", "M.AP.", "M.M."]

KELURAHAN = {
    "mulyorejo": [
        "Mulyorejo",
        "Kejawan Putih Tambak",
        "Kalisari",
        "Dukuh Sutorejo",
        "Kalijudan",
        "Manyar Sabrangan",
    ],
    "asemrowo": ["Asemrowo", "Genting Kalianak", "Tambak Sarioso"],
    "plaju": [
        "Plaju Ilir",
        "Plaju Ulu",
        "Plaju Darat",
        "Bagus Kuning",
        "Talang Bubuk",
        "Komperta",
        "Talang Putri",
    ],
}
SAWAHLUNTO_UNITS = [
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", "badan", False),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "dinas", True),
    ("DINKES", "Dinas Kesehatan", "dinas", False),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", "dinas", False),
    ("KEC-BARANGIN", "Kecamatan Barangin", "kecamatan", False),
    ("KEC-TALAWI", "Kecamatan Talawi", "kecamatan", False),
]
UNIVERSITIES = {
    "mulyorejo": "Universitas Airlangga",
    "asemrowo": "Institut Teknologi Sepuluh Nopember",
    "plaju": "Universitas Sriwijaya",
    "sawahlunto": "Universitas Andalas",
}

# code, title, kind, form, method, JP, approval, provider key, description
PROGRAMS = [
    (
        "EGOV",
        "Workshop Aplikasi E-Government (SPBE)",
        "teknis",
        "klasikal",
        "workshop",
        8,
        False,
        None,
        "Praktik aplikasi Sistem Pemerintahan Berbasis Elektronik untuk layanan "
        "sehari-hari: tanda tangan elektronik, naskah dinas elektronik, dan dasbor layanan.",
    ),
    (
        "WAKTU",
        "Manajemen Waktu dan Produktivitas Kerja",
        "manajerial",
        "klasikal",
        "lecture",
        4,
        False,
        None,
        "Ceramah dan latihan menyusun prioritas kerja, agenda mingguan, dan "
        "mengurangi rapat yang tidak perlu.",
    ),
    (
        "YANLIK",
        "Peningkatan Kualitas Pelayanan Publik",
        "teknis",
        "klasikal",
        "bimtek",
        8,
        False,
        None,
        "Standar pelayanan, maklumat pelayanan, survei kepuasan masyarakat dan tindak lanjutnya.",
    ),
    (
        "KOMPUB",
        "Komunikasi Publik yang Efektif",
        "sosial_kultural",
        "klasikal",
        "group_discussion",
        6,
        False,
        None,
        "Diskusi kelompok tentang menyampaikan informasi "
        "kebijakan kepada warga, media sosial instansi, dan penanganan isu.",
    ),
    (
        "KEUDA",
        "Pengelolaan Keuangan Daerah",
        "teknis",
        "klasikal",
        "bimtek",
        12,
        True,
        None,
        "Penatausahaan keuangan, SIPD, dan pertanggungjawaban anggaran unit kerja.",
    ),
    (
        "SATUDATA",
        "Aplikasi Pengelolaan Data (Satu Data Indonesia)",
        "teknis",
        "klasikal",
        "workshop",
        8,
        False,
        None,
        "Mengelola, membersihkan, dan menerbitkan data unit kerja "
        "sesuai prinsip Satu Data Indonesia.",
    ),
    (
        "PIMWAS",
        "Pelatihan Kepemimpinan Pengawas",
        "manajerial",
        "klasikal",
        "course",
        16,
        True,
        None,
        "Kepemimpinan tim, coaching bawahan, dan pengendalian kinerja bagi pejabat pengawas.",
    ),
    (
        "PROKES",
        "Protokol Kesehatan di Lingkungan Kerja",
        "teknis",
        "klasikal",
        "sosialisasi",
        2,
        False,
        None,
        "Sosialisasi protokol kesehatan dan kesiapsiagaan di kantor pelayanan.",
    ),
    (
        "LAPOR",
        "Aplikasi Pengaduan Masyarakat (SP4N-LAPOR!)",
        "teknis",
        "klasikal",
        "workshop",
        4,
        False,
        None,
        "Menerima, meneruskan, dan menindaklanjuti pengaduan melalui SP4N-LAPOR!.",
    ),
    (
        "MAGANG",
        "Magang Inovasi Pelayanan di Universitas",
        "teknis",
        "nonklasikal",
        "internship",
        24,
        True,
        "university",
        "Magang bersama peneliti universitas untuk "
        "merancang inovasi pelayanan publik di unit kerja.",
    ),
    (
        "SIMDAR",
        "Simulasi Tanggap Darurat Bencana",
        "sosial_kultural",
        "klasikal",
        "simulation",
        4,
        False,
        None,
        "Simulasi evakuasi dan koordinasi saat keadaan darurat.",
    ),
]


@dataclass
class DemoLogin:
    district: str
    role: str
    login: str
    name: str
