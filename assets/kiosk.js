// Kiosk mode for wall screens: rotate through pages, jump to the complaints page on a new red
// flag, reload at a quiet moment every few hours. The configuration comes from the server
// (components/kiosk.py); everything here runs in the browser, so the rotation carries on while
// the server restarts.
(function () {
  function reloadWhenReachable(url) {
    // reload only when the server answers, so a wall never trades a working page for an error page
    fetch("/api/health", { cache: "no-store" })
      .then((response) => { if (response.ok) { window.location.assign(url); } })
      .catch(() => {});
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    kiosk: {
      // Hide the navigation in kiosk mode; start or stop the rotation and red-flag timers.
      apply: function (config) {
        document.documentElement.classList.toggle("kiosk", !!config);
        return [!config, !config];
      },
      // One tick of the rotation: returns [href to navigate to (or no_update), new state].
      step: function (_n, alert, config, state, pathname) {
        const noUpdate = window.dash_clientside.no_update;
        if (!config || !config.stops || !config.stops.length) { return [noUpdate, noUpdate]; }
        const now = Date.now();
        const go = (path) => (path === pathname ? noUpdate : path + config.query);
        const seq = alert ? alert.seq : 0;
        if (!state) {
          const here = config.stops.findIndex((stop) => stop.path === pathname);
          const index = here >= 0 ? here : 0;
          return [go(config.stops[index].path), { index: index, since: now, seenSeq: seq, loadedAt: now, resume: index, jumps: 0 }];
        }
        const next = Object.assign({}, state);
        if (config.jump && seq > state.seenSeq) {
          // a new red flag: show the complaints page now, for its own duration
          next.seenSeq = seq;
          next.resume = state.index >= 0 ? state.index : state.resume;
          next.index = config.stops.findIndex((stop) => stop.path === config.jump.path);
          next.since = now;
          next.jumps = (state.jumps || 0) + 1;
          return [go(config.jump.path), next];
        }
        const duration = state.index >= 0 ? config.stops[state.index].ms : config.jump.ms;
        if (now - state.since < duration) { return [noUpdate, noUpdate]; }
        if (config.reload_ms > 0 && now - state.loadedAt >= config.reload_ms) {
          next.loadedAt = now;  // try again after another interval if the server is away now
          reloadWhenReachable(config.start_url);
        }
        next.index = ((state.index >= 0 ? state.index : state.resume) + 1) % config.stops.length;
        next.since = now;
        return [go(config.stops[next.index].path), next];
      },
    },
  });
})();
