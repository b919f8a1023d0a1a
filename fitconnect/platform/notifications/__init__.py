"""Notifications context: an outbox written with the change that causes it, an inbox, e-mail."""
