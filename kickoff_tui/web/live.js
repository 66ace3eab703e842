// kickoff share: keeps the page up to date. The server pushes the record's new <main> (already
// rendered and escaped there) over server-sent events after every change; this swaps it in and
// counts the current block's clock down between two changes. No polling, no other request.
(function () {
  "use strict";
  var base = location.pathname.replace(/[^/]*$/, "");
  var live = document.getElementById("live");
  var offset = 0; // the server's clock minus this one (ms)

  function say(text) {
    if (live && live.textContent !== text) live.textContent = text;
  }

  function mmss(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var ss = (s < 10 ? "0" : "") + s;
    if (h) return h + ":" + (m < 10 ? "0" : "") + m + ":" + ss;
    return m + ":" + ss;
  }

  function tick() {
    var clock = document.querySelector(".clock[data-deadline]");
    if (!clock) return;
    var left = Math.round((Number(clock.getAttribute("data-deadline")) - (Date.now() + offset)) / 1000);
    clock.textContent = mmss(Math.abs(left)) + (left < 0 ? " over" : " left");
  }

  function show(data) {
    offset = data.now - Date.now();
    var holder = document.createElement("template");
    holder.innerHTML = data.main;
    var fresh = holder.content.firstElementChild;
    var main = document.getElementById("record");
    if (fresh && main) main.replaceWith(fresh);
    var stamp = document.getElementById("stamp");
    if (stamp) stamp.textContent = data.footer;
    document.documentElement.setAttribute("data-version", String(data.v));
    tick();
  }

  if (!window.EventSource) {
    say("This browser cannot follow the record live: reload to see changes.");
    return;
  }
  var source = new EventSource(base + "events");
  source.addEventListener("record", function (event) {
    show(JSON.parse(event.data));
    say("Live: updates by itself.");
  });
  source.onerror = function () {
    say("Connection lost: trying again…");
  };
  setInterval(tick, 1000);
  tick();
})();
