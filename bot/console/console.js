// The officers' queue refreshes itself: every few seconds it asks for a small stamp that
// changes when a report in the officer's area arrives or changes; then it fetches the page
// again and swaps in the new results. The filters being typed are left alone. Neither
// request keeps the session alive: an open tab nobody uses still signs out. Without
// this script every page still works (reload to refresh).
(function () {
  "use strict";
  var results = document.getElementById("results");
  if (!results || !window.fetch || !window.DOMParser) {
    return;
  }
  var every = Math.max(200, parseFloat(results.dataset.refresh || "10") * 1000);
  var stamp = results.dataset.stamp;

  function later() {
    window.setTimeout(check, every);
  }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("results");
    if (!fresh) {
      return;
    }
    results.replaceChildren.apply(results, Array.prototype.slice.call(fresh.childNodes));
    stamp = fresh.dataset.stamp;
    results.dataset.stamp = stamp;
  }

  function check() {
    if (document.hidden) {
      later();
      return;
    }
    fetch(results.dataset.stampUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 401) {
          window.location.reload(); // signed out: the sign-in page
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (!answer || answer.stamp === stamp) {
          return null;
        }
        // marked as the page's own fetch: it does not keep an idle session alive
        return fetch(window.location.href, {
          credentials: "same-origin",
          cache: "no-store",
          headers: { "X-Refresh": "1" },
        })
          .then(function (page) { return page.ok ? page.text() : null; })
          .then(function (html) { if (html) { swap(html); } });
      })
      .catch(function () { /* offline for a moment: try again later */ })
      .then(later);
  }

  later();
})();
