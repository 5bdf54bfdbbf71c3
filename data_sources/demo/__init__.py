"""The demo city: a generated city to run, show and test Live Room without real feeds
(``city``: the whole city; ``complaints``, ``devices``, ``services``: its parts; ``texts``:
the invented words; ``simulator``: the live changes while the app runs)."""
from data_sources.demo.city import ensure_demo, generate, has_data
from data_sources.demo.common import SIZES, DemoSize

__all__ = ["SIZES", "DemoSize", "ensure_demo", "generate", "has_data"]
