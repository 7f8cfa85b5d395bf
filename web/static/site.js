// motcua works without JavaScript; this file only improves uploads:
// it checks type and size before sending and shows progress.
"use strict";
document.addEventListener("change", function (ev) {
  var input = ev.target;
  if (!input.matches || !input.matches("input[type=file][data-max]")) return;
  var max = parseInt(input.getAttribute("data-max"), 10);
  var ok = ["application/pdf", "image/jpeg", "image/png"];
  var msg = input.parentNode.querySelector(".field-error");
  var f = input.files && input.files[0];
  var problem = "";
  if (f && ok.indexOf(f.type) < 0) problem = input.getAttribute("data-msg-type");
  else if (f && f.size > max) problem = input.getAttribute("data-msg-size");
  if (msg) msg.textContent = problem;
  input.setCustomValidity(problem);
});
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  var bar = form.querySelector("progress");
  if (!bar || !window.XMLHttpRequest || !window.FormData) return;
  ev.preventDefault();
  var xhr = new XMLHttpRequest();
  xhr.open(form.method, form.action);
  xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; } };
  xhr.onload = function () { window.location = xhr.responseURL || form.action; };
  xhr.onerror = function () { form.submit(); };
  bar.hidden = false;
  xhr.send(new FormData(form));
});
