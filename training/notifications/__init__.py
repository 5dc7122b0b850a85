"""Conflict pages of a civil servant (resolve, switch, cancel), notifications, HR panel."""
