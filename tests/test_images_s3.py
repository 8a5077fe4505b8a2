"""Images in an S3 bucket, through a real S3 API: moto's server, in this process, on a free port.

No network: moto answers on 127.0.0.1. django-storages' S3Storage (what DJANGO_S3_BUCKET
turns on in config/settings.py) talks HTTP to it exactly as it would to AWS or MinIO.
"""

import socket
import uuid

import pytest
from django.urls import reverse

from images.models import Image

from .imaging import picture, upload

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
