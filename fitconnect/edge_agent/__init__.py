"""The edge agent: GATT decoders, device sources, the durable buffer and the MQTT publisher.

It imports ``fitconnect.schemas`` and nothing else of ours, so it installs with the ``edge``
extra alone on a small device.
"""
