"""The local object store: keys stay inside its folder, writes replace whole files."""

from pathlib import Path

import pytest

from fitconnect.platform.storage import LocalObjectStore, ObjectNotFoundError, open_object_store
from fitconnect.settings import ObjectStoreSettings


async def test_put_get_delete(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    await store.put("avatars/a/1.png", b"one", "image/png")
    await store.put("avatars/a/1.png", b"two", "image/png")
    assert await store.get("avatars/a/1.png") == b"two"
    assert [p.name for p in (tmp_path / "avatars" / "a").iterdir()] == ["1.png"]
    assert await store.download_url("avatars/a/1.png", 60) is None
    await store.delete("avatars/a/1.png")
    await store.delete("avatars/a/1.png")  # already gone: fine
    with pytest.raises(ObjectNotFoundError):
        await store.get("avatars/a/1.png")


@pytest.mark.parametrize("key", ["../escape", "a/../../b", "/etc/passwd", "a//b", "a/./b", ""])
async def test_keys_outside_the_folder_are_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="invalid object key"):
        await LocalObjectStore(tmp_path / "root").put(key, b"x", "text/plain")
    assert not (tmp_path / "root").exists()


async def test_the_default_store_is_a_folder_in_the_data_dir(tmp_path: Path) -> None:
    store = open_object_store(ObjectStoreSettings(), tmp_path)
    await store.put("k", b"data", "application/octet-stream")
    assert (tmp_path / "objects" / "k").read_bytes() == b"data"


def test_an_s3_store_needs_a_bucket() -> None:
    with pytest.raises(ValueError, match="BUCKET"):
        ObjectStoreSettings(kind="s3")
