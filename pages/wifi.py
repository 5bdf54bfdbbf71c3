"""/wifi : public-WiFi access points in parks, clinics, schools and offices."""
import dash

from pages import _devices

KIND = "wifi"
IDS = _devices.ids(KIND)
dash.register_page(__name__, path="/wifi", name="WiFi Publik", order=21, layout=_devices.register(KIND))
