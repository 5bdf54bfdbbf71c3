"""/cctv : the city's CCTV cameras, their state, uptime and outages."""
import dash

from pages import _devices

KIND = "cctv"
IDS = _devices.ids(KIND)
dash.register_page(__name__, path="/cctv", name="CCTV", order=20, layout=_devices.register(KIND))
