"""The demo's people: work units, reporting lines, NIPs, user accounts."""

import datetime

from districts.models import CivilServant, District, WorkUnit
from districts.ranks import PNS_RANK_CODES

from .data import (
    BACK_TITLES,
    DEMO_PEOPLE_YEAR,
    FAMILY_NAMES,
    FEMALE_NAMES,
    KELURAHAN,
    MALE_NAMES,
    MASTER_TITLES,
    SAWAHLUNTO_UNITS,
)


class PeopleBuilder:
    """Builds a district's work units and staff (a mixin of :class:`~training.demo.DemoBuilder`).

    Every draw comes from ``self.people_rng``, the district's own generator for
    people, so names, NIPs and reporting lines never depend on the calendar.
    """

    # -- people ---------------------------------------------------------------------------
    def _nip(
        self, birth: datetime.date, appointed: datetime.date, gender: str, asn_type: str
    ) -> str:
        self.nip_sequence += 1
        seq = f"{self.nip_sequence % 999 + 1:03d}"
        gender_digit = "1" if gender == "male" else "2"
        if asn_type == "PPPK":
            middle = f"{appointed.year}{self.people_rng.randint(1, 9):02d}"
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
        gender = self.people_rng.choice(["male", "female"])
        first = self.people_rng.choice(MALE_NAMES if gender == "male" else FEMALE_NAMES)
        name = f"{first} {self.people_rng.choice(FAMILY_NAMES)}"
        age = self.people_rng.randint(*age_band)
        birth = datetime.date(
            DEMO_PEOPLE_YEAR - age, self.people_rng.randint(1, 12), self.people_rng.randint(1, 28)
        )
        if asn_type == "CPNS":
            appointed = datetime.date(2025, 6, 1)
        elif asn_type == "PPPK":
            appointed = datetime.date(self.people_rng.choice([2022, 2023, 2024]), 1, 1)
        else:
            appointed = datetime.date(
                birth.year + self.people_rng.randint(22, 28), self.people_rng.randint(1, 12), 1
            )
        nip = self._nip(birth, appointed, gender, asn_type)
        if asn_type == "PPPK":
            rank = self.people_rng.choice(["V", "VII", "IX", "X"])
        else:
            low, high = rank_band
            rank = PNS_RANK_CODES[self.people_rng.randint(low, high)]
        back = ""
        if titles and rank >= "III":
            back = self.people_rng.choice(BACK_TITLES)
            if position_type in {"administrator", "jpt_pratama"}:
                back = f"{back}, {self.people_rng.choice(MASTER_TITLES)}"
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
            roll = self.people_rng.random()
            asn_type = "PPPK" if roll < 0.12 else "CPNS" if roll < 0.16 else "PNS"
            title = (
                self.people_rng.choice(
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
                else self.people_rng.choice(
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
