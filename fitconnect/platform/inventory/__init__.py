"""The inventory context: catalogue, locations, stock with its audit log, reservations."""
