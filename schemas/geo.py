"""Distances between the points events carry (``area``, ``location``: latitude and longitude in degrees)."""

from __future__ import annotations

import math

__all__ = ["distance_m"]


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine).

    >>> round(distance_m(0, 0, 0, 1) / 1000)
    111
    """
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))
