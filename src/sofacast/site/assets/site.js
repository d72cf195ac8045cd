// Follow-along and seeking on an episode page. The page works without it: chapters and sentences are
// plain HTML; this script seeks the player when they are clicked, starts at #t=SECONDS, and highlights
// the sentence being spoken.
(function () {
  "use strict";
  // The source video: a link to its page until asked for, so that no other server is asked for anything before.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.video-load[data-player]");
    if (!link) { return; }
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.src = link.dataset.player;
    frame.title = "Video on " + link.dataset.host;
    frame.allow = "fullscreen; picture-in-picture";
    frame.setAttribute("allowfullscreen", "");
    frame.className = "video-frame";
    link.parentNode.replaceWith(frame);
  });

  var player = document.getElementById("player");
  if (!player) { return; }
  var sentences = Array.prototype.slice.call(document.querySelectorAll(".transcript .s"));
  var starts = sentences.map(function (s) { return parseFloat(s.dataset.start); });
  var current = null;

  function seek(seconds, play) {
    player.currentTime = seconds;
    if (play) { player.play().catch(function () {}); }
  }

  function fromHash() {
    var match = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
    return match ? parseFloat(match[1]) : null;
  }

  function sentenceAt(time) {
    var low = 0, high = starts.length - 1, found = -1;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (starts[middle] <= time) { found = middle; low = middle + 1; } else { high = middle - 1; }
    }
    return found >= 0 ? sentences[found] : null;
  }

  function highlight() {
    var now = sentenceAt(player.currentTime);
    if (now === current) { return; }
    if (current) { current.classList.remove("now"); current.removeAttribute("aria-current"); }
    if (now) { now.classList.add("now"); now.setAttribute("aria-current", "true"); }
    current = now;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-start]");
    if (link) {
      event.preventDefault();
      history.replaceState(null, "", link.getAttribute("href"));
      seek(parseFloat(link.dataset.start), true);
      return;
    }
    var sentence = event.target.closest(".transcript .s");
    if (sentence) { seek(parseFloat(sentence.dataset.start), true); }
  });

  sentences.forEach(function (s) { s.tabIndex = 0; s.setAttribute("role", "button"); });
  document.addEventListener("keydown", function (event) {
    if ((event.key === "Enter" || event.key === " ") && event.target.classList && event.target.classList.contains("s")) {
      event.preventDefault();
      seek(parseFloat(event.target.dataset.start), true);
    }
  });

  player.addEventListener("timeupdate", highlight);
  player.addEventListener("seeked", highlight);
  var start = fromHash();
  if (start !== null) {
    if (player.readyState >= 1) { seek(start, false); } else {
      player.addEventListener("loadedmetadata", function () { seek(start, false); }, { once: true });
    }
  }
  window.addEventListener("hashchange", function () { var t = fromHash(); if (t !== null) { seek(t, true); } });
})();
