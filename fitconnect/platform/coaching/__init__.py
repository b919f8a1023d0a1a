"""Coaching context: a coach invites an athlete; once accepted the coach reads, never writes."""
