"""Use cases over domain + store + devices: the one API the TUI, the CLI and the server call."""
