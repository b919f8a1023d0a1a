"""One module per ``fitconnect-edge`` command."""
