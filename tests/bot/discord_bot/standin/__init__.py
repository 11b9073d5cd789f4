"""A stand-in for Discord (REST API and gateway) on 127.0.0.1, for end-to-end tests of the real client."""
