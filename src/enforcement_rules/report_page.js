/* The HTML report's script: reads the embedded findings, filters, sorts and pages them.
   Inlined into each report by _html.py; nothing is fetched from the network. */
(function () {
  "use strict";
  var D, shown = [], state = {department: "", rule: "", status: "", q: "", page: 1, sort: "", desc: false};
  var $ = function (id) { return document.getElementById(id); };
  function text(tag, value, cls) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = value;
    return el;
  }
  function load() {
    var el = $("findings-data");
    if (el.dataset.encoding !== "gzip-base64") return Promise.resolve(JSON.parse(el.textContent));
    var b64 = JSON.parse(el.textContent), raw = atob(b64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }
  function readHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    Object.keys(state).forEach(function (key) {
      if (!params.has(key)) return;
      var value = params.get(key);
      state[key] = key === "page" ? Math.max(1, parseInt(value, 10) || 1)
        : key === "desc" ? value === "1" : value;
    });
  }
  function writeHash() {
    var params = new URLSearchParams();
    Object.keys(state).forEach(function (key) {
      var value = state[key];
      if (key === "desc") value = value ? "1" : "";
      if (key === "page" && value === 1) value = "";
      if (value !== "" && value !== false) params.set(key, value);
    });
    history.replaceState(null, "", "#" + params.toString());
  }
  function options(select, values, label) {
    select.appendChild(new Option(label, ""));
    values.forEach(function (v) { select.appendChild(new Option(v[1], v[0])); });
  }
  var natural = new Intl.Collator("zh-CN", {numeric: true});
  var SORT = {department: 0, rule: 1, status: 3, subject: 4, due: 6};
  function apply() {
    var q = state.q.toLowerCase(), F = D.findings;
    shown = [];
    for (var i = 0; i < F.length; i++) {
      var f = F[i];
      if (state.department && f[0] !== state.department) continue;
      if (state.rule && f[1] !== state.rule) continue;
      if (state.status && f[3] !== state.status) continue;
      if (q && (f[0] + " " + (D.departments[f[0]] || "") + " " + f[1] + " " + f[4] + " " +
          f[7] + " " + f[8]).toLowerCase().indexOf(q) < 0) continue;
      shown.push(f);
    }
    if (state.sort in SORT) {
      var c = SORT[state.sort], sign = state.desc ? -1 : 1;
      shown.sort(function (a, b) { return sign * natural.compare(a[c], b[c]); });
    }
    var pages = Math.max(1, Math.ceil(shown.length / D.page_size));
    state.page = Math.min(state.page, pages);
    render(pages);
    writeHash();
  }
  function render(pages) {
    var body = $("findings-body"), start = (state.page - 1) * D.page_size;
    body.textContent = "";
    shown.slice(start, start + D.page_size).forEach(function (f) {
      var tr = document.createElement("tr"), td;
      tr.className = f[2];
      td = document.createElement("td");
      td.appendChild(text("div", f[0] || "-"));
      td.appendChild(text("div", D.departments[f[0]] || "", "meta"));
      tr.appendChild(td);
      td = document.createElement("td");
      if (D.rules[f[1]][2]) {
        var link = text("a", f[1]);
        link.href = "#reading-" + f[1];
        var line = document.createElement("div");
        line.appendChild(link);
        td.appendChild(line);
      } else {
        td.appendChild(text("div", f[1]));
      }
      td.appendChild(text("div", D.rules[f[1]][0], "meta"));
      tr.appendChild(td);
      tr.appendChild(text("td", f[3], "status"));
      td = text("td", f[4]);
      if (f[5]) td.appendChild(text("div", f[5], "meta"));
      tr.appendChild(td);
      tr.appendChild(text("td", f[6] || "-"));
      td = text("td", f[7], "message");
      if (f[11]) td.appendChild(text("div", "人员：" + f[11]));
      td.appendChild(text("div", f[8], "meta"));
      if (f[9]) td.appendChild(text("div", "依据数据：" + f[9], "figures"));
      tr.appendChild(td);
      td = document.createElement("td");
      f[10].forEach(function (s) {
        var source = D.sources[s];
        td.appendChild(text("div", source[0], "quote"));
        if (source[1]) td.appendChild(text("div", source[1], "reading"));
        td.appendChild(text("div", source[2], "meta"));
      });
      tr.appendChild(td);
      tr.appendChild(text("td", D.rules[f[1]][1], "fix"));
      body.appendChild(tr);
    });
    if (!shown.length) {
      var empty = text("td", "没有符合条件的发现 no findings match");
      empty.colSpan = 8;
      var row = document.createElement("tr");
      row.appendChild(empty);
      body.appendChild(row);
    }
    $("shown-count").textContent = shown.length.toLocaleString("en");
    $("page").textContent = state.page + " / " + pages;
    $("previous").disabled = state.page <= 1;
    $("next").disabled = state.page >= pages;
    document.querySelectorAll("th.sort").forEach(function (th) {
      th.classList.toggle("asc", th.dataset.key === state.sort && !state.desc);
      th.classList.toggle("desc", th.dataset.key === state.sort && state.desc);
    });
  }
  load().then(function (data) {
    D = data;
    var departments = {}, rules = {}, statuses = {};
    D.findings.forEach(function (f) { departments[f[0]] = 1; rules[f[1]] = 1; statuses[f[3]] = 1; });
    options($("filter-department"), Object.keys(departments).sort(natural.compare).map(function (d) {
      return [d, (d || "-") + " " + (D.departments[d] || "")];
    }), "全部部门 all departments");
    options($("filter-rule"), Object.keys(rules).sort(natural.compare).map(function (r) {
      return [r, r + " " + D.rules[r][0]];
    }), "全部规则 all rules");
    options($("filter-status"), Object.keys(statuses).sort().map(function (s) { return [s, s]; }),
      "全部结论 all statuses");
    readHash();
    $("filter-department").value = state.department;
    $("filter-rule").value = state.rule;
    $("filter-status").value = state.status;
    $("filter-text").value = state.q;
    [["filter-department", "department"], ["filter-rule", "rule"], ["filter-status", "status"]]
      .forEach(function (pair) {
        $(pair[0]).addEventListener("change", function (e) {
          state[pair[1]] = e.target.value; state.page = 1; apply();
        });
      });
    var timer;
    $("filter-text").addEventListener("input", function (e) {
      clearTimeout(timer);
      timer = setTimeout(function () { state.q = e.target.value; state.page = 1; apply(); }, 200);
    });
    $("previous").addEventListener("click", function () { state.page -= 1; apply(); });
    $("next").addEventListener("click", function () { state.page += 1; apply(); });
    document.querySelectorAll("th.sort").forEach(function (th) {
      th.addEventListener("click", function () {
        state.desc = state.sort === th.dataset.key ? !state.desc : false;
        state.sort = th.dataset.key;
        apply();
      });
    });
    apply();
    document.body.dataset.ready = "1";
    document.body.dataset.readyMs = String(Math.round(performance.now()));
  });
})();
