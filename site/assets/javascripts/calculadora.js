// The calculator: looks figures up in the per-model grid that the site's generator computed with vrambot's
// estimator (bot/sitegen/grids.py). Nothing here computes memory: a verdict is the grid's "fits" bit for a
// common machine (or the grid's figure against a memory size typed in), and the cheapest change is the first
// entry of the grid's own list of changes that fits. Labels come from the page, in its language.
(function () {
  "use strict";
  var COMPONENTS = ["weights", "kv", "activations", "gradients", "optimizer", "overhead"];
  var cache = {};

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function fill(template, fields) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return name in fields ? fields[name] : all;
    });
  }

  function load(base, model) {
    if (!cache[model]) {
      cache[model] = fetch(base + model + ".json").then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      });
    }
    return cache[model];
  }

  function select(name, label, options, value) {
    var box = el("select", { name: name });
    options.forEach(function (option) {
      var item = el("option", { value: String(option[0]), text: option[1] });
      if (String(option[0]) === String(value)) item.selected = true;
      box.appendChild(item);
    });
    return el("label", {}, [document.createTextNode(label), box]);
  }

  function Calculator(root) {
    var data = JSON.parse(root.querySelector(".vb-calc-data").textContent);
    this.root = root;
    this.base = root.getAttribute("data-grids");
    this.lang = root.getAttribute("data-lang");
    this.labels = data.labels;
    this.data = data;
    this.format = new Intl.NumberFormat(this.lang === "es" ? "es-ES" : "en-US", { maximumFractionDigits: 1 });
    this.state = { model: data.model, machine: data.machine, memory: "24", task: "inference", setup: "fp16",
                   context: null, batch: "1" };
    this.form = el("form", { "class": "vb-calc-form" });
    this.output = el("div", { "class": "vb-calc-output", "aria-live": "polite" });
    root.appendChild(this.form);
    root.appendChild(this.output);
    var self = this;
    this.form.addEventListener("change", function (event) {
      self.state[event.target.name] = event.target.value;
      self.update();
    });
    this.form.addEventListener("input", function (event) {
      if (event.target.name === "memory") { self.state.memory = event.target.value; self.show(); }
    });
    this.form.addEventListener("submit", function (event) { event.preventDefault(); });
    this.update();
  }

  Calculator.prototype.gib = function (value) { return this.format.format(value); };

  Calculator.prototype.update = function () {
    var self = this;
    this.output.textContent = this.labels.loading;
    load(this.base, this.state.model).then(function (grid) {
      self.grid = grid;
      self.normalise();
      self.buildForm();
      self.show();
    }).catch(function () {
      self.output.textContent = self.labels.error;
    });
  };

  Calculator.prototype.taskData = function (name) {
    return this.grid.tasks.filter(function (t) { return t.task === name; })[0];
  };

  Calculator.prototype.normalise = function () {
    var s = this.state, task = this.taskData(s.task) || this.grid.tasks[0];
    s.task = task.task;
    if (!task.setups.some(function (x) { return x.id === s.setup; })) s.setup = task.setups[0].id;
    var contexts = task.contexts.map(String);
    if (contexts.indexOf(String(s.context)) < 0) {
      var preferred = s.task === "inference" ? 4096 : 2048;
      var fitting = task.contexts.filter(function (c) { return c <= preferred; });
      s.context = String(fitting.length ? fitting[fitting.length - 1] : task.contexts[0]);
    }
  };

  Calculator.prototype.buildForm = function () {
    var s = this.state, l = this.labels, d = this.data, grid = this.grid, self = this;
    var task = this.taskData(s.task);
    var parts = [];
    if (d.models) parts.push(select("model", l.model, d.models, s.model));
    var machines = grid.machines.map(function (m) { return [m[0], m[1] + " (" + self.gib(m[2]) + " GiB)"]; });
    machines.push(["other", l.other_memory]);
    parts.push(select("machine", l.machine, machines, s.machine));
    if (s.machine === "other") {
      var input = el("input", { name: "memory", type: "number", min: "1", step: "any", value: s.memory });
      parts.push(el("label", {}, [document.createTextNode(l.memory), input]));
    }
    parts.push(select("task", l.task, grid.tasks.map(function (t) { return [t.task, d.tasks[t.task]]; }), s.task));
    parts.push(select("setup", l.setup, task.setups.map(function (x) { return [x.id, d.setups[x.id] || x.id]; }), s.setup));
    parts.push(select("context", l.context, task.contexts.map(function (c) { return [c, self.gib(c)]; }), s.context));
    parts.push(select("batch", l.batch, grid.batches.map(function (b) { return [b, String(b)]; }), s.batch));
    this.form.textContent = "";
    parts.forEach(function (part) { self.form.appendChild(part); });
  };

  Calculator.prototype.cell = function (taskName, setupId, context, batch) {
    var task = this.taskData(taskName);
    if (!task) return null;
    var setup = task.setups.filter(function (x) { return x.id === setupId; })[0];
    var ci = task.contexts.indexOf(Number(context)), bi = this.grid.batches.indexOf(Number(batch));
    if (!setup || ci < 0 || bi < 0) return null;
    return setup.cells[ci][bi];
  };

  Calculator.prototype.machine = function () {
    var s = this.state;
    if (s.machine === "other") return { name: this.gib(Number(s.memory) || 0) + " GiB", gib: Number(s.memory) || 0 };
    for (var i = 0; i < this.grid.machines.length; i++) {
      var m = this.grid.machines[i];
      if (m[0] === s.machine) return { index: i, name: m[1], gib: m[2] };
    }
    return { index: 0, name: this.grid.machines[0][1], gib: this.grid.machines[0][2] };
  };

  Calculator.prototype.fits = function (cell, machine) {
    if (!cell) return false;
    if (machine.index === undefined) return cell[0] <= machine.gib;  // a memory size typed in
    return (cell[8] & (1 << machine.index)) !== 0;  // the estimator's verdict, computed by the generator
  };

  Calculator.prototype.change = function (machine) {
    var s = this.state, task = this.taskData(s.task);
    var setup = task.setups.filter(function (x) { return x.id === s.setup; })[0];
    for (var i = 0; i < setup.changes.length; i++) {
      var change = setup.changes[i], target = this.taskData(change[0]);
      if (!target) continue;
      var contexts = change[2] === "same" ? [Number(s.context)]
        : target.contexts.filter(function (c) { return c < Number(s.context); }).reverse();
      for (var j = 0; j < contexts.length; j++) {
        var cell = this.cell(change[0], change[1], contexts[j], s.batch);
        if (this.fits(cell, machine)) return { task: change[0], setup: change[1], context: contexts[j], cell: cell };
      }
    }
    return null;
  };

  Calculator.prototype.command = function () {
    var s = this.state, grid = this.grid;
    var parts = ["vrambot estimate", JSON.stringify(grid.name), "--task " + s.task];
    var setups = { lora_bf16: "", qlora_nf4: "", mixed: "", mixed_ckpt: " --checkpointing",
                   mixed_ckpt_8bit: " --checkpointing --optimizer adamw_8bit", bf16: " --precision bf16" };
    if (s.task === "inference") parts.push("--precision " + s.setup);
    else if (setups[s.setup]) parts.push(setups[s.setup].trim());
    parts.push("--context " + s.context, "--batch " + s.batch);
    var machine = this.machine();
    if (s.machine !== "other") parts.push("--gpu " + JSON.stringify(machine.name));
    return parts.join(" ");
  };

  Calculator.prototype.show = function () {
    var s = this.state, l = this.labels, self = this, out = this.output;
    var cell = this.cell(s.task, s.setup, s.context, s.batch);
    var machine = this.machine();
    out.textContent = "";
    if (!cell) { out.textContent = l.error; return; }
    var fits = this.fits(cell, machine);
    var change = fits ? null : this.change(machine);
    var kind = fits ? "yes" : (change ? "changes" : "no");
    var head = fits ? l.fits : (change ? l.fits_with : l.no_fit);
    out.appendChild(el("p", { "class": "vb-calc-verdict vb-" + kind, "data-verdict": kind, text: head }));
    out.appendChild(el("p", { "class": "vb-calc-figure",
      text: fill(l.per_gpu, { gib: this.gib(cell[0]), memory: this.gib(machine.gib) }) + " · " + machine.name }));
    var scale = Math.max(cell[0], machine.gib) || 1;
    var bar = el("div", { "class": "vb-bar", role: "img",
      "aria-label": COMPONENTS.map(function (c, i) { return l[c] + " " + self.gib(cell[i + 1]) + " GiB"; }).join(", ") });
    var legend = el("ul", { "class": "vb-legend" });
    COMPONENTS.forEach(function (name, i) {
      var value = cell[i + 1];
      if (value <= 0) return;
      bar.appendChild(el("span", { "class": "vb-c-" + name, style: "width:" + (100 * value / scale) + "%" }));
      legend.appendChild(el("li", {}, [el("i", { "class": "vb-c-" + name }),
        document.createTextNode(l[name] + " " + self.gib(value) + " GiB")]));
    });
    bar.appendChild(el("span", { "class": "vb-limit", style: "left:" + (100 * machine.gib / scale) + "%" }));
    out.appendChild(bar);
    out.appendChild(legend);
    if (change) {
      out.appendChild(el("p", { "class": "vb-calc-change", text: fill(l.change, {
        setup: this.data.setups[change.setup] || change.setup,
        context: this.gib(change.context), gib: this.gib(change.cell[0]) }) }));
    } else if (!fits) {
      out.appendChild(el("p", { "class": "vb-calc-change", text: fill(l.no_change, { machine: machine.name }) }));
    }
    out.appendChild(el("p", { text: fill(l.ram, { gib: this.gib(cell[7]) }) }));
    out.appendChild(el("p", { "class": "vb-calc-cli", text: l.needs_bot }));
    out.appendChild(el("pre", {}, [el("code", { text: this.command() })]));
  };

  function start() {
    document.querySelectorAll(".vb-calc").forEach(function (root) {
      if (!root.dataset.started) {
        root.dataset.started = "yes";
        new Calculator(root);
      }
    });
  }
  if (typeof document$ !== "undefined") document$.subscribe(start);
  else document.addEventListener("DOMContentLoaded", start);
})();
