"""Activity files an athlete uploads: FIT, TCX and GPX, read by the background worker."""
