// Photos larger than the site keeps are made smaller in the browser before they are sent.
//
// For every <input type="file" data-resize-photos data-max-bytes data-max-edge>: a chosen
// JPEG, PNG or WebP heavier than data-max-bytes is drawn on a canvas at most data-max-edge
// pixels on its longer side, encoded as a JPEG and put back into the input in its place.
// Of its metadata only the capture time (EXIF DateTimeOriginal) goes along, for the logbook;
// the server cleans every photo again anyway (core/photos.py). HEIC and GIF are sent as they
// are: the server converts them. Without canvas or DataTransfer nothing changes.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[type=file][data-resize-photos]");
  if (!inputs.length || typeof DataTransfer === "undefined" || !window.HTMLCanvasElement) {
    return;
  }
  var RESIZABLE = /^image\/(jpeg|png|webp)$/;
  var QUALITIES = [0.85, 0.7, 0.55];

  // ------------------------------------------------------------ EXIF capture time

  function captureTime(buffer) {
    var view = new DataView(buffer);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return null;
    var offset = 2;
    while (offset + 4 <= view.byteLength) {
      var marker = view.getUint16(offset);
      var length = view.getUint16(offset + 2);
      if (marker === 0xffe1 && view.getUint32(offset + 4) === 0x45786966) {
        return tiffCaptureTime(view, offset + 10, offset + 2 + length);
      }
      if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) return null;
      offset += 2 + length;
    }
    return null;
  }

  function tiffCaptureTime(view, start, end) {
    try {
      var little = view.getUint16(start) === 0x4949;
      var u16 = function (at) { return view.getUint16(start + at, little); };
      var u32 = function (at) { return view.getUint32(start + at, little); };
      var tags = function (ifd) {
        var found = {};
        var count = u16(ifd);
        for (var i = 0; i < count; i++) {
          var entry = ifd + 2 + i * 12;
          found[u16(entry)] = entry;
        }
        return found;
      };
      var text = function (entry) {
        var at = u32(entry + 8);
        var chars = "";
        for (var i = 0; i < 19 && start + at + i < end; i++) {
          chars += String.fromCharCode(view.getUint8(start + at + i));
        }
        return /^\d{4}:\d\d:\d\d \d\d:\d\d:\d\d$/.test(chars) ? chars : null;
      };
      var ifd0 = tags(u32(4));
      if (ifd0[0x8769] !== undefined) {
        var exif = tags(u32(ifd0[0x8769] + 8));
        if (exif[0x9003] !== undefined) return text(exif[0x9003]);
      }
      return ifd0[0x0132] !== undefined ? text(ifd0[0x0132]) : null;
    } catch (error) {
      return null;
    }
  }

  // An APP1 segment whose only datum is DateTimeOriginal (big-endian TIFF, 64 bytes).
  function exifSegment(dateTime) {
    var bytes = new Uint8Array(74);
    var view = new DataView(bytes.buffer);
    view.setUint16(0, 0xffe1);
    view.setUint16(2, 72);
    [0x45, 0x78, 0x69, 0x66, 0, 0].forEach(function (b, i) { bytes[4 + i] = b; });
    var t = 10;
    view.setUint16(t, 0x4d4d);
    view.setUint16(t + 2, 42);
    view.setUint32(t + 4, 8);
    view.setUint16(t + 8, 1); // IFD0: one entry, the pointer to the Exif IFD
    view.setUint16(t + 10, 0x8769);
    view.setUint16(t + 12, 4);
    view.setUint32(t + 14, 1);
    view.setUint32(t + 18, 26);
    view.setUint32(t + 22, 0);
    view.setUint16(t + 26, 1); // Exif IFD: DateTimeOriginal
    view.setUint16(t + 28, 0x9003);
    view.setUint16(t + 30, 2);
    view.setUint32(t + 32, 20);
    view.setUint32(t + 36, 44);
    view.setUint32(t + 40, 0);
    for (var i = 0; i < 19; i++) bytes[t + 44 + i] = dateTime.charCodeAt(i);
    return bytes;
  }

  function withCaptureTime(blob, dateTime) {
    if (!dateTime) return Promise.resolve(blob);
    return blob.arrayBuffer().then(function (buffer) {
      var jpeg = new Uint8Array(buffer);
      return new Blob([jpeg.subarray(0, 2), exifSegment(dateTime), jpeg.subarray(2)], {
        type: "image/jpeg",
      });
    });
  }

  // ------------------------------------------------------------ drawing smaller

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" });
    }
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var image = new Image();
      image.onload = function () { URL.revokeObjectURL(url); resolve(image); };
      image.onerror = function () { URL.revokeObjectURL(url); reject(new Error("decode")); };
      image.src = url;
    });
  }

  function encode(canvas, quality) {
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (blob) {
        if (blob) resolve(blob);
        else reject(new Error("encode"));
      }, "image/jpeg", quality);
    });
  }

  function shrink(file, maxBytes, maxEdge) {
    return Promise.all([file.arrayBuffer(), decode(file)]).then(function (results) {
      var dateTime = file.type === "image/jpeg" ? captureTime(results[0]) : null;
      var picture = results[1];
      var width = picture.width;
      var height = picture.height;
      var scale = Math.min(1, maxEdge / Math.max(width, height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff"; // a transparent PNG turns white, not black
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(picture, 0, 0, canvas.width, canvas.height);
      if (picture.close) picture.close();
      var attempt = function (index) {
        return encode(canvas, QUALITIES[index]).then(function (blob) {
          if (blob.size > maxBytes && index + 1 < QUALITIES.length) return attempt(index + 1);
          return blob;
        });
      };
      return attempt(0).then(function (blob) { return withCaptureTime(blob, dateTime); });
    }).then(function (blob) {
      var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
      return new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified });
    });
  }

  function resize(input) {
    var maxBytes = parseInt(input.dataset.maxBytes, 10) || 10 * 1024 * 1024;
    var maxEdge = parseInt(input.dataset.maxEdge, 10) || 3000;
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.some(function (f) { return f.size > maxBytes && RESIZABLE.test(f.type); })) {
      return Promise.resolve();
    }
    input.setAttribute("aria-busy", "true");
    return Promise.all(files.map(function (file) {
      if (file.size <= maxBytes || !RESIZABLE.test(file.type)) return file;
      return shrink(file, maxBytes, maxEdge).catch(function () { return file; });
    })).then(function (chosen) {
      var transfer = new DataTransfer();
      chosen.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
    }).catch(function () {
      // The files stay as chosen: the server makes them smaller or says why not.
    }).finally(function () {
      input.removeAttribute("aria-busy");
    });
  }

  // ------------------------------------------------------------ wiring

  var busy = new Map();
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.matches("[data-resize-photos]")) return;
    var work = resize(input);
    busy.set(input, work);
    work.then(function () {
      if (busy.get(input) === work) busy.delete(input);
    });
  });

  function oversized(input) {
    var maxBytes = parseInt(input.dataset.maxBytes, 10) || 10 * 1024 * 1024;
    return Array.prototype.some.call(input.files || [], function (file) {
      return file.size > maxBytes && RESIZABLE.test(file.type);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var waiting = [];
    busy.forEach(function (work, input) {
      if (input.form === form) waiting.push(work);
    });
    // Files chosen before this script ran (or put back by the browser) are shrunk now.
    form.querySelectorAll("input[type=file][data-resize-photos]").forEach(function (input) {
      if (!busy.has(input) && oversized(input)) {
        var work = resize(input);
        busy.set(input, work);
        waiting.push(work);
      }
    });
    if (!waiting.length) return;
    event.preventDefault();
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
    buttons.forEach(function (button) { button.disabled = true; });
    Promise.all(waiting).then(function () {
      busy.clear();
      buttons.forEach(function (button) { button.disabled = false; });
      form.submit();
    });
  });
})();
