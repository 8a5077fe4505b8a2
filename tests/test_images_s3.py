"""Images in an S3 bucket, through a real S3 API: moto's server, in this process, on a free port.

No network: moto answers on 127.0.0.1. django-storages' S3Storage (what DJANGO_S3_BUCKET
turns on in config/settings.py) talks HTTP to it exactly as it would to AWS or MinIO.
"""

import json
import socket
import subprocess
import sys
import uuid

import pytest
from django.urls import reverse

from images.models import Image

from .imaging import picture, upload
from .test_security import ROOT, production_env

pytestmark = pytest.mark.django_db


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3(settings, monkeypatch):
    """A bucket on an in-process S3 server; the default storage points at it for the test."""
    boto3 = pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    port = free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    bucket = f"blog-images-{uuid.uuid4().hex[:8]}"  # moto keeps its buckets for the whole process
    try:
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        client.create_bucket(Bucket=bucket)
        # Setting STORAGES resets django.core.files.storage.storages and default_storage
        # (django.test.signals.storages_changed), and again when the test restores it.
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": bucket,
                    "endpoint_url": endpoint,
                    "region_name": "us-east-1",
                    "querystring_auth": False,
                    "default_acl": "public-read",
                    "file_overwrite": False,
                    "addressing_style": "path",
                },
            },
        }
        settings.MEDIA_URL = f"{endpoint}/{bucket}/"
        yield client, endpoint, bucket
    finally:
        server.stop()


def keys(client, bucket):
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def test_an_upload_goes_to_the_bucket_with_its_renditions(staff_client, s3):
    client, endpoint, bucket = s3
    response = upload(staff_client, picture("PNG", (1200, 800)), name="bucket chart.png", alt="In the bucket")
    assert response.status_code == 201, response.content
    image = Image.objects.get()
    assert keys(client, bucket) == sorted(image.file_names)
    assert [r["width"] for r in image.renditions] == [480, 960]
    body = response.json()
    assert body["url"] == f"{endpoint}/{bucket}/{image.file.name}"  # public, no signature
    assert body["markdown"] == f"![In the bucket]({body['url']})"
    head = client.head_object(Bucket=bucket, Key=image.file.name)
    assert head["ContentType"] == "image/png"
    assert client.get_object(Bucket=bucket, Key=image.file.name)["Body"].read().startswith(b"\x89PNG")


def test_deleting_the_image_deletes_its_objects(staff_client, s3, django_capture_on_commit_callbacks):
    client, _endpoint, bucket = s3
    assert upload(staff_client, picture("JPEG", (1000, 600)), name="gone.jpg").status_code == 201
    assert len(keys(client, bucket)) == 3
    image = Image.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("admin:images_image_delete", args=[image.pk]), {"post": "yes"})
    assert keys(client, bucket) == []


def storage_settings(**extra):
    """STORAGES["default"], MEDIA_URL and the CSP's img-src as a fresh process loads them."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'default': s.STORAGES['default'], 'MEDIA_URL': s.MEDIA_URL, "
        "'img-src': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']}))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(DJANGO_SETTINGS_MODULE="config.settings", **extra),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_local_disk_is_the_default_storage():
    loaded = storage_settings()
    assert loaded["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert loaded["MEDIA_URL"] == "/media/"


def test_a_bucket_in_the_environment_switches_to_public_unsigned_s3():
    loaded = storage_settings(DJANGO_S3_BUCKET="career-images", DJANGO_S3_REGION="eu-west-3")
    assert loaded["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = loaded["default"]["OPTIONS"]
    assert (options["bucket_name"], options["region_name"]) == ("career-images", "eu-west-3")
    assert options["querystring_auth"] is False and options["default_acl"] == "public-read"
    assert loaded["MEDIA_URL"] == "https://career-images.s3.eu-west-3.amazonaws.com/"


def test_a_custom_domain_serves_the_bucket_and_a_local_endpoint_is_allowed_by_the_csp():
    cdn = storage_settings(DJANGO_S3_BUCKET="b", DJANGO_S3_CUSTOM_DOMAIN="img.example.com")
    assert cdn["default"]["OPTIONS"]["custom_domain"] == "img.example.com"
    assert cdn["default"]["OPTIONS"]["default_acl"] is None  # the CDN reads a private bucket
    assert cdn["MEDIA_URL"] == "https://img.example.com/"
    minio = storage_settings(DJANGO_S3_BUCKET="b", DJANGO_S3_ENDPOINT_URL="http://127.0.0.1:9000/")
    assert minio["MEDIA_URL"] == "http://127.0.0.1:9000/b/"
    assert "http://127.0.0.1:9000" in minio["img-src"]
