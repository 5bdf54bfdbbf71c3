"""Read-only JSON endpoints for other city systems, as Flask blueprints."""
from api.briefing import blueprint as briefing_blueprint
from api.complaints import blueprint as complaints_blueprint
from api.devices import blueprint as devices_blueprint
from api.health import blueprint as health_blueprint

BLUEPRINTS = (health_blueprint, complaints_blueprint, devices_blueprint, briefing_blueprint)

__all__ = ["BLUEPRINTS", "briefing_blueprint", "complaints_blueprint", "devices_blueprint", "health_blueprint"]
