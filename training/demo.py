"""Demo data for the four places: people, units, programs, sessions, schedules.

Everything is generated from a fixed random seed, in one transaction, and
only when the demo has not been seeded before, so a second run changes nothing.
"""

import datetime
import random
import zoneinfo
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from districts.models import CivilServant, District, ScheduleEntry, WorkUnit
from districts.ranks import PNS_RANK_CODES
from districts.scoping import HR_GROUP

from .certificates import next_certificate_number
from .models import (
    CompletionRecord,
    Enrollment,
    Instructor,
    TrainingProgram,
    TrainingSession,
    Venue,
)

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


class DemoBuilder:
    def __init__(self, *, today: datetime.date, stdout=None):
        self.rng = random.Random(2026)
        self.today = today
        self.password_hash = make_password(DEMO_PASSWORD)
        self.nip_sequence = 0
        self.logins: list[DemoLogin] = []
        self.user_model = get_user_model()
        self.hr_group, _ = Group.objects.get_or_create(name=HR_GROUP)

    # -- people ---------------------------------------------------------------------------
    def _nip(
        self, birth: datetime.date, appointed: datetime.date, gender: str, asn_type: str
    ) -> str:
        self.nip_sequence += 1
        seq = f"{self.nip_sequence % 999 + 1:03d}"
        gender_digit = "1" if gender == "male" else "2"
        if asn_type == "PPPK":
            middle = f"{appointed.year}{self.rng.randint(1, 9):02d}"
        else:
            middle = f"{appointed:%Y%m}"
        return f"{birth:%Y%m%d}{middle}{gender_digit}{seq}"

    def _person(
        self,
        *,
        district,
        unit,
        supervisor,
        position_type,
        position_title,
        rank_band,
        asn_type="PNS",
        age_band=None,
        titles=True,
    ):
        if age_band is None:
            age_band = (
                (45, 56) if rank_band[0] >= 12 else (36, 55) if rank_band[0] >= 10 else (25, 50)
            )
        gender = self.rng.choice(["male", "female"])
        first = self.rng.choice(MALE_NAMES if gender == "male" else FEMALE_NAMES)
        name = f"{first} {self.rng.choice(FAMILY_NAMES)}"
        age = self.rng.randint(*age_band)
        birth = datetime.date(
            DEMO_PEOPLE_YEAR - age, self.rng.randint(1, 12), self.rng.randint(1, 28)
        )
        if asn_type == "CPNS":
            appointed = datetime.date(2025, 6, 1)
        elif asn_type == "PPPK":
            appointed = datetime.date(self.rng.choice([2022, 2023, 2024]), 1, 1)
        else:
            appointed = datetime.date(
                birth.year + self.rng.randint(22, 28), self.rng.randint(1, 12), 1
            )
        nip = self._nip(birth, appointed, gender, asn_type)
        if asn_type == "PPPK":
            rank = self.rng.choice(["V", "VII", "IX", "X"])
        else:
            low, high = rank_band
            rank = PNS_RANK_CODES[self.rng.randint(low, high)]
        back = ""
        if titles and rank >= "III":
            back = self.rng.choice(BACK_TITLES)
            if position_type in {"administrator", "jpt_pratama"}:
                back = f"{back}, {self.rng.choice(MASTER_TITLES)}"
        user = self.user_model(
            username=nip,
            first_name=first,
            password=self.password_hash,
            email=f"{nip}@asn.demo.local",
        )
        user.save()
        person = CivilServant(
            user=user,
            nip=nip,
            asn_type=asn_type,
            name=name,
            back_title=back,
            gender=gender,
            birth_date=birth,
            rank=rank,
            position_type=position_type,
            position_title=position_title,
            work_unit=unit,
            district=district,
            supervisor=supervisor,
            email=user.email,
        )
        person.full_clean()
        person.save()
        return person

    def _staff(self, *, district, unit, supervisor, count, shift=False):
        people = []
        for _index in range(count):
            roll = self.rng.random()
            asn_type = "PPPK" if roll < 0.12 else "CPNS" if roll < 0.16 else "PNS"
            title = (
                self.rng.choice(
                    [
                        "Pengadministrasi Perkantoran",
                        "Pengolah Data dan Informasi",
                        "Penelaah Teknis Kebijakan",
                        "Operator Layanan Operasional",
                        "Pranata Komputer Ahli Pertama",
                        "Analis Kebijakan Ahli Muda",
                    ]
                )
                if not shift
                else self.rng.choice(
                    [
                        "Petugas Layanan Front Office",
                        "Operator Layanan Operasional",
                        "Perawat Terampil",
                        "Bidan Terampil",
                    ]
                )
            )
            position_type = "fungsional" if "Ahli" in title or "Terampil" in title else "pelaksana"
            people.append(
                self._person(
                    district=district,
                    unit=unit,
                    supervisor=supervisor,
                    position_type=position_type,
                    position_title=title,
                    rank_band=(4, 10),
                    asn_type=asn_type,
                    age_band=(23, 50) if asn_type != "CPNS" else (23, 30),
                )
            )
        return people

    def _units_and_people(self, district):
        """Build a unit tree and a reporting line three levels deep below the head."""
        slug = district.slug
        everyone, shift_workers = [], []
        if district.level == District.Level.KECAMATAN:
            root = self._unit(district, None, "KEC", f"Kecamatan {district.name}", "kecamatan")
            head = self._person(
                district=district,
                unit=root,
                supervisor=None,
                position_type="administrator",
                position_title="Camat",
                rank_band=(12, 13),
            )
            secretariat = self._unit(
                district, root, "SEKCAM", "Sekretariat Kecamatan", "sekretariat"
            )
            sekcam = self._person(
                district=district,
                unit=secretariat,
                supervisor=head,
                position_type="administrator",
                position_title="Sekretaris Kecamatan",
                rank_band=(11, 12),
            )
            umpeg = self._unit(
                district, secretariat, "UMPEG", "Subbagian Umum dan Kepegawaian", "seksi"
            )
            hr = self._person(
                district=district,
                unit=umpeg,
                supervisor=sekcam,
                position_type="pengawas",
                position_title="Kepala Subbagian Umum dan Kepegawaian",
                rank_band=(10, 11),
            )
            everyone += [head, sekcam, hr]
            everyone += self._staff(district=district, unit=umpeg, supervisor=hr, count=4)
            sections = [
                ("PEM", "Seksi Pemerintahan", False),
                ("YANUM", "Seksi Pelayanan Umum", True),
                ("KESOS", "Seksi Kesejahteraan Sosial", False),
                ("TRANTIB", "Seksi Ketenteraman dan Ketertiban Umum", True),
            ]
            for code, name, shifts in sections:
                unit = self._unit(district, root, code, name, "seksi", shifts)
                chief = self._person(
                    district=district,
                    unit=unit,
                    supervisor=head,
                    position_type="pengawas",
                    position_title=f"Kepala {name}",
                    rank_band=(10, 11),
                )
                staff = self._staff(
                    district=district, unit=unit, supervisor=chief, count=6, shift=shifts
                )
                everyone += [chief, *staff]
                if shifts:
                    shift_workers += staff
            for index, kelurahan in enumerate(KELURAHAN[slug], start=1):
                unit = self._unit(
                    district, root, f"KEL{index:02d}", f"Kelurahan {kelurahan}", "kelurahan"
                )
                lurah = self._person(
                    district=district,
                    unit=unit,
                    supervisor=head,
                    position_type="administrator",
                    position_title="Lurah",
                    rank_band=(10, 12),
                )
                count = max(3, 24 // len(KELURAHAN[slug]))
                everyone += [
                    lurah,
                    *self._staff(district=district, unit=unit, supervisor=lurah, count=count),
                ]
            puskesmas = self._unit(
                district, root, "PKM", f"UPTD Puskesmas {district.name}", "puskesmas", True
            )
            kapus = self._person(
                district=district,
                unit=puskesmas,
                supervisor=head,
                position_type="fungsional",
                position_title="Kepala Puskesmas",
                rank_band=(11, 12),
            )
            nurses = self._staff(
                district=district, unit=puskesmas, supervisor=kapus, count=6, shift=True
            )
            everyone += [kapus, *nurses]
            shift_workers += nurses
        else:
            root = self._unit(
                district, None, "SETDA", "Sekretariat Daerah Kota Sawahlunto", "sekretariat"
            )
            head = self._person(
                district=district,
                unit=root,
                supervisor=None,
                position_type="jpt_pratama",
                position_title="Sekretaris Daerah",
                rank_band=(13, 14),
            )
            everyone.append(head)
            hr = None
            for code, name, kind, shifts in SAWAHLUNTO_UNITS:
                unit = self._unit(district, root, code, name, kind, shifts)
                chief_title = "Camat" if kind == "kecamatan" else f"Kepala {name}"
                chief = self._person(
                    district=district,
                    unit=unit,
                    supervisor=head,
                    position_type="jpt_pratama" if kind != "kecamatan" else "administrator",
                    position_title=chief_title,
                    rank_band=(12, 13),
                )
                section = self._unit(
                    district,
                    unit,
                    f"{code}-BID",
                    (
                        "Bidang Pengembangan Kompetensi"
                        if code == "BKPSDM"
                        else "Bidang Pelayanan"
                        if shifts
                        else f"Bidang Program {name}"
                    ),
                    "bagian",
                    shifts,
                )
                section_chief = self._person(
                    district=district,
                    unit=section,
                    supervisor=chief,
                    position_type="administrator",
                    position_title=f"Kepala {section.name}",
                    rank_band=(11, 12),
                )
                staff = self._staff(
                    district=district, unit=section, supervisor=section_chief, count=9, shift=shifts
                )
                everyone += [chief, section_chief, *staff]
                if shifts:
                    shift_workers += staff
                if code == "BKPSDM":
                    hr = section_chief
        hr.user.groups.add(self.hr_group)
        district.hr_staff.add(hr.user)
        return everyone, shift_workers, head, hr

    def _unit(self, district, parent, code, name, kind, shifts=False):
        return WorkUnit.objects.create(
            district=district,
            parent=parent,
            code=code,
            name=name,
            kind=kind,
            works_in_shifts=shifts,
        )

    # -- training -------------------------------------------------------------------------
    def _local(self, district, day: datetime.date, hour: int, minute: int = 0):
        return datetime.datetime.combine(
            day, datetime.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(district.time_zone)
        )

    def _working_day(self, day: datetime.date, holidays: set) -> datetime.date:
        while day.weekday() >= 5 or day in holidays:
            day += datetime.timedelta(days=1)
        return day

    def _programs(self, district, hr_user):
        venues = [
            Venue.objects.create(
                district=district,
                name=f"Aula {district.name}",
                capacity=60,
                address=f"Kantor {district.name}",
            ),
            Venue.objects.create(district=district, name="Ruang Rapat Utama", capacity=25),
            Venue.objects.create(district=district, name="Laboratorium Komputer", capacity=20),
        ]
        instructors = [
            Instructor.objects.create(
                district=district,
                name="Dr. Hadi Susilo, M.Si.",
                institution=UNIVERSITIES[district.slug],
            ),
            Instructor.objects.create(
                district=district,
                name="Ratna Sari, S.Kom., M.T.",
                institution="Dinas Komunikasi dan Informatika",
            ),
            Instructor.objects.create(
                district=district, name="Drs. Bambang Wijaya, M.AP.", institution="BKPSDM"
            ),
        ]
        programs = []
        for code, title, kind, form, method, jp, approval, provider, description in PROGRAMS:
            programs.append(
                TrainingProgram.objects.create(
                    district=district,
                    code=code,
                    title=title,
                    competency_kind=kind,
                    form=form,
                    method=method,
                    jp_credited=jp,
                    requires_supervisor_approval=approval,
                    provider=UNIVERSITIES[district.slug] if provider == "university" else "",
                    description=description,
                    open_to_other_districts=code in {"MAGANG", "KEUDA"},
                )
            )
        return programs, venues, instructors

    def _session(
        self,
        district,
        program,
        venue,
        instructor,
        day,
        start_hour,
        hours,
        capacity,
        status,
        hr_user,
        holidays,
    ):
        day = self._working_day(day, holidays)
        start = self._local(district, day, start_hour)
        end = start + datetime.timedelta(hours=hours)
        if program.form == "nonklasikal":
            end = self._local(district, day + datetime.timedelta(days=4), 16)
        cost = self.rng.choice([None, 150000, 250000])
        return TrainingSession.objects.create(
            program=program,
            district=district,
            venue=venue,
            instructor=instructor,
            start=start,
            end=end,
            capacity=capacity,
            status=status,
            created_by=hr_user,
            enrollment_opens_at=start - datetime.timedelta(days=45),
            enrollment_closes_at=start - datetime.timedelta(days=1),
            cost_amount=cost,
            cost_basis="per_participant" if cost else "",
        )

    def _build_district(self, district, holidays):
        everyone, shift_workers, head, hr = self._units_and_people(district)
        hr_user = hr.user
        programs, venues, instructors = self._programs(district, hr_user)
        now_local = self._local(district, self.today, 12)

        # Past year: completed sessions with completion records and certificates.
        for index, program in enumerate(programs):
            day = self.today - datetime.timedelta(days=30 + 28 * index)
            session = self._session(
                district,
                program,
                venues[index % 3],
                instructors[index % 3],
                day,
                8,
                4 + (index % 2) * 4,
                25,
                TrainingSession.Status.COMPLETED,
                hr_user,
                holidays,
            )
            participants = self.rng.sample(everyone, 12)
            for person in participants:
                attended = self.rng.random() < 0.9
                Enrollment.objects.create(
                    session=session,
                    civil_servant=person,
                    enrolled_by=hr_user,
                    status="completed" if attended else "no_show",
                )
                if attended:
                    self._complete(person, session, hr_user)

        # Coming three months: published sessions, a few drafts, enrolments.
        upcoming = []
        for week in range(12):
            program = programs[week % len(programs)]
            day = self.today + datetime.timedelta(days=3 + 7 * week + self.rng.randint(0, 2))
            morning = week % 2 == 0
            status = (
                TrainingSession.Status.DRAFT if week >= 10 else TrainingSession.Status.PUBLISHED
            )
            session = self._session(
                district,
                program,
                venues[week % 3],
                instructors[week % 3],
                day,
                8 if morning else 13,
                4 if morning else 3,
                self.rng.choice([10, 15, 20]),
                status,
                hr_user,
                holidays,
            )
            upcoming.append(session)

        published = [s for s in upcoming if s.status == TrainingSession.Status.PUBLISHED]
        # The demo civil servant holds a seat in the first session, which their
        # front-desk shift (below) overlaps.
        demo_person, demo_session = shift_workers[0], published[0]
        for session in published:
            pool = self.rng.sample(everyone, min(len(everyone), session.capacity + 3))
            if session is demo_session:
                pool = [demo_person, *(person for person in pool if person != demo_person)]
            taken = 0
            for person in pool:
                if taken < session.capacity:
                    status = (
                        "requested"
                        if session.program.requires_supervisor_approval
                        and person.supervisor_id
                        and person != demo_person
                        else "approved"
                    )
                    Enrollment.objects.create(
                        session=session,
                        civil_servant=person,
                        status=status,
                        enrolled_by=person.user,
                    )
                    taken += 1
                else:
                    # Joined the waitlist days ago, in pool order: anyone who joins
                    # after seeding queues behind them.
                    Enrollment.objects.create(
                        session=session,
                        civil_servant=person,
                        status="waitlisted",
                        enrolled_by=person.user,
                        waitlisted_at=now_local
                        - datetime.timedelta(days=3)
                        + datetime.timedelta(minutes=taken - session.capacity),
                    )
                    taken += 1

        # Duty shifts for shift workers, leave and travel for some others.
        entries = []
        for person in shift_workers:
            for offset in range(0, 84, 2):
                day = self.today + datetime.timedelta(days=offset + self.rng.randint(0, 1))
                if day.weekday() == 6:
                    continue
                morning = self.rng.random() < 0.5
                start = self._local(district, day, 7 if morning else 14)
                entries.append(
                    ScheduleEntry(
                        civil_servant=person,
                        kind="duty_shift",
                        start=start,
                        end=start + datetime.timedelta(hours=7),
                        note="Shift pagi" if morning else "Shift siang",
                        source="import",
                        entered_by=hr_user,
                    )
                )
        for person in self.rng.sample(everyone, 12):
            day = self._working_day(
                self.today + datetime.timedelta(days=self.rng.randint(5, 80)), holidays
            )
            leave_type = self.rng.choice(["tahunan", "sakit", "alasan_penting"])
            entries.append(
                ScheduleEntry(
                    civil_servant=person,
                    kind="leave",
                    leave_type=leave_type,
                    start=self._local(district, day, 0),
                    end=self._local(district, day + datetime.timedelta(days=2), 0),
                    note=LEAVE_NOTES[leave_type],
                    source="self",
                    entered_by=person.user,
                )
            )
        for person in self.rng.sample(everyone, 8):
            day = self._working_day(
                self.today + datetime.timedelta(days=self.rng.randint(5, 80)), holidays
            )
            entries.append(
                ScheduleEntry(
                    civil_servant=person,
                    kind="official_travel",
                    start=self._local(district, day, 6),
                    end=self._local(district, day + datetime.timedelta(days=1), 20),
                    note="Perjalanan dinas ke provinsi",
                    source="hr",
                    entered_by=hr_user,
                )
            )

        # The demo civil servant: a front-desk shift that overlaps a session they joined.
        entries.append(
            ScheduleEntry(
                civil_servant=demo_person,
                kind="duty_shift",
                start=demo_session.start - datetime.timedelta(hours=1),
                end=demo_session.start + datetime.timedelta(hours=2),
                note=DEMO_SHIFT_NOTE,
                source="import",
                entered_by=hr_user,
            )
        )
        ScheduleEntry.objects.bulk_create(entries)
        self._free_session_for(demo_person, demo_session, holidays, hr_user)

        self.logins += [
            DemoLogin(district.name, "HR", hr.nip, hr.full_name),
            DemoLogin(district.name, "Supervisor", head.nip, head.full_name),
            DemoLogin(district.name, "ASN", demo_person.nip, demo_person.full_name),
        ]

    def _free_session_for(self, person, session, holidays, hr_user):
        """Add a session of the same program, with seats, that the person's schedule allows.

        The demo civil servant's clash then has a one-click way out. No random
        numbers are drawn here, so the rest of the demo stays as it was.
        """
        busy = list(ScheduleEntry.objects.filter(civil_servant=person).values_list("start", "end"))
        local_day = session.start.astimezone(session.district.tzinfo).date()
        for offset in range(1, 30):
            day = self._working_day(local_day + datetime.timedelta(days=offset), holidays)
            start = self._local(session.district, day, 13)
            end = start + datetime.timedelta(hours=3)
            if all(end <= b_start or b_end <= start for b_start, b_end in busy):
                break
        TrainingSession.objects.create(
            program=session.program,
            district=session.district,
            venue=session.venue,
            instructor=session.instructor,
            start=start,
            end=end,
            capacity=20,
            status=TrainingSession.Status.PUBLISHED,
            created_by=hr_user,
            enrollment_opens_at=session.enrollment_opens_at,
            enrollment_closes_at=start - datetime.timedelta(days=1),
            cost_amount=session.cost_amount,
            cost_basis=session.cost_basis,
        )

    def _complete(self, person, session, hr_user):
        completion_date = session.end.astimezone(session.district.tzinfo).date()
        passed = self.rng.random() < 0.92
        record = CompletionRecord(
            civil_servant=person,
            program=session.program,
            session=session,
            district=session.district,
            completion_date=completion_date,
            jp_credited=session.program.jp_credited if passed else 0,
            score=self.rng.randint(70, 98) if passed else self.rng.randint(40, 60),
            passed=passed,
        )
        if passed:
            record.certificate_number = next_certificate_number(
                district=session.district, year=completion_date.year
            )
            record.participant_name = person.full_name
            record.participant_nip = person.nip
            record.participant_rank = person.rank_display
            record.participant_position = person.position_title
            record.issued_at = session.end
            record.issued_by = hr_user
        record.save()

    def build(self):
        from districts.models import Holiday

        holidays = set(Holiday.objects.values_list("date", flat=True))
        for district in District.objects.order_by("name"):
            self._build_district(district, holidays)
        # An administrator created before the demo (createsuperuser) keeps their password.
        if not self.user_model.objects.filter(username=ADMIN_USERNAME).exists():
            self.user_model.objects.create(
                username=ADMIN_USERNAME,
                is_staff=True,
                is_superuser=True,
                email="admin@portal-asn.local",
                password=self.password_hash,
            )
        self.logins.insert(
            0, DemoLogin("(semua)", "Administrator", ADMIN_USERNAME, "Administrator")
        )


def demo_logins() -> list[DemoLogin]:
    """Return the demo logins of an already seeded database, in a stable order."""
    logins = [DemoLogin("(semua)", "Administrator", ADMIN_USERNAME, "Administrator")]
    for district in District.objects.order_by("name"):
        hr = CivilServant.objects.filter(user__managed_districts=district).first()
        head = CivilServant.objects.filter(district=district, supervisor__isnull=True).first()
        demo = CivilServant.objects.filter(
            district=district, schedule_entries__note=DEMO_SHIFT_NOTE
        ).first()
        for role, person in (("HR", hr), ("Supervisor", head), ("ASN", demo)):
            if person is not None:
                logins.append(DemoLogin(district.name, role, person.nip, person.full_name))
    return logins


def seed_demo(*, today: datetime.date) -> bool:
    """Seed the demo data once; return False when it was already there."""
    if ScheduleEntry.objects.filter(note=DEMO_SHIFT_NOTE).exists():
        return False
    with transaction.atomic():
        DemoBuilder(today=today).build()
    return True
