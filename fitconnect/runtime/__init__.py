"""Starting and stopping what ``fitconnect up`` runs: embedded services and the processes."""
