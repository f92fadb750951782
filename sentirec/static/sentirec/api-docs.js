/* A small OpenAPI explorer: lists every operation in the schema and lets you try it with
   your session. sentirec's own code, so the docs page needs no CDN and works offline. */
(function () {
  "use strict";

  var root = document.getElementById("api-docs");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var CSRF = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var METHODS = ["get", "post", "put", "patch", "delete"];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function resolve(schema, spec) {
    while (schema && schema.$ref) {
      schema = schema.$ref.replace(/^#\//, "").split("/").reduce(function (obj, key) { return obj[key]; }, spec);
    }
    return schema || {};
  }

  /* An example value for a schema: enough to show its shape and to edit before sending. */
  function example(schema, spec, depth) {
    schema = resolve(schema, spec);
    if (depth > 4) return null;
    if (schema.example !== undefined) return schema.example;
    if (schema.allOf) return example(schema.allOf[0], spec, depth + 1);
    if (schema.oneOf) return example(schema.oneOf[0], spec, depth + 1);
    if (schema.enum) return schema.enum[0];
    if (schema.type === "array") return [example(schema.items, spec, depth + 1)];
    if (schema.type === "object" || schema.properties) {
      var out = {};
      Object.keys(schema.properties || {}).forEach(function (name) {
        var prop = resolve(schema.properties[name], spec);
        if (!prop.readOnly) out[name] = example(prop, spec, depth + 1);
      });
      return out;
    }
    return { integer: 1, number: 1.0, boolean: true, string: "string" }[schema.type] || null;
  }

  function parameterTable(params) {
    if (!params.length) return null;
    var body = el("tbody", {}, params.map(function (p) {
      return el("tr", {}, [
        el("td", {}, [el("code", { text: p.name })]),
        el("td", { text: p.in + (p.required ? ", required" : "") }),
        el("td", { text: (p.schema && (p.schema.type || "")) + (p.description ? " — " + p.description : "") }),
      ]);
    }));
    return el("table", {}, [
      el("thead", {}, [el("tr", {}, [el("th", { text: "Parameter" }), el("th", { text: "In" }), el("th", { text: "About" })])]),
      body,
    ]);
  }

  function tryForm(path, method, op, spec) {
    var params = op.parameters || [];
    var form = el("form", { class: "form" });
    var inputs = params.map(function (p) {
      var id = "p-" + method + path.replace(/\W/g, "-") + "-" + p.name;
      var input = el("input", { id: id, name: p.name, placeholder: p.in === "path" ? "required" : "optional" });
      form.appendChild(el("div", { class: "field" }, [el("label", { for: id, text: p.name + " (" + p.in + ")" }), input]));
      return { param: p, input: input };
    });
    var content = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
    var bodyArea = null;
    if (content) {
      var bodyId = "b-" + method + path.replace(/\W/g, "-");
      bodyArea = el("textarea", { id: bodyId, rows: "6", spellcheck: "false" });
      bodyArea.value = JSON.stringify(example(content.schema, spec, 0), null, 2);
      form.appendChild(el("div", { class: "field" }, [el("label", { for: bodyId, text: "JSON body" }), bodyArea]));
    }
    var result = el("div", { class: "api-result", "aria-live": "polite" });
    form.appendChild(el("button", { type: "submit", class: "button button--small", text: "Send " + method.toUpperCase() }));
    form.appendChild(result);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var url = path;
      var query = new URLSearchParams();
      inputs.forEach(function (entry) {
        var value = entry.input.value.trim();
        if (entry.param.in === "path") url = url.replace("{" + entry.param.name + "}", encodeURIComponent(value));
        else if (value && entry.param.in === "query") query.append(entry.param.name, value);
      });
      if (query.toString()) url += "?" + query.toString();
      var options = { method: method.toUpperCase(), credentials: "same-origin", headers: { Accept: "application/json", "X-CSRFToken": CSRF } };
      if (bodyArea) {
        options.headers["Content-Type"] = "application/json";
        options.body = bodyArea.value;
      }
      result.textContent = "Sending…";
      fetch(url, options).then(function (response) {
        return response.text().then(function (text) {
          var shown = text;
          try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
          result.textContent = "";
          result.appendChild(el("p", { class: "api-result__status", text: response.status + " " + response.statusText + " — " + options.method + " " + url }));
          result.appendChild(el("pre", { text: shown || "(empty body)" }));
        });
      }).catch(function (error) { result.textContent = "Request failed: " + error; });
    });
    return form;
  }

  function operation(path, method, op, spec) {
    var summary = el("summary", {}, [
      el("span", { class: "api-op__method api-op__method--" + method, text: method.toUpperCase() }),
      el("span", { class: "api-op__path", text: path }),
      el("span", { class: "api-op__summary", text: op.summary || (op.description || "").split(/\.\s|\n/)[0] }),
    ]);
    var body = el("div", { class: "api-op__body" }, [
      op.description ? el("p", { text: op.description }) : null,
      parameterTable(op.parameters || []),
      el("p", { class: "muted small", text: "Responses: " + Object.keys(op.responses || {}).join(", ") }),
      tryForm(path, method, op, spec),
    ]);
    return el("details", { class: "api-op" }, [summary, body]);
  }

  function render(spec) {
    root.textContent = "";
    var byTag = {};
    Object.keys(spec.paths).forEach(function (path) {
      METHODS.forEach(function (method) {
        var op = spec.paths[path][method];
        if (!op) return;
        var tag = (op.tags && op.tags[0]) || "other";
        (byTag[tag] = byTag[tag] || []).push(operation(path, method, op, spec));
      });
    });
    Object.keys(byTag).sort().forEach(function (tag) {
      root.appendChild(el("h2", { class: "api-tag", text: tag }));
      byTag[tag].forEach(function (node) { root.appendChild(node); });
    });
  }

  if (!root) return;
  fetch(root.getAttribute("data-schema-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(render)
    .catch(function (error) { root.textContent = "Could not load the schema: " + error; });
})();
