"""The certificate as an official document: agency, logo, signatory, embedded font, metadata.

The PDF is read back with pypdf, a real parser.
"""

import datetime
import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from districts.models import District
from tests.factories import EnrollmentFactory, SessionFactory, district, local
from training.models import CompletionRecord
from training.services import attendance, roster

pytestmark = pytest.mark.django_db

SIGNATORY = {
    "hr_email": "bkpsdm@mulyorejo.go.id",
    "agency_name": "Badan Kepegawaian dan Pengembangan SDM Kecamatan Mulyorejo",
    "signatory_name": "Drs. Bambang Suryadi, M.Si.",
    "signatory_nip": "19700512 199403 1 002",
    "signatory_position": "Kepala BKPSDM",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png_logo(size=(200, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (139, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _issue(officer, person_name="Sri Wahyuni") -> CompletionRecord:
    day = timezone.localdate() - datetime.timedelta(days=14)
    session = SessionFactory(
        district=district("mulyorejo"),
        start=local(day.year, day.month, day.day, 8),
        program__title="Pengelolaan Arsip Dinamis",
    )
    enrollment = EnrollmentFactory(session=session, civil_servant__name=person_name)
    now = timezone.now()
    for meeting in session.meetings.all():
        attendance.mark_meeting(
            meeting=meeting, marks={enrollment.pk: ("present", "")}, actor=officer.user, now=now
        )
    roster.record_completion(
        session=session,
        results={enrollment.pk: {"score": None, "passed": True, "jp_credited": 8}},
        actor=officer.user,
        now=now,
    )
    return CompletionRecord.objects.get(session=session)


def _settings(hr_client, **changes):
    mulyorejo = district("mulyorejo")
    data = {**SIGNATORY, **changes}
    return hr_client.post(reverse("training:hr-district", args=[mulyorejo.pk]), data)


def test_hr_sets_signatory_and_logo_and_the_certificate_shows_them(hr_client, officer, client):
    logo = SimpleUploadedFile("logo.png", png_logo(), content_type="image/png")
    saved = _settings(hr_client, logo=logo)
    record = _issue(officer)
    # A later change of signatory does not touch a certificate already issued.
    _settings(hr_client, signatory_name="Ir. Lain Orang", signatory_position="Plt. Kepala BKPSDM")
    client.force_login(record.civil_servant.user)

    response = client.get(reverse("training:certificate", args=[record.pk]))

    assert saved.status_code == 302
    mulyorejo = District.objects.get(slug="mulyorejo")
    assert mulyorejo.signatory_nip == "197005121994031002"
    assert mulyorejo.agency_logo.name.endswith(".png")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in (
        "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SDM KECAMATAN MULYOREJO",
        "Drs. Bambang Suryadi, M.Si.",
        "NIP 19700512 199403 1 002",
        "Kepala BKPSDM",
        "Sri Wahyuni",
        "Pengelolaan Arsip Dinamis",
    ):
        assert expected in text
    assert "Ir. Lain Orang" not in text
    metadata = reader.metadata
    assert metadata.title == f"Sertifikat {record.certificate_number}"
    assert metadata.author == SIGNATORY["agency_name"]
    assert "Pengelolaan Arsip Dinamis" in metadata.subject
    assert "Sri Wahyuni" in metadata.subject
    fonts = _fonts(reader)
    assert fonts, "no fonts"
    assert all(embedded for _name, embedded in fonts), fonts
    assert {name.split("+")[-1] for name, _embedded in fonts} == {
        "DejaVuSerif",
        "DejaVuSerif-Bold",
    }
    images = reader.pages[0]["/Resources"]["/XObject"]
    assert len(images) == 2  # the logo and the QR code


def _fonts(reader) -> list[tuple[str, bool]]:
    """Return each font of the first page with whether its glyphs are in the file."""
    found = []
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        descriptor = font.get("/FontDescriptor")
        if descriptor is None and "/DescendantFonts" in font:
            descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
        found.append((str(font["/BaseFont"]).lstrip("/"), embedded))
    return found


def test_certificate_without_settings_still_reads_as_issued_by_the_district(officer, client):
    record = _issue(officer, person_name="Ayu Ningsih")
    client.force_login(record.civil_servant.user)

    response = client.get(reverse("training:certificate", args=[record.pk]))

    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.author == "Mulyorejo"
    assert "MULYOREJO" in reader.pages[0].extract_text()


def test_indonesian_and_accented_names_are_drawn_in_the_embedded_font(officer, client):
    record = _issue(officer, person_name="Ni Komang Ayu Çandrawati")
    client.force_login(record.civil_servant.user)

    response = client.get(reverse("training:certificate", args=[record.pk]))

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Ni Komang Ayu Çandrawati" in text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "PNG atau JPEG"),
        ("logo.png", b"GIF89a" + b"\0" * 40, "PNG atau JPEG"),
        ("logo.jpg", b"\xff\xd8\xff" + b"\0" * 40, "PNG atau JPEG"),
    ],
)
def test_logo_is_checked_by_its_content(hr_client, name, content, message):
    response = _settings(hr_client, logo=SimpleUploadedFile(name, content))

    assert response.status_code == 200
    assert message in response.context["form"].errors["logo"][0]
    assert not District.objects.get(slug="mulyorejo").agency_logo


def test_signatory_nip_and_pairing_are_checked_at_the_field(hr_client):
    response = _settings(hr_client, signatory_nip="1234", signatory_position="")

    errors = response.context["form"].errors
    assert "18 digit" in errors["signatory_nip"][0]
    assert errors["signatory_position"] == ["Isi nama dan jabatan penanda tangan bersama-sama."]


def test_another_district_settings_are_404(hr_client):
    plaju = district("plaju")

    assert hr_client.get(reverse("training:hr-district", args=[plaju.pk])).status_code == 404
    assert _settings(hr_client).status_code == 302
    assert (
        hr_client.post(reverse("training:hr-district", args=[plaju.pk]), SIGNATORY).status_code
        == 404
    )


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_certificate_renders_to_a_png(officer, client, tmp_path):
    record = _issue(officer)
    client.force_login(record.civil_servant.user)
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(client.get(reverse("training:certificate", args=[record.pk])).content)

    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )

    with Image.open(tmp_path / "page.png") as image:
        assert image.size[0] > image.size[1]  # landscape A4


def test_the_admin_checks_an_uploaded_logo_by_its_content(admin_client):
    mulyorejo = district("mulyorejo")
    url = reverse("admin:districts_district_change", args=[mulyorejo.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"hr_staff", "agency_logo"}
    }

    refused = admin_client.post(
        url, {**data, "agency_logo": SimpleUploadedFile("logo.png", b"<svg/>")}
    )
    taken = admin_client.post(url, {**data, "agency_logo": SimpleUploadedFile("l.png", png_logo())})

    assert "PNG atau JPEG" in str(refused.context["adminform"].form.errors["agency_logo"])
    assert taken.status_code == 302
    assert District.objects.get(pk=mulyorejo.pk).agency_logo.name.startswith("logos/")
