// Reports the lesson video's position every few seconds (and on pause and at the end) so the
// server can record progress; the server clamps and checks every value it receives.
(function () {
  "use strict";
  var INTERVAL_MS = 5000;

  function setup(body) {
    var video = body.querySelector("video[data-lesson-video]");
    if (!video) return;
    var url = body.dataset.progressUrl;
    var lastSent = -1;
    var start = parseFloat(body.dataset.start || "0");

    function send() {
      var duration = video.duration;
      if (!isFinite(duration) || duration <= 0) return;
      var position = video.currentTime;
      if (Math.abs(position - lastSent) < 0.5) return;
      lastSent = position;
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": body.dataset.csrf },
        body: JSON.stringify({ lesson: body.dataset.lesson, position: position, duration: duration }),
      }).catch(function () { /* offline: the next ping catches up */ });
    }

    video.addEventListener("loadedmetadata", function () {
      if (start > 0 && start < video.duration - 1) video.currentTime = start;
    });
    var timer = null;
    video.addEventListener("play", function () {
      if (!timer) timer = window.setInterval(send, INTERVAL_MS);
    });
    function stop() {
      if (timer) window.clearInterval(timer);
      timer = null;
      send();
    }
    video.addEventListener("pause", stop);
    video.addEventListener("ended", stop);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-progress-url]").forEach(setup);
  });
})();
