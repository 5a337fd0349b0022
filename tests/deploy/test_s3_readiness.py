"""/healthz/ready against the S3 API for real (moto's server): the bucket answering is "ok"; a
bucket that is missing, or credentials it refuses, take the portal out of the pool (503)."""

import copy
import logging

import boto3
import pytest

pytestmark = pytest.mark.django_db
PORT = 18495


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=PORT, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{PORT}"
    server.stop()


@pytest.fixture
def bucket_storage(s3_endpoint, settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "moto-not-a-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "moto-not-a-secret")
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-2").create_bucket(
        Bucket="portal-evidence", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )

    def use(bucket):
        storages = copy.deepcopy(settings.STORAGES)
        storages["default"] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": bucket, "region_name": "eu-west-2", "endpoint_url": s3_endpoint},
        }
        settings.STORAGES = storages

    return use


def test_ready_when_the_bucket_answers_and_not_when_it_is_missing(client, bucket_storage):
    bucket_storage("portal-evidence")
    response = client.get("/healthz/ready")
    assert response.status_code == 200 and response.json()["storage"] == "ok"
    bucket_storage("no-such-bucket")
    response = client.get("/healthz/ready")
    assert response.status_code == 503 and response.json()["storage"] == "unavailable"
