"""vrambot's front ends: the command line and the Discord and Slack adapters (no domain logic here)."""
