// Poll an import job and move its progress bar; reload the page when the job is done.
(function () {
  const bar = document.getElementById("import-progress");
  if (!bar) return;
  const url = bar.dataset.statusUrl;
  const inner = bar.querySelector(".progress-bar");
  const label = document.getElementById("import-status");
  async function poll() {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const job = await response.json();
    // Rows are written in one transaction, so a commit shows no partial count.
    const percent =
      job.status === "committing" ? 100 : job.total ? Math.round((100 * job.processed) / job.total) : 0;
    inner.style.width = percent + "%";
    inner.textContent = job.status === "committing" ? job.status_label : percent + "%";
    bar.setAttribute("aria-valuenow", percent);
    if (label) label.textContent = job.status_label;
    if (job.status === "previewing" || job.status === "committing") {
      window.setTimeout(poll, 1500);
    } else {
      window.location.reload();
    }
  }
  window.setTimeout(poll, 1000);
})();
