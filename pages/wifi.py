"""/wifi : public-WiFi access points in parks, clinics, schools and offices."""
import dash

from pages._devices import DevicePage

PAGE = DevicePage("wifi")
IDS = PAGE.ids
dash.register_page(__name__, path="/wifi", name="WiFi Publik", order=21, layout=PAGE.layout)
