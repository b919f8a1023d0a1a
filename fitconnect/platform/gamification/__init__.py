"""Reading what the analytics jobs award: XP, levels, streaks, badges and leaderboards."""
