// UI-only behaviour that needs no server round trip.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  liveroom: {
    // The header clock, in the city's time zone (e.g. "23 Nov 2026 14.05.07 WIB").
    clock: function (_n, config) {
      if (!config) { return ""; }
      const parts = new Intl.DateTimeFormat(config.locale, {
        timeZone: config.tz, day: "numeric", month: "short", year: "numeric",
        hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
      }).formatToParts(new Date());
      const get = (type) => (parts.find((p) => p.type === type) || {}).value || "";
      const sep = config.locale.startsWith("id") ? "." : ":";
      return `${get("day")} ${get("month")} ${get("year")} ${get("hour")}${sep}${get("minute")}${sep}${get("second")} ${config.label}`;
    },
    // Put Bootstrap's colour mode on <html> so the body and every component follow it.
    applyTheme: function (theme) {
      document.documentElement.setAttribute("data-bs-theme", theme || "light");
      document.documentElement.setAttribute("data-ag-theme-mode", theme || "light");  // AG Grid's colour mode
      return Date.now();
    },
    // Show or hide the wall map's layers in place (no server round trip, points untouched).
    layerVisibility: function (visible, built) {
      if (!built) { return window.dash_clientside.no_update; }
      const patch = new window.dash_clientside.Patch();
      (built.layers || []).forEach((key, index) => {
        const traces = (built.traces && built.traces[key]) || [index];  // a device layer: its rings and its dots
        traces.forEach((trace) => patch.assign(["data", trace, "visible"], (visible || []).includes(key)));
      });
      return patch.build();
    },
    // Fit the wall map to the size it is drawn at: the profile's zoom suits a map about
    // ``reference`` pixels wide, so a 4K wall gets proportionally closer (MapLibre zoom is per
    // pixel), and points grow with the page's type (the root font size; 28 px on a 4K wall).
    // Returns the figure patch and the marker scale the server keeps using for its patches.
    fitMapToScreen: function (state, graphId, figure) {
      const noUpdate = window.dash_clientside.no_update;
      const graph = document.getElementById(graphId);
      if (!state || !state.zoom || !graph || !graph.clientWidth || !figure) { return [noUpdate, noUpdate]; }
      const scale = Math.min(graph.clientWidth / state.reference, graph.clientHeight / state.reference * 1.6);
      const markerScale = parseFloat(getComputedStyle(document.documentElement).fontSize) / 16 || 1;
      const patch = new window.dash_clientside.Patch();
      patch.assign(["layout", "map", "zoom"], state.zoom + Math.log2(Math.max(scale, 0.25)));
      if (markerScale !== 1) {
        (figure.data || []).forEach((trace, index) => {
          const sizes = (trace.marker && trace.marker.size) || [];
          patch.assign(["data", index, "marker", "size"], sizes.map((size) => Math.round(size * markerScale * 10) / 10));
        });
      }
      return [patch.build(), markerScale];
    },
    // Kiosk parameters (see components/kiosk.py) stay in the URL, so a reload resumes the wall.
    replaceQuery: function (query) {
      if (typeof query !== "string") { return window.dash_clientside.no_update; }
      const current = new URLSearchParams(window.location.search);
      const merged = new URLSearchParams(query);
      ["kiosk", "rotate", "seconds", "reload"].forEach((name) => {
        if (current.has(name) && !merged.has(name)) { merged.set(name, current.get(name)); }
      });
      const search = merged.toString() ? "?" + merged.toString().replace(/%2C/g, ",") : "";
      const url = window.location.pathname + search + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(window.history.state, "", url);
      }
      return query;
    },
  },
});
