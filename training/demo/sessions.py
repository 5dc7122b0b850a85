"""The demo's training: venues, instructors, programs, sessions, enrolments, schedules."""

import datetime
import zoneinfo

from districts.models import ScheduleEntry

from ..models import (
    CompletionRecord,
    Enrollment,
    Instructor,
    TrainingProgram,
    TrainingSession,
    Venue,
)
from ..services.certificates import next_certificate_number
from ..services.meetings import single_meeting
from .data import DEMO_SHIFT_NOTE, LEAVE_NOTES, PROGRAMS, UNIVERSITIES, DemoLogin
from .documents import set_issuer

COSTS = [None, 150000, 250000]


class TrainingBuilder:
    """Builds a district's training calendar (a mixin of :class:`~training.demo.DemoBuilder`)."""

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
        cost,
    ):
        day = self._working_day(day, holidays)
        start = self._local(district, day, start_hour)
        end = start + datetime.timedelta(hours=hours)
        if program.form == "nonklasikal":
            end = self._local(district, day + datetime.timedelta(days=4), 16)
        session = TrainingSession.objects.create(
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
        single_meeting(session)
        return session

    def _build_district(self, district, holidays):
        # One generator per concept: how many numbers one concept draws (which may
        # follow the calendar) never shifts what another concept gets.
        self.people_rng = self.random_for("people", district)
        calendar = self.random_for("calendar", district)
        seats = self.random_for("seats", district)
        shifts = self.random_for("shifts", district)
        absences = self.random_for("absences", district)
        everyone, shift_workers, head, hr = self._units_and_people(district)
        set_issuer(district, head)
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
                calendar.choice(COSTS),
            )
            participants = seats.sample(everyone, 12)
            for person in participants:
                attended = seats.random() < 0.9
                Enrollment.objects.create(
                    session=session,
                    civil_servant=person,
                    enrolled_by=hr_user,
                    status="completed" if attended else "no_show",
                )
                if attended:
                    self._complete(person, session, hr_user, seats)

        # Coming three months: published sessions, a few drafts, enrolments.
        upcoming = []
        for week in range(12):
            program = programs[week % len(programs)]
            day = self.today + datetime.timedelta(days=3 + 7 * week + calendar.randint(0, 2))
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
                calendar.choice([10, 15, 20]),
                status,
                hr_user,
                holidays,
                calendar.choice(COSTS),
            )
            upcoming.append(session)

        published = [s for s in upcoming if s.status == TrainingSession.Status.PUBLISHED]
        # The demo civil servant holds a seat in the first session, which their
        # front-desk shift (below) overlaps.
        demo_person, demo_session = shift_workers[0], published[0]
        for session in published:
            pool = seats.sample(everyone, min(len(everyone), session.capacity + 3))
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

        # Sessions with several meetings (training.demo.meetings); no random numbers drawn.
        self._build_meetings(
            district,
            instructors,
            hr_user,
            holidays,
            [person for person in everyone if person not in shift_workers and person != head],
        )

        # Duty shifts for shift workers, leave and travel for some others.
        entries = []
        for person in shift_workers:
            for offset in range(0, 84, 2):
                # Both numbers are drawn before a Sunday is skipped, so the day of
                # seeding never changes how many numbers the next shifts get.
                day = self.today + datetime.timedelta(days=offset + shifts.randint(0, 1))
                morning = shifts.random() < 0.5
                if day.weekday() == 6:
                    continue
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
        for person in absences.sample(everyone, 12):
            day = self._working_day(
                self.today + datetime.timedelta(days=absences.randint(5, 80)), holidays
            )
            leave_type = absences.choice(["tahunan", "sakit", "alasan_penting"])
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
        for person in absences.sample(everyone, 8):
            day = self._working_day(
                self.today + datetime.timedelta(days=absences.randint(5, 80)), holidays
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
        numbers are drawn here, so the rest of the demo stays as it was. The
        venue must be free too (PostgreSQL refuses overlapping sessions in it).
        """
        busy = list(ScheduleEntry.objects.filter(civil_servant=person).values_list("start", "end"))
        busy += TrainingSession.objects.filter(venue=session.venue).values_list("start", "end")
        local_day = session.start.astimezone(session.district.tzinfo).date()
        for offset in range(1, 30):
            day = self._working_day(local_day + datetime.timedelta(days=offset), holidays)
            start = self._local(session.district, day, 13)
            end = start + datetime.timedelta(hours=3)
            if all(end <= b_start or b_end <= start for b_start, b_end in busy):
                break
        alternative = TrainingSession.objects.create(
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
        single_meeting(alternative)

    def _complete(self, person, session, hr_user, seats):
        completion_date = session.end.astimezone(session.district.tzinfo).date()
        passed = seats.random() < 0.92
        record = CompletionRecord(
            civil_servant=person,
            program=session.program,
            session=session,
            district=session.district,
            completion_date=completion_date,
            jp_credited=session.program.jp_credited if passed else 0,
            score=seats.randint(70, 98) if passed else seats.randint(40, 60),
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
            record.snapshot_issuer()
            record.issued_at = session.end
            record.issued_by = hr_user
        record.save()
