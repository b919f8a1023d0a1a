"""Closing a threaded paho client so that no socket of it outlives the test."""

from __future__ import annotations

import paho.mqtt.client as mqtt


def close(client: mqtt.Client) -> None:
    """Disconnect, stop the network thread, and close every socket of ``client``.

    paho keeps its wake-up socket pair open until the client is collected; collected in a
    reference cycle, the sockets may be finalised first, a ``ResourceWarning`` that the suite
    turns into an error at its end. ``reinitialise()`` closes them all.
    """
    client.disconnect()
    client.loop_stop()
    client.reinitialise()
