"""Read-only JSON endpoints for other city systems, as a Flask blueprint."""
from api.health import blueprint as health_blueprint

__all__ = ["health_blueprint"]
