"""Where notifications come from: real BLE (bleak), the simulator, FIT replay."""

from fitconnect.edge_agent.sources.base import DeviceSource, Notification

__all__ = ["DeviceSource", "Notification"]
