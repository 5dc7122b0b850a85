"""HR staff: programs, sessions, rosters, attendance, certificates, imports."""
