"""Metrics, reports, the leave-one-date-out protocol and the auto choice's candidates."""
