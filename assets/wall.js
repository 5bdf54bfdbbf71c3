// The overview's lists show as many whole rows as fit their panel (a wall screen never
// scrolls), and their count says how many that is ("4 dari 110", from the count's
// data-template). Runs whenever a list or the window changes.
(function () {
  function fit() {
    document.querySelectorAll(".wall-panel").forEach((panel) => {
      const list = panel.querySelector(".wall-list");
      const count = panel.querySelector("[data-template]");
      if (!list) { return; }
      const box = list.getBoundingClientRect();
      let shown = 0;
      list.querySelectorAll(":scope > .wall-row").forEach((row) => {
        const r = row.getBoundingClientRect();
        const whole = r.height > 0 && r.left < box.left + 1 && r.bottom <= box.bottom + 0.5;  // in the first column, not cut
        row.style.visibility = whole ? "" : "hidden";
        if (whole) { shown += 1; }
      });
      list.dataset.shown = shown;
      if (count) {
        const text = count.dataset.template.replace("{shown}", shown.toLocaleString(document.documentElement.lang || "id"));
        if (count.textContent !== text) { count.textContent = text; }
      }
    });
  }
  let pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    requestAnimationFrame(() => { pending = false; fit(); });
  }
  new MutationObserver(schedule).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("resize", schedule);
})();
