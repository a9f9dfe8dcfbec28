// Lesson videos: a playback speed remembered in this browser, transcript times that seek the
// video, and, for enrolled learners, the position reported every few seconds (and on pause and
// at the end) so the lesson resumes there; the server clamps and checks every value it receives.
(function () {
  "use strict";
  var INTERVAL_MS = 5000;
  var SPEED_KEY = "guildhall:playback-rate";

  function storedSpeed() {
    try {
      return window.localStorage.getItem(SPEED_KEY);
    } catch (error) {
      return null; // storage disabled: every video starts at normal speed
    }
  }

  function storeSpeed(value) {
    try {
      window.localStorage.setItem(SPEED_KEY, value);
    } catch (error) { /* storage disabled or full: the choice lasts for this page */ }
  }

  function applySpeed(video, value) {
    var rate = parseFloat(value);
    if (!isFinite(rate) || rate <= 0) return;
    video.defaultPlaybackRate = rate;
    video.playbackRate = rate;
  }

  function setupPlayer(player) {
    var video = player.querySelector("video[data-lesson-video]");
    if (!video) return;
    var controls = player.querySelector("[data-video-controls]");
    var select = player.querySelector("select[data-playback-speed]");
    if (controls && select) {
      var saved = storedSpeed();
      if (saved && select.querySelector('option[value="' + saved + '"]')) select.value = saved;
      applySpeed(video, select.value);
      // Loading the media resets the rate to the default, which applySpeed also set.
      video.addEventListener("loadedmetadata", function () { applySpeed(video, select.value); });
      select.addEventListener("change", function () {
        applySpeed(video, select.value);
        storeSpeed(select.value);
      });
      controls.hidden = false;
    }
    player.querySelectorAll("button[data-seek]").forEach(function (button) {
      button.addEventListener("click", function () {
        var seconds = parseFloat(button.dataset.seek);
        if (!isFinite(seconds)) return;
        video.currentTime = seconds;
        video.play().catch(function () { /* autoplay refused: the video waits at that time */ });
        video.focus();
      });
    });
  }

  function setupProgress(body) {
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

    function resume() {
      if (start > 0 && start < video.duration - 1) video.currentTime = start;
    }
    if (video.readyState >= 1) resume();
    else video.addEventListener("loadedmetadata", resume, { once: true });
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
    document.querySelectorAll("[data-video-player]").forEach(setupPlayer);
    document.querySelectorAll("[data-progress-url]").forEach(setupProgress);
  });
})();
