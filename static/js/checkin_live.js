// Live check-in: every element with data-checkin-url shows a meeting's counts,
// polled every few seconds. On the venue screen (data-refresh-code) the QR code,
// its link and the short code are renewed every minute as well.
(function () {
  const COUNT_EVERY_MS = 5000;
  const CODE_EVERY_MS = 60000;
  document.querySelectorAll("[data-checkin-url]").forEach(function (box) {
    const url = box.dataset.checkinUrl;
    const withCode = box.dataset.refreshCode === "1";
    let lastCode = Date.now();
    function put(name, value) {
      box.querySelectorAll("[data-checkin='" + name + "']").forEach(function (el) {
        el.textContent = value;
      });
    }
    async function poll() {
      const renew = withCode && Date.now() - lastCode >= CODE_EVERY_MS;
      try {
        const response = await fetch(url + (renew ? "?kode=1" : ""), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if (response.ok) {
          const state = await response.json();
          put("present", state.present);
          put("enrolled", state.enrolled);
          if (renew && state.url) {
            lastCode = Date.now();
            box.querySelector("[data-checkin='qr']").src = state.qr;
            const link = box.querySelector("[data-checkin='link']");
            link.href = state.url;
            put("short-code", state.short_code);
          }
        }
      } finally {
        window.setTimeout(poll, COUNT_EVERY_MS);
      }
    }
    window.setTimeout(poll, COUNT_EVERY_MS);
  });
})();
