"""This workstation's settings: the connection (server address, key file), printing."""
