// Maps that always draw. The base map's tiles come from a host that a city's closed network
// may not reach, and MapLibre draws nothing at all when its style cannot be fetched. So each
// page load checks whether this browser can fetch the tile style; the answer goes into a cookie
// that the server reads when it builds a map (tiles only when they can load, else a plain
// background under the same data), and a map drawn without tiles says so in a corner (CSS).
// Maps also carry their region names in layout.meta.labels ([lat, lon, name], ...): MapLibre
// needs a glyph server to draw text, which a closed network lacks, so the names are placed
// over the map as plain HTML and follow it when it moves.
(function () {
  const STYLE_URL = "https://basemaps.cartocdn.com/gl/positron-gl-style/style.json";

  function remember(state) {
    document.cookie = "liveroom_basemap=" + state + "; Max-Age=3600; Path=/; SameSite=Lax";
    document.documentElement.setAttribute("data-basemap-state", state);
  }

  function checkTiles() {
    const app = document.getElementById("app-root");
    if (!app) { setTimeout(checkTiles, 200); return; }  // Dash renders the shell after this script runs
    if (app.getAttribute("data-basemap") !== "auto") { return; }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 5000);
    fetch(STYLE_URL, { signal: controller.signal, cache: "no-store", credentials: "omit" })
      .then((answer) => remember(answer.ok ? "ok" : "none"))
      .catch(() => remember("none"))
      .finally(() => clearTimeout(timer));
  }

  function placeLabels(gd) {
    const labels = gd.layout && gd.layout.meta && gd.layout.meta.labels;
    const subplot = gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    if (!labels || !subplot || !subplot.map) { return; }
    const map = subplot.map;
    const container = map.getContainer();
    let box = container.querySelector(":scope > .map-labels");
    if (!box) {
      box = document.createElement("div");
      box.className = "map-labels";
      container.appendChild(box);
    }
    const draw = () => box.replaceChildren(...labels.map(([lat, lon, text]) => {
      const point = map.project([lon, lat]);
      const label = document.createElement("span");
      label.textContent = text;
      label.style.left = point.x + "px";
      label.style.top = point.y + "px";
      return label;
    }));
    if (map.__liveroomLabels !== gd) {  // once per map: a new map (a new style) is bound again
      map.__liveroomLabels = gd;
      map.on("move", draw);
      map.on("resize", draw);
    }
    gd.__liveroomDrawLabels = draw;
    draw();
  }

  function watch(gd) {
    if (gd.__liveroomWatched || typeof gd.on !== "function") { return; }
    gd.__liveroomWatched = true;
    gd.on("plotly_afterplot", () => placeLabels(gd));
    placeLabels(gd);
  }

  // A figure update (a refresh's Patch, a new figure) that reaches a map whose style is still
  // loading makes MapLibre throw "Style is not done loading" and the update is lost. dcc.Graph
  // calls the global Plotly.react, so such calls wait here for the style (the newest update
  // wins; at most 5 s, after which the update is tried anyway).
  function guardMapUpdates() {
    const P = window.Plotly;
    if (!P || !P.react) { setTimeout(guardMapUpdates, 50); return; }
    if (P.__liveroomGuarded) { return; }
    P.__liveroomGuarded = true;
    const react = P.react;
    const waiting = new WeakMap();
    P.react = function (gd, ...rest) {
      const subplot = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
      const map = subplot && subplot.map;
      if (!map || !map.style || map.style._loaded) { return react.call(P, gd, ...rest); }
      const pending = waiting.get(gd);
      if (pending) { pending.args = rest; return pending.promise; }
      const entry = { args: rest };
      entry.promise = new Promise((resolve) => {
        let done = false;
        const run = () => {
          if (done) { return; }
          done = true;
          waiting.delete(gd);
          resolve(react.call(P, gd, ...entry.args));
        };
        map.once("style.load", run);
        setTimeout(run, 5000);
      });
      waiting.set(gd, entry);
      return entry.promise;
    };
  }

  guardMapUpdates();
  new MutationObserver(() => document.querySelectorAll(".js-plotly-plot").forEach(watch))
    .observe(document.documentElement, { childList: true, subtree: true });
  checkTiles();
})();
