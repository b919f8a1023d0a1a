"""Gamification: XP, levels, streaks, badges, challenges and leaderboards from sessions."""
