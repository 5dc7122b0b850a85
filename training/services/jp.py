"""Yearly training targets in JP (jam pelajaran)."""

from django.conf import settings


def yearly_target(asn_type: str) -> int:
    """Return the JP a person should reach in a year: 20 for PNS/CPNS, the cap for PPPK."""
    if asn_type == "PPPK":
        return settings.PPPK_YEARLY_CAP_JP
    return settings.PNS_YEARLY_TARGET_JP


def credited_jp(asn_type: str, earned: int) -> int:
    """Return the JP that count toward the year: PPPK are capped."""
    if asn_type == "PPPK":
        return min(earned, settings.PPPK_YEARLY_CAP_JP)
    return earned
