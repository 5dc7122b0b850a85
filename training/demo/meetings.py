"""Demo sessions with several meetings: a 3-day bimtek, a weekly class, an online meeting.

Built for every district after its calendar (a mixin of
:class:`~training.demo.DemoBuilder`). No random numbers are drawn, so the rest
of the demo stays as it was; only the dates follow the day of seeding, like
the rest of the calendar. The sessions use venues of their own, so they
never double-book the calendar's venues, and the demo logins are unchanged
(the demo civil servant is not enrolled: their one clash stays the README's).
"""

import datetime

from ..models import Enrollment, Meeting, TrainingProgram, TrainingSession, Venue
from ..services.meetings import sync_span

BIMTEK = (
    "BIMTEK-ARSIP",
    "Bimbingan Teknis Pengelolaan Arsip Dinamis",
    "Tiga hari: teori di aula pada hari 1–2, praktik SRIKANDI di laboratorium pada hari 3.",
)
WEEKLY = (
    "KELAS-EXCEL",
    "Kelas Mingguan Pengolahan Data dengan Spreadsheet",
    "Empat pertemuan, setiap Selasa siang.",
)
ONLINE = (
    "WEBINAR-SPBE",
    "Webinar Sistem Pemerintahan Berbasis Elektronik (SPBE)",
    "Pertemuan daring melalui Zoom.",
)


class MeetingsBuilder:
    """Adds the sessions with meetings of one district."""

    def _program_with_meetings(self, district, spec, method, jp):
        code, title, description = spec
        return TrainingProgram.objects.create(
            district=district,
            code=code,
            title=title,
            competency_kind="teknis",
            form="klasikal",
            method=method,
            jp_credited=jp,
            description=description,
        )

    def _session_with_meetings(self, district, program, meetings, instructor, hr_user):
        first = meetings[0]
        session = TrainingSession.objects.create(
            program=program,
            district=district,
            venue=first.get("venue"),
            online_url=first.get("join_link", ""),
            instructor=instructor,
            start=first["start"],
            end=meetings[-1]["end"],
            capacity=30,
            status=TrainingSession.Status.PUBLISHED,
            created_by=hr_user,
            enrollment_opens_at=first["start"] - datetime.timedelta(days=45),
            enrollment_closes_at=first["start"] - datetime.timedelta(days=1),
        )
        for fields in meetings:
            Meeting.objects.create(session=session, instructor=instructor, **fields)
        sync_span(session)
        return session

    def _days(self, start: datetime.date, count: int, step: int, holidays) -> list:
        days, day = [], start
        while len(days) < count:
            day = self._working_day(day, holidays)
            days.append(day)
            day += datetime.timedelta(days=step)
        return days

    def _build_meetings(self, district, instructors, hr_user, holidays, people):
        hall = Venue.objects.create(district=district, name="Aula Bimtek Kearsipan", capacity=40)
        lab = Venue.objects.create(district=district, name="Lab Praktik SRIKANDI", capacity=30)
        bimtek_program = self._program_with_meetings(district, BIMTEK, "bimtek", 24)
        weekly_program = self._program_with_meetings(district, WEEKLY, "course", 12)
        online_program = self._program_with_meetings(district, ONLINE, "seminar", 3)

        # A 3-day bimtek three weeks ahead: days 1-2 in the hall, day 3 in the lab.
        days = self._days(self.today + datetime.timedelta(days=21), 3, 1, holidays)
        bimtek = self._session_with_meetings(
            district,
            bimtek_program,
            [
                {
                    "start": self._local(district, day, 8),
                    "end": self._local(district, day, 15),
                    "venue": lab if number == 2 else hall,
                }
                for number, day in enumerate(days)
            ],
            instructors[0],
            hr_user,
        )
        # A weekly class: four Tuesdays (or the next working day), 13.00-15.30, in the hall.
        tuesday = self.today + datetime.timedelta(days=(1 - self.today.weekday()) % 7 + 7)
        weekly = self._session_with_meetings(
            district,
            weekly_program,
            [
                {
                    "start": self._local(district, day, 13),
                    "end": self._local(district, day, 15, 30),
                    "venue": hall,
                }
                for day in self._days(tuesday, 4, 7, holidays)
                if day not in days
            ],
            instructors[1],
            hr_user,
        )
        # One online meeting, ten days ahead, 09.00-11.15.
        day = self._working_day(self.today + datetime.timedelta(days=10), holidays)
        online = self._session_with_meetings(
            district,
            online_program,
            [
                {
                    "start": self._local(district, day, 9),
                    "end": self._local(district, day, 11, 15),
                    "is_online": True,
                    "join_link": "https://zoom.us/j/81234567890",
                }
            ],
            instructors[2],
            hr_user,
        )
        for session, count in ((bimtek, 12), (weekly, 8), (online, 20)):
            for person in people[:count]:
                Enrollment.objects.create(
                    session=session,
                    civil_servant=person,
                    status="approved",
                    enrolled_by=hr_user,
                )
