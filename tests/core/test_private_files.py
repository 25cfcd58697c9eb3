"""Private files are answered only by views that check who asks, streamed or handed to nginx
(X-Accel-Redirect); in production nothing else under /media/ answers but image renditions of
public collections."""

import importlib.util
import io
import sys

import pytest
from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.models import Collection

from academy.services.photos import evidence_collection
from contests.models import ContestIndexPage
from core.certificates import issue_certificate, render_certificate, revoke_certificate
from core.models import Certificate
from tests.factories import CertificateFactory, UserFactory
from tests.factories.academy import PairingFactory
from tests.factories.contests import EntrantFactory, EventFactory, make_contest

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def production_urls(settings):
    """config.urls as production builds it: no static serving of the media folder."""
    settings.SERVE_MEDIA = False
    spec = importlib.util.find_spec("config.urls")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["production_urls"] = module
    settings.ROOT_URLCONF = "production_urls"
    yield
    sys.modules.pop("production_urls", None)


def drawn(certificate):
    render_certificate(certificate)
    certificate.refresh_from_db()
    return certificate


# ---------------------------------------------------------------- certificates


def test_a_valid_certificate_streams_to_anyone_with_its_code(client, site_tree):
    certificate = CertificateFactory()
    response = client.get(f"/verify/{certificate.code}/certificate.pdf")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/pdf" and "Location" not in response
    assert body(response).startswith(b"%PDF-")
    png = client.get(f"/verify/{certificate.code}/certificate.png")
    assert png["Content-Type"] == "image/png" and body(png).startswith(b"\x89PNG")


def test_with_the_accel_prefix_nginx_sends_the_file(client, site_tree, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_protected/"
    certificate = drawn(CertificateFactory())
    response = client.get(f"/verify/{certificate.code}/certificate.pdf")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_protected/{certificate.pdf.name}"
    assert response["Content-Type"] == "application/pdf"


@pytest.fixture
def revoked_pairing_certificate(site_tree):
    pairing = PairingFactory(
        mentor=UserFactory(username="mentor1", role="mentor"),
        apprentice=UserFactory(username="apprentice1", role="apprentice"),
    )
    certificate = issue_certificate(
        source=pairing, kind=Certificate.Kind.APPRENTICESHIP, recipient_name="钱一鸣", title="结业"
    )
    drawn(certificate)
    revoke_certificate(certificate, "误发")
    return pairing, certificate


def test_a_revoked_certificate_is_refused_to_the_public_and_to_another_mentor(
    client, revoked_pairing_certificate
):
    _pairing, certificate = revoked_pairing_certificate
    url = f"/verify/{certificate.code}/certificate.pdf"
    assert client.get(url).status_code == 404
    page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "certificate.pdf" not in page
    client.force_login(UserFactory(username="mentor2", role="mentor"))
    assert client.get(url).status_code == 404
    assert client.get(f"/verify/{certificate.code}/certificate.png").status_code == 404


@pytest.mark.parametrize("who", ["apprentice", "mentor", "manager"])
def test_a_revoked_certificate_opens_for_its_owner_mentor_and_managers(
    client, revoked_pairing_certificate, who
):
    pairing, certificate = revoked_pairing_certificate
    user = {
        "apprentice": pairing.apprentice,
        "mentor": pairing.mentor,
        "manager": UserFactory(username="boss", role="manager"),
    }[who]
    client.force_login(user)
    response = client.get(f"/verify/{certificate.code}/certificate.pdf")
    assert response.status_code == 200 and body(response).startswith(b"%PDF-")
    assert response["Cache-Control"] == "private, no-store"
    page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "certificate.pdf" in page and "公众无法下载" in page


def test_a_revoked_contest_certificate_opens_for_its_organizer_only(client, site_tree):
    organizer, stranger = (UserFactory(username=n, role="organizer") for n in ("org1", "org2"))
    contest = make_contest(ContestIndexPage.objects.get(), organizers=[organizer])
    make_contest(ContestIndexPage.objects.get(), organizers=[stranger], slug="other")
    entrant = EntrantFactory(event=EventFactory(contest=contest))
    certificate = issue_certificate(
        source=entrant, kind=Certificate.Kind.CONTEST, recipient_name=entrant.name, title="一等奖"
    )
    drawn(certificate)
    revoke_certificate(certificate, "成绩更正")
    url = f"/verify/{certificate.code}/certificate.png"
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(organizer)
    assert client.get(url).status_code == 200


def test_a_missing_file_is_a_404_not_a_500(client, site_tree):
    certificate = drawn(CertificateFactory())
    certificate.pdf.storage.delete(certificate.pdf.name)
    assert client.get(f"/verify/{certificate.code}/certificate.pdf").status_code == 404


# ---------------------------------------------------------------- media folder


def _image(png_bytes, collection, name):
    image = get_image_model().objects.create(
        title=name,
        file=ImageFile(io.BytesIO(png_bytes()), name=f"{name}.png"),
        collection=collection,
    )
    return image.get_rendition("width-20")


def test_production_serves_page_images_but_never_the_media_folder(
    client, site_tree, png_bytes, production_urls
):
    rendition = _image(png_bytes, Collection.get_first_root_node(), "page-picture")
    assert rendition.url.startswith("/media/images/")
    response = client.get(rendition.url)
    assert response.status_code == 200 and body(response).startswith(b"\x89PNG")
    assert response["Cache-Control"] == "public, max-age=86400"

    certificate = drawn(CertificateFactory())
    image = get_image_model().objects.get(title="page-picture")
    for name in (certificate.pdf.name, certificate.png.name, image.file.name):
        assert client.get(f"/media/{name}").status_code == 404, name
    assert client.get(f"/verify/{certificate.code}/certificate.pdf").status_code == 200


def test_evidence_photo_renditions_stay_private_at_their_media_address(
    client, site_tree, png_bytes, production_urls
):
    rendition = _image(png_bytes, evidence_collection(), "evidence")
    assert client.get(rendition.url).status_code == 404
    client.force_login(UserFactory(username="mentor9", role="mentor"))
    assert client.get(rendition.url).status_code == 404
    client.force_login(UserFactory(username="boss", role="manager"))  # the admin's thumbnails
    response = client.get(rendition.url)
    assert response.status_code == 200 and response["Cache-Control"].startswith("private")


def test_an_unknown_rendition_is_a_404(client, site_tree, production_urls):
    assert client.get("/media/images/nothing.width-20.png").status_code == 404


@pytest.fixture
def accel_documents(settings):
    from wagtail.utils.sendfile import _get_sendfile

    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_protected/"
    settings.SENDFILE_BACKEND = "core.sendfile_accel"
    _get_sendfile.clear()
    yield
    _get_sendfile.clear()


def test_documents_are_handed_to_nginx_with_the_accel_prefix(client, site_tree, accel_documents):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(
        title="章程", file=ContentFile(b"%PDF-1.4 rules", name="rules.pdf")
    )
    response = client.get(document.url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_protected/{document.file.name}"


def test_a_page_image_costs_two_queries(
    client, site_tree, png_bytes, production_urls, django_assert_max_num_queries
):
    renditions = [_image(png_bytes, Collection.get_first_root_node(), f"p{n}") for n in range(3)]
    for rendition in renditions:
        with django_assert_max_num_queries(2):
            assert client.get(rendition.url).status_code == 200
