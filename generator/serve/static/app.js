// gen-report serve: small helpers; every page also works without JavaScript.
(function () {
  "use strict";
  function mb(bytes) { return (bytes / 1048576).toFixed(1); }
  // Refuse an oversized file before uploading it, with the same message the server gives.
  document.querySelectorAll("form.upload").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var max = Number(form.dataset.maxBytes), maxFiles = Number(form.dataset.maxFiles || 0);
      var maxTotal = Number(form.dataset.maxTotal || 0), total = 0, count = 0, problems = [];
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        Array.prototype.forEach.call(input.files, function (f) {
          count += 1; total += f.size;
          if (max && f.size > max) problems.push("文件“" + f.name + "”太大（" + mb(f.size) + " MB），超过 " + form.dataset.maxMb + " MB 的上限");
        });
      });
      if (maxFiles && count > maxFiles) problems.push("一次最多上传 " + maxFiles + " 个文件，本次选择了 " + count + " 个");
      if (maxTotal && total > maxTotal) problems.push("文件合计 " + mb(total) + " MB，超过 " + mb(maxTotal) + " MB 的上限");
      if (problems.length) { event.preventDefault(); alert(problems.join("\n")); return; }
      var busy = form.querySelector(".busy"), button = form.querySelector("button");
      if (busy) busy.hidden = false;
      if (button) setTimeout(function () { button.disabled = true; }, 0);
    });
  });
  // Offer only the profiles of the chosen kind (the server refuses a mismatch too).
  var kind = document.querySelector("select[name=kind]"), profile = document.querySelector("select[name=profile]");
  if (kind && profile) {
    var filter = function () {
      Array.prototype.forEach.call(profile.options, function (o) {
        o.hidden = Boolean(o.dataset.kind) && o.dataset.kind !== kind.value;
        if (o.hidden && o.selected) profile.value = "";
      });
    };
    kind.addEventListener("change", filter);
    filter();
  }
  // Batch progress: poll the job's status, fill in rows as departments finish, reload at the end.
  var job = document.getElementById("job");
  if (job && job.dataset.finished === "0") {
    var statusText = { true: "成功", false: "失败" };
    var poll = function () {
      fetch(job.dataset.status, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
        document.getElementById("done").textContent = s.done;
        document.getElementById("progress").value = s.done;
        var rows = document.getElementById("rows").rows;
        s.departments.forEach(function (d, i) {
          if (d.pending || !rows[i]) return;
          var cells = rows[i].cells;
          rows[i].className = d.ok ? "ok" : "failed";
          cells[1].textContent = d.department; cells[2].textContent = statusText[d.ok];
          cells[3].textContent = d.warnings; cells[4].textContent = d.errors; cells[5].textContent = d.files.join("、");
        });
        if (s.finished) { window.location.reload(); } else { setTimeout(poll, 500); }
      }).catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 300);
  }
})();
