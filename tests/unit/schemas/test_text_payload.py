"""Text published as telemetry is named for what it is, not reported as a MessagePack type."""

import pytest

from fitconnect.schemas import TelemetryBatch
from fitconnect.schemas.errors import WireError
from fitconnect.schemas.messages import decode


@pytest.mark.parametrize("payload", [b"hello world", b"21.5", b"hr=140,power=250"])
def test_text_is_not_messagepack_or_json(payload: bytes) -> None:
    with pytest.raises(WireError) as err:
        decode(payload, TelemetryBatch)
    assert err.value.reason == "undecodable"
    assert "not MessagePack or JSON" in str(err.value)
    assert "Expected `object`" not in str(err.value)
