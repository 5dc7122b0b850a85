"""HR staff's pages: programs, sessions, rosters, attendance, certificates, imports.

Views, forms and page-only reads; the rules they call live in ``training.services``.
"""
