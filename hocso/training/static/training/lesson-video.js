// Reports a video lesson's progress to the server: the position (to resume) and the seconds actually played.
// Loaded as a static file because the Content-Security-Policy forbids inline scripts.
//   <video id="lesson-video" data-progress-url="…" data-start="s" data-watched="s">
(function () {
  "use strict";
  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }
  function init() {
    var video = document.getElementById("lesson-video");
    if (!video) {
      return;
    }
    var url = video.getAttribute("data-progress-url");
    var start = parseFloat(video.getAttribute("data-start")) || 0;
    var watched = parseFloat(video.getAttribute("data-watched")) || 0;
    var last = null;
    var lastSent = Date.now();
    var done = document.getElementById("lesson-done");

    function send() {
      var body = JSON.stringify({
        position: video.currentTime || 0,
        watched: watched,
        duration: isFinite(video.duration) ? video.duration : null
      });
      lastSent = Date.now();
      return fetch(url, {
        method: "POST", credentials: "same-origin", keepalive: true, body: body,
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()}
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (data && data.completed && done) {
          done.classList.add("ok");
          done.textContent = done.getAttribute("data-done-text") || done.textContent;
        }
        video.setAttribute("data-reported", String(data ? data.watched : ""));
      }).catch(function () { /* the next report will carry the total */ });
    }

    var resumed = false;
    function resume() {
      if (!resumed && start > 0 && start < video.duration - 1) {
        video.currentTime = start;
      }
      resumed = true;
    }
    // The metadata may have arrived before this deferred script ran.
    if (video.readyState >= 1) {
      resume();
    } else {
      video.addEventListener("loadedmetadata", resume);
    }
    video.addEventListener("timeupdate", function () {
      var now = video.currentTime;
      // Count only continuous playback: a jump (seek) adds nothing.
      if (last !== null && !video.seeking && now > last && now - last < 2) {
        watched += now - last;
      }
      last = now;
      if (Date.now() - lastSent > 10000) {
        send();
      }
    });
    video.addEventListener("seeking", function () { last = null; });
    // At the end the browser fires "pause" and then "ended": report once, on "ended".
    video.addEventListener("pause", function () { if (!video.ended) { send(); } });
    video.addEventListener("ended", send);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        send();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
