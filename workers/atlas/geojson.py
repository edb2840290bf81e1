"""Events as GeoJSON for GIS tools (QGIS, kepler.gl): one FeatureCollection of Point features, one per event
with coordinates, its properties the fields of the other formats (the v_events columns)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

__all__ = ["events_geojson"]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def events_geojson(events: Iterable[Mapping[str, Any]]) -> str:
    """A FeatureCollection of the events with coordinates (`[longitude, latitude]`, as GeoJSON orders them;
    the others are left out), each feature's `id` the event id and its `properties` every field."""
    features = [
        {
            "type": "Feature",
            "id": event["event_id"],
            "geometry": {"type": "Point", "coordinates": [event["longitude"], event["latitude"]]},
            "properties": {key: _plain(value) for key, value in event.items()},
        }
        for event in events
        if event["latitude"] is not None and event["longitude"] is not None
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
