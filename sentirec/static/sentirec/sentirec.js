/* sentirec pages: live sentiment for pending reviews, confirmations, a character count.
   Everything works without this script; it only saves a reload. */
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="sentirec-status-url"]');
  var STATUS_URL = meta && meta.getAttribute("content");
  var FIRST_DELAY = 1500;
  var MAX_DELAY = 15000;
  var GIVE_UP_AFTER = 10 * 60 * 1000;

  function pendingReviews() {
    return Array.prototype.slice.call(
      document.querySelectorAll('[data-review-id][data-sentiment-status="pending"]')
    );
  }

  /* Ask the status endpoint about every pending review on the page, replace the body of
     each one that has been scored, and back off while the workers are busy. */
  function pollPending(delay, startedAt) {
    var pending = pendingReviews();
    if (!STATUS_URL || !pending.length || Date.now() - startedAt > GIVE_UP_AFTER) return;
    var ids = pending.slice(0, 50).map(function (el) { return el.getAttribute("data-review-id"); });
    window.setTimeout(function () {
      fetch(STATUS_URL + "?ids=" + ids.join(","), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { reviews: [] }; })
        .then(function (data) {
          data.reviews.forEach(function (review) {
            if (review.status === "pending") return;
            var card = document.querySelector('[data-review-id="' + review.id + '"]');
            if (!card) return;
            card.setAttribute("data-sentiment-status", review.status);
            var body = card.querySelector("[data-review-body]");
            if (body) body.innerHTML = review.html; /* rendered and escaped by the server */
          });
        })
        .catch(function () { /* offline for a moment: try again later */ })
        .then(function () { pollPending(Math.min(delay * 1.5, MAX_DELAY), startedAt); });
    }, delay);
  }

  function confirmForms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  function characterCounts() {
    document.querySelectorAll("textarea[maxlength]").forEach(function (area) {
      var limit = parseInt(area.getAttribute("maxlength"), 10);
      var note = document.createElement("div");
      note.className = "char-count";
      note.setAttribute("aria-live", "polite");
      function update() {
        var left = limit - area.value.length;
        note.textContent = left < 500 ? left + " characters left" : "";
      }
      area.addEventListener("input", update);
      area.insertAdjacentElement("afterend", note);
      update();
    });
  }

  /* Long reviews start folded to a few lines, with a button to read the rest. */
  function foldLongReviews() {
    document.querySelectorAll(".review__text").forEach(function (text) {
      if (text.scrollHeight <= 260) return;
      text.classList.add("is-folded");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button read-more";
      button.textContent = "Read the whole review";
      button.setAttribute("aria-expanded", "false");
      button.addEventListener("click", function () {
        var folded = text.classList.toggle("is-folded");
        button.textContent = folded ? "Read the whole review" : "Fold it again";
        button.setAttribute("aria-expanded", String(!folded));
      });
      text.insertAdjacentElement("afterend", button);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    foldLongReviews();
    confirmForms();
    characterCounts();
    pollPending(FIRST_DELAY, Date.now());
  });
})();
