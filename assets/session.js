// When the server says the session has ended (a person idle too long, a wall screen revoked),
// the page says so over its last numbers instead of silently showing them as current: every
// callback answer passes through here, and a 401 puts up the sign-in notice.
(function () {
  const TEXT = {
    id: ["Sesi berakhir. Data di layar ini tidak diperbarui lagi.", "Masuk kembali"],
    en: ["The session has ended. The data on this screen is no longer updated.", "Sign in again"],
  };
  function notice() {
    if (document.getElementById("session-ended")) { return; }
    const lang = (document.querySelector("[lang]") || document.documentElement).getAttribute("lang") === "en" ? "en" : "id";
    const box = document.createElement("div");
    box.id = "session-ended";
    box.className = "session-ended";
    box.setAttribute("role", "alert");
    const text = document.createElement("p");
    text.textContent = TEXT[lang][0];
    const link = document.createElement("a");
    link.className = "btn btn-primary";
    link.href = "/login?next=" + encodeURIComponent(window.location.pathname + window.location.search);
    link.textContent = TEXT[lang][1];
    box.append(text, link);
    document.body.appendChild(box);
  }
  const original = window.fetch.bind(window);
  window.fetch = function (resource, init) {
    return original(resource, init).then((response) => {
      const url = typeof resource === "string" ? resource : (resource && resource.url) || "";
      if (response.status === 401 && url.indexOf("/_dash-") !== -1) { notice(); }
      return response;
    });
  };
})();
