"""The Discord adapter: slash commands, mentions and threads over ``knowledge`` (no domain logic here)."""
