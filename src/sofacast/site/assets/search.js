// The search page: Pagefind's index of every passage, searched in the browser. Results are built as DOM
// nodes with textContent (never innerHTML), so no text from a transcript is ever read as markup.
(function () {
  "use strict";
  var form = document.getElementById("search");
  var status = document.getElementById("status");
  var list = document.getElementById("results");
  var pagefind = null;

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

  function snippet(content, locations) {
    // About 30 words around the first match, the matched words marked.
    var words = content.split(/\s+/);
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
    link.href = "../" + hit.url.replace(/^\/+/, "");  // Pagefind roots its URLs at "/": the site may live in a folder
    link.textContent = hit.meta.title + " — " + hit.meta.question;
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = hit.meta.speaker + " at " + hit.meta.time;
    item.appendChild(link);
    item.appendChild(meta);
    item.appendChild(snippet(hit.content, hit.locations || []));
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
    }).then(function (hits) {
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
