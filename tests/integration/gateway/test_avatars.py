"""Avatars through the real app: upload, read back, profile link, refusals, S3 (moto)."""

import hashlib
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from fastapi.testclient import TestClient
from moto.server import ThreadedMotoServer

from fitconnect.gateway.app import create_app
from fitconnect.settings import ObjectStoreSettings, Settings
from tests.keys import SECRET_KEY

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery"
BUCKET = "fitconnect-media"


def png(width: int = 2, height: int = 2, rgb: bytes = b"\x10\x80\xf0") -> bytes:
    """A small, valid PNG (8-bit RGB, one colour)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = b"".join(b"\x00" + rgb * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The app with its local object store in ``tmp_path``."""
    settings = Settings(environment="test", secret_key=SECRET_KEY, data_dir=tmp_path)  # type: ignore[arg-type]
    with TestClient(create_app(settings, database_url)) as c:
        yield c


def athlete(client: TestClient, email: str) -> dict[str, str]:
    """Register and log in over REST; the bearer header of the new athlete."""
    body = {"email": email, "password": PASSWORD, "display_name": email.partition("@")[0]}
    assert client.post("/api/v1/auth/register", json=body).status_code == 201
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def upload(client: TestClient, auth: dict[str, str], data: bytes, kind: str) -> Any:
    return client.put("/api/v1/me/avatar", content=data, headers={**auth, "Content-Type": kind})


def avatar_url_in_profile(client: TestClient, auth: dict[str, str]) -> Any:
    response = client.post("/graphql", json={"query": "{ profile { avatarUrl } }"}, headers=auth)
    assert response.status_code == 200, response.text
    return response.json()["data"]["profile"]["avatarUrl"]


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "objects").rglob("*") if p.is_file())


def test_an_uploaded_avatar_reads_back_byte_identical_and_shows_in_the_profile(
    client: TestClient, tmp_path: Path
) -> None:
    auth = athlete(client, "ada.avatar@example.com")
    assert avatar_url_in_profile(client, auth) is None
    image = png()

    response = upload(client, auth, image, "image/png")
    assert response.status_code == 200, response.text
    url = response.json()["avatar_url"]
    assert avatar_url_in_profile(client, auth) == url

    mine = client.get("/api/v1/me/avatar", headers=auth)
    assert mine.status_code == 200
    assert mine.content == image
    assert mine.headers["content-type"] == "image/png"
    public = client.get(url)  # what an <img src> does: no token
    assert public.content == image
    assert client.get(url, headers={"If-None-Match": public.headers["etag"]}).status_code == 304

    [stored] = stored_files(tmp_path)
    assert stored.name == f"{hashlib.sha256(image).hexdigest()}.png"
    assert stored.read_bytes() == image


def test_a_new_avatar_replaces_the_old_object_and_delete_removes_it(
    client: TestClient, tmp_path: Path
) -> None:
    auth = athlete(client, "grace.avatar@example.com")
    first = upload(client, auth, png(rgb=b"\x00\x00\x00"), "image/png").json()["avatar_url"]
    second = upload(client, auth, JPEG, "image/jpeg").json()["avatar_url"]
    assert first != second
    assert client.get("/api/v1/me/avatar", headers=auth).content == JPEG
    assert [p.suffix for p in stored_files(tmp_path)] == [".jpg"]

    assert client.delete("/api/v1/me/avatar", headers=auth).status_code == 204
    gone = client.get("/api/v1/me/avatar", headers=auth)
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "NOT_FOUND"
    assert avatar_url_in_profile(client, auth) is None
    assert stored_files(tmp_path) == []


def test_what_is_not_a_png_jpeg_or_webp_is_refused(client: TestClient) -> None:
    auth = athlete(client, "mallory.avatar@example.com")
    for data, kind in [
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png"),
        (b"GIF89a\x01\x00\x01\x00", "image/png"),
        (png(), "image/jpeg"),  # a PNG that says it is a JPEG
        (b"", "image/png"),
    ]:
        response = upload(client, auth, data, kind)
        assert response.status_code == 422, (data, response.text)
        assert response.json()["error"]["code"] == "VALIDATION"
    assert avatar_url_in_profile(client, auth) is None


def test_an_image_over_two_megabytes_is_refused(client: TestClient) -> None:
    auth = athlete(client, "big.avatar@example.com")
    too_big = png() + b"\x00" * (2 * 1024 * 1024)
    response = upload(client, auth, too_big, "image/png")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "TOO_LARGE"
    assert avatar_url_in_profile(client, auth) is None


def test_another_athlete_cannot_overwrite_or_remove_an_avatar(client: TestClient) -> None:
    owner = athlete(client, "owner.avatar@example.com")
    other = athlete(client, "other.avatar@example.com")
    image = png(rgb=b"\xff\x00\x00")
    url = upload(client, owner, image, "image/png").json()["avatar_url"]
    account_id = url.split("/")[-1].split("?")[0]

    assert client.put("/api/v1/me/avatar", content=JPEG).status_code == 401
    assert (
        client.put(f"/api/v1/avatars/{account_id}", content=JPEG, headers=other).status_code == 405
    )
    assert upload(client, other, JPEG, "image/jpeg").status_code == 200
    assert client.delete("/api/v1/me/avatar", headers=other).status_code == 204

    assert client.get(url).content == image
    assert client.get("/api/v1/me/avatar", headers=owner).content == image
    assert avatar_url_in_profile(client, owner) == url


@pytest.fixture
def s3_client(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, Any]]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    objects = ObjectStoreSettings(
        kind="s3",
        s3_endpoint_url=endpoint,
        bucket=BUCKET,
        access_key="testing",
        secret_key="testing",  # type: ignore[arg-type]
    )
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=BUCKET)
    settings = Settings(  # type: ignore[arg-type]
        environment="test", secret_key=SECRET_KEY, data_dir=tmp_path, objects=objects
    )
    try:
        with TestClient(create_app(settings, database_url)) as c:
            yield c, s3
    finally:
        server.stop()


def test_with_s3_the_avatar_is_served_by_a_presigned_url(
    s3_client: tuple[TestClient, Any],
) -> None:
    client, s3 = s3_client
    auth = athlete(client, "s3.avatar@example.com")
    first = png(rgb=b"\x01\x02\x03")
    assert upload(client, auth, first, "image/png").status_code == 200
    image = png(rgb=b"\x04\x05\x06")
    url = upload(client, auth, image, "image/png").json()["avatar_url"]

    redirect = client.get(url, follow_redirects=False)
    assert redirect.status_code == 307
    fetched = httpx.get(redirect.headers["location"])
    assert fetched.status_code == 200
    assert fetched.content == image
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == [
        f"{url.split('?')[0].replace('/api/v1/', '')}/{hashlib.sha256(image).hexdigest()}.png"
    ]
    assert s3.head_object(Bucket=BUCKET, Key=keys[0])["ContentType"] == "image/png"

    assert client.delete("/api/v1/me/avatar", headers=auth).status_code == 204
    assert s3.list_objects_v2(Bucket=BUCKET).get("Contents", []) == []
