"""Reading what the analytics jobs award (through the views they publish for it): XP, levels,
streaks, badges and leaderboards."""
