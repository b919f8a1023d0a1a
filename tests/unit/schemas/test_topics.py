"""Every topic string of the wire contract comes from ``schemas.topics``."""

from fitconnect.schemas.topics import Channel, DeviceTopic, device_filter, device_prefix


def test_a_device_topic_is_under_its_prefix_and_matched_by_its_filter() -> None:
    topic = DeviceTopic("tenant-1", "device-1", Channel.TELEMETRY)

    assert str(topic) == "fc/v1/tenant-1/device-1/telemetry"
    assert str(topic).startswith(device_prefix("tenant-1", "device-1") + "/")
    assert device_filter("device-1", Channel.TELEMETRY) == "fc/v1/+/device-1/telemetry"
    assert DeviceTopic.parse(str(topic)) == topic
