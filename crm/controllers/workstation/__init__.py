"""This workstation's own settings (``config.toml``): where its server and key are, its language."""
