(function () {
  "use strict";
  var log = document.getElementById("log"), form = document.getElementById("composer"),
    input = document.getElementById("text"), sendBtn = document.getElementById("send"),
    att = document.getElementById("att"), file = document.getElementById("file"), busy = false;
  var ERR = "Maaf, koneksi terputus. Coba lagi.",
    BIG = "Maaf, foto terlalu besar. Coba kirim foto lain yang lebih kecil.",
    OPEN = JSON.stringify({ open: true });
  document.documentElement.classList.remove("nojs");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text); // text only: never innerHTML
    return e;
  }
  // Bot text with *bold* spans, built as DOM nodes (still never innerHTML).
  function rich(text) {
    var e = el("div", "msg bot"), parts = String(text).split(/\*([^*\n]+)\*/);
    parts.forEach(function (part, i) {
      e.appendChild(i % 2 ? el("strong", null, part) : document.createTextNode(part));
    });
    return e;
  }
  // Show `e` from its top; the browser clamps, so a short reply just scrolls to the bottom.
  function show(e) { log.scrollTop = e.offsetTop - 8; }

  function render(replies) {
    var first = null, photo = false;
    replies.forEach(function (r) {
      var b = log.appendChild(rich(r.text || ""));
      first = first || b;
      if (r.options && r.options.length) {
        var box = el("div", "opts");
        r.options.forEach(function (o) {
          var k = el("button", "opt", o.label);
          k.type = "button";
          k.dataset.id = o.id;
          box.appendChild(k);
        });
        log.appendChild(box);
      }
      if (r.expects === "photo") photo = true;
      if (r.expects === "location" && navigator.geolocation) {
        var g = el("button", "opt loc", "📍 Kirim lokasi saya");
        g.type = "button";
        log.appendChild(g);
      }
    });
    att.classList.toggle("hi", photo);
    if (first) show(first);
  }

  function send(body, label, isForm) {
    if (busy) return;
    if (label) log.appendChild(el("div", "msg user", label));
    busy = true;
    sendBtn.disabled = att.disabled = true;
    var typing = log.appendChild(el("div", "typing", "…"));
    typing.setAttribute("aria-label", "Sedang mengetik");
    show(typing);
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (ctl) ctl.abort(); }, isForm ? 180000 : 60000);
    var req = { method: "POST", credentials: "same-origin", body: body };
    if (ctl) req.signal = ctl.signal;
    if (!isForm) req.headers = { "Content-Type": "application/json" };
    function done() {
      clearTimeout(timer);
      typing.remove();
      busy = false;
      sendBtn.disabled = att.disabled = false;
    }
    fetch("/api/chat", req).then(function (res) {
      // error answers carry JSON too: {"error", "reopen"} or, at 429, the "slow down" reply
      return res.json().catch(function () { return null; }).then(function (data) {
        if (res.ok && data && Array.isArray(data.replies)) return data;
        var e = new Error("HTTP " + res.status);
        e.status = res.status;
        e.data = data;
        throw e;
      });
    }).then(function (data) {
      done();
      render(data.replies);
    }).catch(function (e) {
      if (busy) done();
      var status = e && e.status, data = (e && e.data) || {};
      // no session the server issued (new, expired or from another install): open the chat
      // again, which issues one and shows where the user is
      if (status === 400 && data.reopen && !isOpen(body)) return sendJSON({ open: true }, null);
      var text = status === 413 ? BIG : ERR;
      if (status === 429 && data.replies && data.replies.length) text = data.replies[0].text;
      var b = log.appendChild(el("div", "msg bot err", text));
      if (status !== 413) {
        var again = el("button", "retry", "Coba lagi");
        again.type = "button";
        again.onclick = function () {
          if (busy) return;
          again.remove();
          send(body, null, isForm);
        };
        log.appendChild(again);
      }
      show(b);
    });
  }
  function isOpen(body) { return body === OPEN; }
  function sendJSON(obj, label) { send(obj.open ? OPEN : JSON.stringify(obj), label, false); }

  log.addEventListener("click", function (ev) {
    var k = ev.target.closest ? ev.target.closest(".opt") : null;
    if (!k || busy) return;
    if (k.classList.contains("loc")) {
      navigator.geolocation.getCurrentPosition(function (p) {
        sendJSON({ location: { latitude: p.coords.latitude, longitude: p.coords.longitude } },
          "📍 lokasi");
      }, function () {
        show(log.appendChild(el("div", "msg bot err", "Lokasi tidak bisa dibaca. Coba lagi, " +
          "atau pilih tombol lain.")));
      }, { timeout: 20000 });
      return;
    }
    k.classList.add("sel");
    sendJSON({ choice: k.dataset.id }, k.textContent);
  });

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var t = input.value.trim();
    if (!t || busy) return;
    input.value = "";
    sendJSON({ text: t }, t);
  });

  att.addEventListener("click", function () { if (!busy) file.click(); });

  // Large photos are scaled down (max 2000 px, JPEG) to save the user's data; this also drops
  // EXIF metadata such as GPS position. Anything that cannot be decoded is sent unchanged.
  function shrink(f, cb) {
    if (f.size < 1500000 || !/^image\/(jpeg|png|webp)$/.test(f.type) || !window.FileReader) return cb(f);
    var rd = new FileReader(), img = new Image(); // a data: URL, as the page's CSP allows no blob:
    rd.onerror = img.onerror = function () { cb(f); };
    img.onload = function () {
      try {
        var w = img.naturalWidth, h = img.naturalHeight, s = Math.min(1, 2000 / Math.max(w, h));
        var c = document.createElement("canvas");
        c.width = Math.round(w * s); c.height = Math.round(h * s);
        var g = c.getContext("2d");
        g.fillStyle = "#fff"; // transparent PNG areas would turn black in JPEG
        g.fillRect(0, 0, c.width, c.height);
        g.drawImage(img, 0, 0, c.width, c.height);
        c.toBlob(function (b) { cb(b && b.size < f.size ? b : f); }, "image/jpeg", 0.85);
      } catch (e) { cb(f); }
    };
    rd.onload = function () { img.src = rd.result; };
    rd.readAsDataURL(f);
  }
  file.addEventListener("change", function () {
    var f = file.files && file.files[0];
    file.value = "";
    if (!f || busy) return;
    shrink(f, function (p) {
      var fd = new FormData();
      fd.append("photo", p, p === f ? (f.name || "foto.jpg") : "foto.jpg");
      send(fd, "📷 foto", true);
    });
  });

  sendJSON({ open: true }, null);
})();
