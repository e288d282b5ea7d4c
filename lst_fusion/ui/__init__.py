"""Dock panel (GUI path only)."""
