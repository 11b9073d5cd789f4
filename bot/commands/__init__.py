"""Subcommands of the `vrambot` command line, one module each."""
