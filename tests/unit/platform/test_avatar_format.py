"""Avatars are recognised by their first bytes, whatever the upload claims."""

import pytest

from fitconnect.platform.users.avatars import image_extension


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpg"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "webp"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),  # RIFF, but audio
        (b"GIF89a\x01\x00", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"\x89PNG", None),  # cut short
        (b"", None),
    ],
)
def test_image_extension(data: bytes, expected: str | None) -> None:
    assert image_extension(data) == expected
