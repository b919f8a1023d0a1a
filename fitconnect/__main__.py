"""``python -m fitconnect`` runs the server command line."""

from fitconnect.cli import main

main()
