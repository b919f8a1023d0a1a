"""The wire contract between the edge agent and ingest: topics and message structs.

It imports nothing else of FitConnect.
"""
