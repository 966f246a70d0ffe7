/*! tvv-web 4.12.0 | app.js | (c) Tillväxtverket */
(function () {
  "use strict";
  var d = document;

  // Öppna rätt dragspel om adressen pekar på ett ankare inuti det
  function openFromHash() {
    if (!location.hash) return;
    var el = d.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (el && el.tagName === "DETAILS") el.open = true;
    else if (el && el.closest) {
      var det = el.closest("details");
      if (det) det.open = true;
    }
  }

  // "På den här sidan" – öppna dragspelet när man klickar i innehållsförteckningen
  function bindToc() {
    var links = d.querySelectorAll(".toc a[href^='#']");
    Array.prototype.forEach.call(links, function (a) {
      a.addEventListener("click", function () {
        setTimeout(openFromHash, 0);
      });
    });
  }

  // Dela-knappar
  function bindShare() {
    var buttons = d.querySelectorAll("[data-share]");
    Array.prototype.forEach.call(buttons, function (b) {
      b.addEventListener("click", function () {
        var url = encodeURIComponent(location.href.split("#")[0]);
        var kind = b.getAttribute("data-share");
        if (kind === "copy" && navigator.clipboard) {
          navigator.clipboard.writeText(decodeURIComponent(url));
          b.setAttribute("data-copied", "true");
        } else if (kind === "linkedin") {
          window.open("https://www.linkedin.com/sharing/share-offsite/?url=" + url, "_blank", "noopener");
        } else if (kind === "facebook") {
          window.open("https://www.facebook.com/sharer/sharer.php?u=" + url, "_blank", "noopener");
        } else if (kind === "mail") {
          location.href = "mailto:?subject=" + encodeURIComponent(d.title) + "&body=" + url;
        }
      });
    });
  }

  // Återkopplingsfunktionen "Hjälpte informationen på sidan dig?"
  function bindFeedback() {
    var box = d.querySelector(".feedback");
    if (!box) return;
    var form = box.querySelector(".feedback__form");
    var thanks = box.querySelector(".feedback__thanks");
    Array.prototype.forEach.call(box.querySelectorAll("[data-answer]"), function (b) {
      b.addEventListener("click", function () {
        if (b.getAttribute("data-answer") === "nej" && form) form.hidden = false;
        else if (thanks) thanks.hidden = false;
        if (window._paq) window._paq.push(["trackEvent", "Feedback", b.getAttribute("data-answer"), location.pathname]);
      });
    });
  }

  function init() {
    d.documentElement.classList.add("js");
    openFromHash();
    bindToc();
    bindShare();
    bindFeedback();
    window.addEventListener("hashchange", openFromHash);
  }

  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", init);
  else init();
})();
