// Kiosk mode for wall screens: rotate through pages, jump to the complaints page on a new red
// flag and to the wall overview on a new burst of complaints, reload at a quiet moment every few hours. The configuration comes from the server
// (components/kiosk.py); everything here runs in the browser, so the rotation carries on while
// the server restarts.
(function () {
  function reloadWhenReachable(url) {
    // reload only when the server answers, so a wall never trades a working page for an error page
    fetch("/api/health", { cache: "no-store" })
      .then((response) => { if (response.ok) { window.location.assign(url); } })
      .catch(() => {});
  }

  // Navigate inside the app without reloading: the same history entry plus the popstate event
  // that every dcc.Location (and so Dash's page router) listens to.
  function navigate(url) {
    window.history.pushState({}, "", url);
    window.dispatchEvent(new PopStateEvent("popstate", { state: {} }));
  }

  // After a red-flag jump: bring the flag that caused it (the latest deadline passed: ``due``, from
  // the red-flag watch) into view in the red-flag list and make its row flash. Retried while the
  // list is still being filled or still shows the figures from before the flag (the list
  // refreshes on its own interval); at the end, the newest flag the list has is shown.
  function highlightNewFlag(due, attempt) {
    let api = null;
    try { api = window.dash_ag_grid && window.dash_ag_grid.getApi("complaints-red-grid"); } catch (e) { api = null; }
    let newest = null;
    if (api) {
      api.forEachNode((node) => {
        if (node.data && (!newest || node.data.due_sort > newest.data.due_sort)) { newest = node; }
      });
    }
    const arrived = newest && (!due || Date.parse(newest.data.due_sort) >= Date.parse(due));
    if (!arrived && attempt < 240) {  // up to 60 s on a busy screen
      setTimeout(() => highlightNewFlag(due, attempt + 1), 250);
      return;
    }
    if (!newest) { return; }
    const id = newest.data.external_id;
    api.setGridOption("rowClassRules", { "kiosk-new-flag": (params) => !!params.data && params.data.external_id === id });
    api.redrawRows();
    api.ensureNodeVisible(newest, "middle");
    document.documentElement.dataset.kioskHighlight = id;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    kiosk: {
      // The query string the page was opened with (the server reads the kiosk settings from it).
      readSearch: function () {
        return window.location.search;
      },
      // Hide the navigation in kiosk mode; start or stop the rotation and red-flag timers.
      apply: function (config) {
        document.documentElement.classList.toggle("kiosk", !!config);
        return [!config, !config];
      },
      // One tick of the rotation: navigates when a page's time is up or a new red flag came in;
      // returns the new rotation state.
      step: function (_n, alert, config, state) {
        const noUpdate = window.dash_clientside.no_update;
        if (!config || !config.stops || !config.stops.length) { return noUpdate; }
        const now = Date.now();
        const pathname = window.location.pathname;
        const go = (path) => { if (path !== pathname) { navigate(path + config.query); } };
        const seq = alert ? alert.seq : 0;
        if (alert) { document.documentElement.dataset.kioskPolls = alert.polls || 0; }  // the red-flag checks answered
        if (!state) {
          const here = config.stops.findIndex((stop) => stop.path === pathname);
          const index = here >= 0 ? here : 0;
          go(config.stops[index].path);
          return { index: index, since: now, seenSeq: seq, loadedAt: now, resume: index, jumps: 0 };
        }
        const next = Object.assign({}, state);
        if (config.jump && seq > state.seenSeq) {
          // a new red flag: show the complaints page now, for its own duration; a new burst of
          // complaints: the wall, whose banner names it and whose map outlines its kecamatan
          const burst = alert.jump === "burst";
          const target = burst && config.stops.some((stop) => stop.path === "/") ? "/" : config.jump.path;
          next.seenSeq = seq;
          next.resume = state.index >= 0 ? state.index : state.resume;
          next.index = config.stops.findIndex((stop) => stop.path === target);
          next.since = now;
          next.jumps = (state.jumps || 0) + 1;
          document.documentElement.dataset.kioskJump = burst ? "burst" : "flag";
          go(target);
          if (!burst) { setTimeout(() => highlightNewFlag(alert.newest, 0), 300); }
          return next;
        }
        const duration = state.index >= 0 ? config.stops[state.index].ms : config.jump.ms;
        if (now - state.since < duration) { return noUpdate; }
        if (config.reload_ms > 0 && now - state.loadedAt >= config.reload_ms) {
          next.loadedAt = now;  // try again after another interval if the server is away now
          reloadWhenReachable(config.start_url);
        }
        next.index = ((state.index >= 0 ? state.index : state.resume) + 1) % config.stops.length;
        next.since = now;
        go(config.stops[next.index].path);
        return next;
      },
    },
  });
})();
