"""Devices context: registration, MQTT credentials, the broker's password and ACL files."""
