"""The social context: follows and clubs (the circles leaderboards are ranked within)."""
