"""/cctv : the city's CCTV cameras, their state, uptime and outages."""
import dash

from pages._devices import DevicePage

PAGE = DevicePage("cctv")
IDS = PAGE.ids
dash.register_page(__name__, path="/cctv", name="CCTV", order=20, layout=PAGE.layout)
