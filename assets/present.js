// Presentation mode of /evaluation (?present=1): one slide at a time. The server puts every slide
// in the page with the one from the address (&slide=N) showing; this moves between them with the
// arrow keys (also PageUp/PageDown, Space, Home, End), clicks on the slide and the bar's buttons,
// keeps "3 / 10" and the address bar's &slide=N in step (so a copied address opens that slide),
// and leaves with Esc. It runs from assets/, so the app's Content-Security-Policy allows it.
(function () {
  const DECK_ID = "evaluation-present";
  const MOVES = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 };

  function deck() { return document.getElementById(DECK_ID); }
  function slides(d) { return Array.from(d.querySelectorAll(".present-slide")); }
  function current(d) { return parseInt(d.dataset.slide, 10) || 1; }

  function show(d, wanted) {
    const all = slides(d);
    const n = Math.min(Math.max(wanted, 1), all.length);
    all.forEach((slide, index) => {
      const on = index + 1 === n;
      slide.classList.toggle("active", on);
      slide.setAttribute("aria-hidden", on ? "false" : "true");
    });
    d.dataset.slide = String(n);
    const counter = d.querySelector(".present-counter");
    if (counter) {
      counter.textContent = (d.dataset.counter || "{n} / {total}").replace("{n}", n).replace("{total}", all.length);
    }
    address(n);
  }

  // The address bar names the slide showing (replaced, not pushed: Back leaves the presentation).
  function address(n) {
    const url = new URL(window.location.href);
    if (!url.searchParams.has("present") || url.searchParams.get("slide") === String(n)) { return; }  // left already
    url.searchParams.set("slide", String(n));
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  }

  document.addEventListener("keydown", (event) => {
    const d = deck();
    if (!d || event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) { return; }
    const onControl = event.target.closest && event.target.closest("a, button, input, select, textarea");
    if (event.key === "Escape") {  // back to the scorecard inside the app, as kiosk.js navigates
      window.history.pushState({}, "", d.dataset.exit || "/evaluation");
      window.dispatchEvent(new PopStateEvent("popstate", { state: {} }));
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      show(d, event.key === "Home" ? 1 : slides(d).length);
    } else if (event.key in MOVES && !(onControl && event.key === " ")) {
      event.preventDefault();
      show(d, current(d) + MOVES[event.key]);
    }
  });

  document.addEventListener("click", (event) => {
    const d = deck();
    if (!d || !d.contains(event.target)) { return; }
    const button = event.target.closest("[data-move]");
    if (button) {
      show(d, current(d) + (parseInt(button.dataset.move, 10) || 0));
    } else if (!event.target.closest("a, button") && event.target.closest(".present-slides")) {
      show(d, current(d) + 1);  // a click on the slide moves on, one on a link opens the evidence
    }
  });

  // While a deck is on the page <html> carries "presenting" (the app's header, strip and footer go)
  // and the address names its slide from the start.
  function mark() {
    const d = deck();
    document.documentElement.classList.toggle("presenting", !!d);
    if (d) { address(current(d)); fit(d); }
  }

  // The slides are laid out for 1280x720; a larger screen shows them larger, the same slide.
  function fit(d) {
    const zoom = Math.max(1, Math.min(window.innerWidth / 1280, window.innerHeight / 720));
    const value = zoom.toFixed(3);
    if (d.style.getPropertyValue("--present-zoom") !== value) { d.style.setProperty("--present-zoom", value); }
  }
  window.addEventListener("resize", () => { const d = deck(); if (d) { fit(d); } });
  new MutationObserver(mark).observe(document.documentElement, { childList: true, subtree: true });
})();
