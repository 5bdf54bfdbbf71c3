// The evidence page's upload (pages/evidence.py): the chosen file is checked for its size in the
// browser and only then handed to the page's store, so a file too large for the server never
// leaves the browser and the person reads why at once.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  evidence: {
    holdFile: function (contents, filename, limits) {
      if (!contents || !limits) { return [null, "", "small text-muted mt-1"]; }
      const comma = contents.indexOf(",");
      const encoded = comma >= 0 ? contents.length - comma - 1 : contents.length;
      const padding = contents.endsWith("==") ? 2 : (contents.endsWith("=") ? 1 : 0);
      const size = Math.floor(encoded * 3 / 4) - padding;  // base64: 4 characters carry 3 bytes
      // as components/evidence.py file_size: "840 KB" below a megabyte, "18,6 MB" from one on
      const shown = (bytes) => {
        if (bytes < 1048576) {
          const kb = String(bytes ? Math.max(1, Math.round(bytes / 1024)) : 0);
          return kb.replace(/\B(?=(\d{3})+(?!\d))/g, limits.group) + " KB";
        }
        const mb = (bytes / 1048576).toFixed(1).split(".");
        return mb[0].replace(/\B(?=(\d{3})+(?!\d))/g, limits.group) + limits.decimal + mb[1] + " MB";
      };
      const fill = (text) => text.replace("{name}", filename || "?").replace("{size}", shown(size))
        .replace("{limit}", shown(limits.bytes));
      if (size > limits.bytes) {
        return [null, fill(limits.too_big), "small text-danger mt-1"];
      }
      return [{name: filename || "", contents: contents}, fill(limits.chosen), "small text-muted mt-1"];
    },
  },
});
