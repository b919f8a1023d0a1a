"""``python -m fitconnect.edge_agent`` runs the edge agent's command line."""

from fitconnect.edge_agent.cli import main

main()
