// The search page: Pagefind's index of every passage, searched in the browser. Results are built as DOM
// nodes with textContent (never innerHTML), so no text from a transcript is ever read as markup.
(function () {
  "use strict";
  var form = document.getElementById("search");
  var status = document.getElementById("status");
  var list = document.getElementById("results");
  var pagefind = null;
  var MAX_HITS = 100;

  function say(text) { status.textContent = text; }

  function load() {
    if (pagefind) { return Promise.resolve(pagefind); }
    if (window.location.protocol === "file:") {
      return Promise.reject(new Error("Search needs the site on a web server (sofacast site --serve previews it)."));
    }
    return import(new URL("../pagefind/pagefind.js", document.baseURI).href).then(function (module) {
      pagefind = module;
      return module.init ? module.init().then(function () { return module; }) : module;
    });
  }

  function clock(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return h ? h + ":" + two(m) + ":" + two(s) : m + ":" + two(s);
  }

  function passages(data) {
    // A record is one question of an episode; each passage is a section under a heading (the speaker) whose id is
    // t<SECONDS>-<n>. Pagefind's sub-results are the sections with a match: each is a hit of its own.
    var words = data.content.split(/\s+/);
    var anchors = (data.anchors || []).slice().sort(function (a, b) { return a.location - b.location; });
    var page = "../" + data.url.replace(/^\/+/, "").replace(/q\d+\.html$/, "index.html");
    return (data.sub_results || []).filter(function (sub) {
      return sub.anchor && /^t\d+-\d+$/.test(sub.anchor.id);
    }).map(function (sub) {
      var at = anchors.findIndex(function (a) { return a.id === sub.anchor.id; });
      var from = sub.anchor.location + sub.anchor.text.split(/\s+/).length;
      var to = at >= 0 && at + 1 < anchors.length ? anchors[at + 1].location : words.length;
      var seconds = parseInt(sub.anchor.id.slice(1), 10);
      return {
        episode: data.meta.title, question: data.meta.question, speaker: sub.anchor.text, seconds: seconds,
        href: page + "#t=" + seconds, words: words.slice(from, to),
        locations: (sub.locations || []).filter(function (l) { return l >= from && l < to; })
          .map(function (l) { return l - from; })
      };
    });
  }

  function snippet(words, locations) {
    // About 30 words around the first match, the matched words marked.
    var first = locations.length ? locations[0] : 0;
    var from = Math.max(0, first - 12), to = Math.min(words.length, first + 18);
    var marked = {};
    locations.forEach(function (at) { marked[at] = true; });
    var p = document.createElement("p");
    p.className = "snippet";
    if (from > 0) { p.appendChild(document.createTextNode("… ")); }
    for (var i = from; i < to; i++) {
      if (marked[i]) {
        var mark = document.createElement("mark");
        mark.textContent = words[i];
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(words[i]));
      }
      p.appendChild(document.createTextNode(i + 1 < to ? " " : ""));
    }
    if (to < words.length) { p.appendChild(document.createTextNode(" …")); }
    return p;
  }

  function show(hit) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = hit.href;  // relative, as the site may live in a folder of its host
    link.textContent = hit.episode + " — " + hit.question;
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = hit.speaker + " at " + clock(hit.seconds);
    item.appendChild(link);
    item.appendChild(meta);
    item.appendChild(snippet(hit.words, hit.locations));
    list.appendChild(item);
  }

  function run(query, guest, episode) {
    var filters = {};
    if (guest) { filters.guest = guest; }
    if (episode) { filters.episode = episode; }
    list.textContent = "";
    say("Searching…");
    return load().then(function (engine) {
      return engine.search(query, { filters: filters });
    }).then(function (found) {
      return Promise.all(found.results.slice(0, 50).map(function (r) { return r.data(); }));
    }).then(function (records) {
      var hits = [].concat.apply([], records.map(passages)).slice(0, MAX_HITS);
      hits.forEach(show);
      say(hits.length ? hits.length + (hits.length === 1 ? " passage" : " passages") : "Nothing found.");
    }).catch(function (error) { say(error.message); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = form.q.value.trim();
    if (!query) { return; }
    var params = new URLSearchParams({ q: query });
    if (form.guest.value) { params.set("guest", form.guest.value); }
    if (form.episode.value) { params.set("episode", form.episode.value); }
    history.replaceState(null, "", "?" + params.toString());
    run(query, form.guest.value, form.episode.value);
  });

  var asked = new URLSearchParams(window.location.search);
  if (asked.get("q")) {
    form.q.value = asked.get("q");
    form.guest.value = asked.get("guest") || "";
    form.episode.value = asked.get("episode") || "";
    run(form.q.value, form.guest.value, form.episode.value);
  }
})();
