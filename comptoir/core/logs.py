"""Logging configurations chosen by ``LOG_FORMAT`` (imported by the settings: no Django here)."""


def json_logging_config(level: str = "INFO", stream=None) -> dict:
    """``LOGGING`` for ``LOG_FORMAT=json``: one JSON object a line on ``stream`` (standard error
    by default), with the request id."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}
    if stream is not None:
        handler["stream"] = stream
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "comptoir.operations.observability.RequestIdFilter"}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {"comptoir": {"level": level}},
    }
