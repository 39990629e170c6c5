"""Insights computed from the store: what moves pay (skills asked for in postings, ...).

Each module reads the store and returns plain dataclasses; the CLI and the API format them.
"""
