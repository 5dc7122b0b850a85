// Shows, while the claim form is filled in, the JP it will credit (the same rule as
// training.services.learning.jp_for; the server computes the JP stored).
(function () {
  "use strict";
  const form = document.getElementById("claim-form");
  const out = document.getElementById("jp-estimate");
  if (!form || !out) return;
  const table = JSON.parse(document.getElementById("jp-conversions").textContent);
  const minutes = JSON.parse(document.getElementById("minutes-per-jp").textContent);
  const template = document.getElementById("jp-estimate-text").dataset.template;
  function value(name) {
    const field = form.elements[name];
    return field ? field.value : "";
  }
  function update() {
    const method = value("method");
    const hours = parseFloat(value("hours"));
    const start = value("start_date");
    const end = value("end_date");
    let jp = null;
    const rule = table[method];
    if (rule && rule.unit === "day") {
      if (start && end && end >= start) {
        const days = Math.round((Date.parse(end) - Date.parse(start)) / 86400000) + 1;
        jp = Math.floor(days * parseFloat(rule.jp));
      }
    } else if (!Number.isNaN(hours)) {
      jp = Math.floor((hours * (rule ? parseFloat(rule.jp) * 60 : 60)) / (rule ? 60 : minutes));
    }
    if (jp !== null) out.textContent = template.replace("{jp}", String(jp));
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
