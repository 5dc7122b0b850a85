"""HR tasks through a real Redis broker and a real ``celery worker`` (PostgreSQL only).

The worker is another process and must see the rows the test writes, which
the in-memory SQLite test database cannot offer.
"""

import datetime

import pytest
from django.utils import timezone

from districts.models import CivilServant
from tests.celery_harness import TEST_BROKER_URL, running_worker, wait_for
from tests.factories import (
    EnrollmentFactory,
    SessionFactory,
    WorkUnitFactory,
    district,
    hr_officer,
    make_nip,
)
from training.models import ImportJob
from training.services import import_jobs, scheduling

BROKER = TEST_BROKER_URL

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def hr_worker(smtp_sink, worker_database, settings):
    with running_worker(
        BROKER,
        smtp_port=smtp_sink.port,
        database_url=worker_database,
        extra_env={"DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT)},
    ) as worker:
        yield worker


def test_cancelling_a_session_emails_everyone_through_the_worker(hr_worker, smtp_sink):
    officer = hr_officer(district("mulyorejo"))
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=10)
    session = SessionFactory(start=start)
    people = [EnrollmentFactory(session=session).civil_servant for _ in range(2)]

    scheduling.cancel_session(session=session, reason="Banjir", actor=officer.user)

    assert wait_for(lambda: len(smtp_sink.messages) == 2)
    assert sorted(message["To"] for message in smtp_sink.messages) == sorted(
        person.email for person in people
    )
    assert all(m["Subject"].startswith("Sesi pelatihan dibatalkan") for m in smtp_sink.messages)


def test_large_import_is_previewed_and_committed_by_the_worker(hr_worker, monkeypatch):
    officer = hr_officer(district("mulyorejo"))
    WorkUnitFactory(code="KEC")
    monkeypatch.setattr(import_jobs, "BACKGROUND_ROWS", 2)
    birth = datetime.date(1986, 9, 26)
    lines = ["NIP;Nama;Jenis Kelamin;Tanggal Lahir;Jenis ASN;Pangkat/Golongan;Jabatan;Unit Kerja"]
    lines += [
        f"{make_nip(300 + n, birth=birth)};Orang {n};L;26-09-1986;PNS;II/c;Staf;KEC"
        for n in range(3)
    ]

    job = import_jobs.start_import(
        district=district("mulyorejo"),
        kind="personnel",
        name="besar.csv",
        data="\n".join(lines).encode(),
        actor=officer.user,
    )
    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "previewed")
    job.refresh_from_db()
    assert import_jobs.request_commit(job=job, actor=officer.user, now=timezone.now())

    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "committed")
    assert CivilServant.objects.filter(name__startswith="Orang ").count() == 3
