"""The app's HTTP endpoints beside the Dash pages, as Flask blueprints: JSON for other city
systems, the briefing's downloads, and the language and theme preferences."""
from api.briefing import blueprint as briefing_blueprint
from api.complaints import blueprint as complaints_blueprint
from api.devices import blueprint as devices_blueprint
from api.evaluation import blueprint as evaluation_blueprint
from api.evidence import blueprint as evidence_blueprint
from api.health import blueprint as health_blueprint
from api.ingest import blueprint as ingest_blueprint
from api.kpi_template import blueprint as kpi_template_blueprint
from api.preferences import blueprint as preferences_blueprint

BLUEPRINTS = (health_blueprint, complaints_blueprint, devices_blueprint, briefing_blueprint, ingest_blueprint,
              preferences_blueprint, evidence_blueprint, evaluation_blueprint,
              kpi_template_blueprint)

__all__ = ["BLUEPRINTS"]
