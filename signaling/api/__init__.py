"""The HTTP API: JSON in and out, one error shape, described at /api/openapi.json."""
