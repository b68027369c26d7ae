// The phone page of a Kring room. Everything a guest or the laptop wrote is put on the page as
// text (textContent), never as HTML; the page loads nothing from anywhere but this laptop.
"use strict";
(function () {
  var WORDS = {
    nl: {
      join: "Doe mee", name: "Je voornaam (mag leeg: dan ben je anoniem)", perspective: "Ik ben hier als",
      "p-youth": "jongere", "p-parent": "ouder", "p-student": "student", "p-teacher": "leraar of docent",
      "p-practitioner": "professional (zorg, welzijn)", "p-researcher": "onderzoeker", "p-other": "anders",
      enter: "Naar binnen", agenda: "Agenda", questions: "Leervragen: stem op wat jij belangrijk vindt",
      propose: "Stel een leervraag voor", proposal: "Jouw vraag", send: "Versturen",
      "round-help": "Geef elke factor een cijfer van 1 (weinig) tot 5 (veel).", comment: "Toelichting (mag leeg)",
      react: "Laat een reactie achter", reaction: "Jouw reactie",
      footer: "Wat je stuurt komt alleen op de laptops van dit netwerk, niet op internet.",
      vote: "Stem", voted: "Gestemd", "vote-on": "Stem op: ", thanks: "Dank je wel, het is verstuurd.",
      welcome: "Welkom! Je doet mee als ", anonymous: "anoniem", "no-agenda": "(nog geen agenda)",
      "score-of": "Cijfer voor ", other: "English",
      photo: "Foto sturen", "photo-pick": "Maak of kies een foto (JPEG, PNG, WebP of GIF, tot 8 MB)",
      "photo-sending": "De foto wordt verstuurd…",
      errors: {
        "too-many": "Even rustig aan: probeer het zo nog eens.", "too-large": "Dat is te lang.",
        closed: "Deze kamer is gesloten.", "round-closed": "Deze reflectieronde is gesloten.",
        full: "De kamer is vol.", already: "Dat heb je al gestuurd.", "unknown-guest": "Doe eerst mee (bovenaan).",
        invalid: "Dat kon niet worden verstuurd: kijk het nog eens na.", name: "Die naam is te lang.",
        network: "Geen verbinding met de laptop. Ben je op hetzelfde wifi-netwerk?", failed: "Dat ging mis; probeer het nog eens.",
        "no-photos": "Deze kamer neemt geen foto's aan.", "photo-limit": "Je hebt al 3 foto's gestuurd.",
        "room-photo-limit": "De kamer heeft al genoeg foto's.", "photo-too-large": "Die foto is te groot (meer dan 8 MB).",
        "not-an-image": "Dat is geen foto: alleen JPEG, PNG, WebP of GIF.", "too-many-pixels": "Die foto heeft te veel pixels.",
        "unreadable-image": "Die foto kan niet worden gelezen."
      }
    },
    en: {
      join: "Take part", name: "Your first name (may be empty: then you are anonymous)", perspective: "I am here as",
      "p-youth": "young person", "p-parent": "parent", "p-student": "student", "p-teacher": "teacher or lecturer",
      "p-practitioner": "practitioner (care, welfare)", "p-researcher": "researcher", "p-other": "other",
      enter: "Enter", agenda: "Agenda", questions: "Learning questions: vote for what matters to you",
      propose: "Propose a learning question", proposal: "Your question", send: "Send",
      "round-help": "Give each factor a score from 1 (little) to 5 (a lot).", comment: "Comment (may be empty)",
      react: "Leave a reaction", reaction: "Your reaction",
      footer: "What you send stays on this network's laptops, not on the internet.",
      vote: "Vote", voted: "Voted", "vote-on": "Vote for: ", thanks: "Thank you, it has been sent.",
      welcome: "Welcome! You take part as ", anonymous: "anonymous", "no-agenda": "(no agenda yet)",
      "score-of": "Score for ", other: "Nederlands",
      photo: "Send a photo", "photo-pick": "Take or choose a photo (JPEG, PNG, WebP or GIF, up to 8 MB)",
      "photo-sending": "Sending the photo…",
      errors: {
        "too-many": "Slow down a little: try again in a moment.", "too-large": "That is too long.",
        closed: "This room is closed.", "round-closed": "This reflection round is closed.",
        full: "The room is full.", already: "You sent that already.", "unknown-guest": "Take part first (at the top).",
        invalid: "That could not be sent: please check it.", name: "That name is too long.",
        network: "No connection to the laptop. Are you on the same Wi-Fi?", failed: "That went wrong; please try again.",
        "no-photos": "This room does not take photos.", "photo-limit": "You have sent 3 photos already.",
        "room-photo-limit": "The room has enough photos already.", "photo-too-large": "That photo is too large (over 8 MB).",
        "not-an-image": "That is not a photo: only JPEG, PNG, WebP or GIF.", "too-many-pixels": "That photo has too many pixels.",
        "unreadable-image": "That photo cannot be read."
      }
    }
  };
  var store = window.sessionStorage;
  var key = "kring-gast" + location.pathname;
  var lang = store.getItem("kring-taal") || ((navigator.language || "nl").slice(0, 2) === "en" ? "en" : "nl");
  var token = store.getItem(key);
  var view = null;
  var voted = {};
  function $(id) { return document.getElementById(id); }
  function w(k) { return WORDS[lang][k] || k; }

  function say(text, bad) {
    var status = $("status");
    status.textContent = text;
    status.className = bad ? "bad" : "";
  }

  function translate() {
    document.documentElement.lang = lang;
    var all = document.querySelectorAll("[data-t]");
    for (var i = 0; i < all.length; i++) { all[i].textContent = w(all[i].getAttribute("data-t")); }
    $("lang").textContent = w("other");
    $("lang").lang = lang === "nl" ? "en" : "nl";
    if (view) { render(); }
  }

  function call(path, body, done) {
    request(path, "application/json", body ? JSON.stringify(body) : undefined, done);
  }

  // A JSON body, or a photo as it is (the laptop reads it by its content, not by this type).
  function request(path, type, body, done) {
    var headers = { "Content-Type": type };
    if (token) { headers["X-Kring-Gast"] = token; }
    fetch(path, { method: body !== undefined ? "POST" : "GET", headers: headers, body: body,
      credentials: "omit", cache: "no-store" })
      .then(function (r) {
        return r.json().then(function (j) { return { ok: r.ok, json: j }; }, function () { return { ok: false, json: {} }; });
      })
      .then(function (r) {
        if (r.ok) { done(r.json); } else { say(WORDS[lang].errors[r.json.error] || w("errors").failed, true); }
      }, function () { say(WORDS[lang].errors.network, true); });
  }

  function el(tag, text) {
    var e = document.createElement(tag);
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function render() {
    $("title").textContent = view.title;
    document.title = view.title + " – Kring";
    $("agenda").textContent = view.agenda.trim() ? view.agenda : w("no-agenda");
    var list = $("questions");
    list.textContent = "";
    view.questions.forEach(function (q) {
      var li = el("li");
      var title = el("p", q.title);
      var button = el("button", voted[q.id] ? w("voted") : w("vote"));
      button.type = "button";
      button.disabled = !!voted[q.id] || !token || !view.open;
      button.setAttribute("aria-label", (voted[q.id] ? w("voted") : w("vote-on")) + " " + q.title);
      button.addEventListener("click", function () {
        call("send", { kind: "vote", question: q.id }, function () { voted[q.id] = true; say(w("thanks")); render(); });
      });
      li.appendChild(title);
      li.appendChild(button);
      list.appendChild(li);
    });
    $("questions-s").hidden = view.questions.length === 0;
    $("propose-s").hidden = !view.proposals || !view.open;
    $("react-s").hidden = !view.reactions || !view.open;
    $("photo-s").hidden = !view.photos || !view.open;
    var round = view.reflection;
    $("round-s").hidden = !round || !view.open;
    if (round) {
      $("round-h").textContent = round.title;
      var factors = $("factors");
      var chosen = {};
      var inputs = factors.querySelectorAll("input:checked");
      for (var i = 0; i < inputs.length; i++) { chosen[inputs[i].name] = inputs[i].value; }
      factors.textContent = "";
      round.factors.forEach(function (f, n) {
        var set = el("fieldset");
        var name = lang === "nl" ? f.nl : f.en;
        set.appendChild(el("legend", name));
        var scale = el("div");
        scale.className = "scale";
        for (var s = 1; s <= 5; s++) {
          var label = el("label");
          var radio = el("input");
          radio.type = "radio";
          radio.name = "f" + n;
          radio.value = String(s);
          radio.setAttribute("data-factor", f.id);
          radio.checked = chosen[radio.name] === radio.value;
          radio.setAttribute("aria-label", w("score-of") + name + ": " + s);
          label.appendChild(radio);
          label.appendChild(document.createTextNode(String(s)));
          scale.appendChild(label);
        }
        set.appendChild(scale);
        factors.appendChild(set);
      });
    }
    if (!view.open) { say(WORDS[lang].errors.closed, true); }
  }

  function load() {
    call("state", null, function (j) { view = j; render(); });
  }

  function entered(name) {
    $("join").hidden = true;
    $("room").hidden = false;
    say(w("welcome") + (name || w("anonymous")) + ".");
    load();
  }

  function sendText(kind, field) {
    return function (e) {
      e.preventDefault();
      var text = $(field).value.trim();
      if (!text) { return; }
      call("send", { kind: kind, text: text }, function () { $(field).value = ""; say(w("thanks")); });
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("lang").addEventListener("click", function () {
      lang = lang === "nl" ? "en" : "nl";
      store.setItem("kring-taal", lang);
      translate();
    });
    $("join-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var name = $("name").value.trim();
      call("join", { name: name, perspective: $("perspective").value }, function (j) {
        token = j.token;
        store.setItem(key, token);
        store.setItem(key + "-naam", name);
        entered(name);
      });
    });
    $("propose-form").addEventListener("submit", sendText("question", "proposal"));
    $("react-form").addEventListener("submit", sendText("reaction", "reaction"));
    $("photo-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var file = $("photo").files[0];
      if (!file) { return; }
      if (file.size > 8 * 1024 * 1024) { say(WORDS[lang].errors["photo-too-large"], true); return; }
      say(w("photo-sending"));
      request("photo", "application/octet-stream", file, function () { $("photo").value = ""; say(w("thanks")); });
    });
    $("round-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var scores = {};
      var inputs = $("factors").querySelectorAll("input:checked");
      for (var i = 0; i < inputs.length; i++) { scores[inputs[i].getAttribute("data-factor")] = Number(inputs[i].value); }
      if (!inputs.length) { return; }
      call("send", { kind: "score", scores: scores, comment: $("comment").value.trim() }, function () {
        $("round-s").hidden = true;
        say(w("thanks"));
      });
    });
    translate();
    if (token) { entered(store.getItem(key + "-naam")); } else { load(); }
    window.setInterval(function () { if (!document.hidden) { load(); } }, 15000);
  });
})();
