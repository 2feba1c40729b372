"""The S3-compatible file store (services/storage.py, `FILE_STORE=s3`) against a real S3 server: moto's
server mode on 127.0.0.1, started for these tests, spoken to by boto3 over HTTP like any bucket."""
from __future__ import annotations

import hashlib
import io
import socket
import time
from datetime import date

import boto3
import pytest
from moto.server import ThreadedMotoServer
from werkzeug.datastructures import FileStorage

from webapp.extensions import db
from webapp.services.storage import CheckedUpload, S3Store, StorageUnavailable, remove_orphan_files, store_file, stored_names
from webapp.services.submissions import submit_certification

CARD = b"%PDF-1.4 a first aid card"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, request):
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    name = f"fieldcert-{request.node.name[:30].replace('_', '-').lower()}-{time.monotonic_ns() % 10**6}"
    client.create_bucket(Bucket=name)
    return S3Store(name, "files/", client=client)


@pytest.fixture
def s3_app(app, bucket, monkeypatch):
    """The app storing its files in the bucket."""
    monkeypatch.setitem(app.config, "FILE_STORE", "s3")
    monkeypatch.setitem(app.extensions, "file_store", bucket)
    return bucket


def test_the_bucket_keeps_each_content_once_under_its_hash(bucket):
    sha256 = hashlib.sha256(CARD).hexdigest()
    bucket.write(sha256, CARD)
    bucket.write(sha256, CARD)
    assert bucket.read(sha256) == CARD and list(bucket.names()) == [sha256]
    assert bucket.client.get_object(Bucket=bucket.bucket, Key=f"files/{sha256[:2]}/{sha256}")["Body"].read() == CARD
    assert bucket.read("0" * 64) is None
    bucket.check()


def test_a_missing_bucket_is_storage_unavailable(bucket):
    gone = S3Store("no-such-bucket", "files/", client=bucket.client)
    with pytest.raises(StorageUnavailable):
        gone.check()
    with pytest.raises(StorageUnavailable):
        gone.write("a" * 64, CARD)


def test_an_upload_is_stored_in_the_bucket_and_served_from_it(client, factory, sign_in, s3_app, frozen_clock):
    worker = sign_in(factory.user())
    upload = FileStorage(io.BytesIO(CARD), filename="card.pdf", content_type="application/pdf")
    submission = submit_certification(worker, factory.certification(name="First Aid"), date(2026, 6, 1), files=[upload])
    [attachment] = submission.attachments
    assert stored_names() == [hashlib.sha256(CARD).hexdigest()]
    response = client.get(f"/files/{attachment.id}")
    assert response.status_code == 200 and response.data == CARD and response.mimetype == "application/pdf"
    assert client.get(f"/files/{attachment.id}", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get("/readyz").get_json()["checks"]["storage"] == "ok"


def test_the_clean_up_removes_old_orphans_from_the_bucket_only(app_context, s3_app):
    kept, orphan = b"%PDF-1.4 kept", b"%PDF-1.4 orphan"
    store_file(CheckedUpload(data=kept, content_type="application/pdf", name="kept.pdf"))
    db.session.commit()
    s3_app.write(hashlib.sha256(orphan).hexdigest(), orphan)  # a file whose transaction failed
    assert remove_orphan_files() == 0  # both are young
    assert s3_app.remove_orphans({hashlib.sha256(kept).hexdigest()}, time.time() + 60) == 1
    assert stored_names() == [hashlib.sha256(kept).hexdigest()]
