// Builds the network from the JSON data block. Text from the graph only ever reaches the
// page through textContent and the canvas, never as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("cimo-graph-data").textContent);
  var words = data.words;
  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;

  function parts(box, given, head) {
    given.forEach(function (part, index) {
      var line = document.createElement("div");
      line.className = index === 0 ? head : "part";
      if (part[0]) {
        var name = document.createElement("div");
        name.className = "name";
        name.textContent = part[0];
        line.appendChild(name);
      }
      var text = document.createElement("div");
      text.textContent = part[1];
      line.appendChild(text);
      box.appendChild(line);
    });
    return box;
  }
  function tooltip(given) {
    var box = document.createElement("div");
    box.className = "cimo-tip";
    return parts(box, given, "head");
  }

  // the legend: one button per kind, which hides or shows the elements of that kind
  var legend = document.getElementById("legend");
  var tools = document.getElementById("tools");
  var hiddenKinds = {};
  data.legend.forEach(function (entry) {
    var item = document.createElement("button");
    item.type = "button";
    item.className = "item";
    item.setAttribute("aria-pressed", "true");
    item.dataset.kind = entry.kind;
    var swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = entry.color;
    var text = document.createElement("span");
    text.textContent = entry.label;
    item.appendChild(swatch);
    item.appendChild(text);
    item.addEventListener("click", function () { toggleKind(entry.kind); });
    legend.insertBefore(item, tools);
  });

  var byId = {};
  data.nodes.forEach(function (node) { byId[node.id] = node; });
  var nodes = new vis.DataSet(data.nodes.map(function (node) {
    var copy = Object.assign({}, node);
    copy.title = tooltip(node.tip);
    delete copy.tip;
    delete copy.find;
    return copy;
  }));
  // Link labels show where they are read, not all at once (they pile up around a
  // proposition): for the links of a hovered or selected node, a hovered link, and all of
  // them once zoomed in.
  var labels = {};
  var edges = new vis.DataSet(data.edges.map(function (edge) {
    labels[edge.id] = edge.label;
    return Object.assign({}, edge, {label: " "});
  }));
  var options = data.options;
  if (dark) {  // links and their words light on the dark page; the boxes keep their colours
    options.edges.color = {color: "#9a9a9a", highlight: "#f0f0f0"};
    options.edges.font = Object.assign({}, options.edges.font,
                                        {color: "#d0d0d0", strokeColor: "#1d1f21"});
  }
  var container = document.getElementById("network");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  var ZOOMED = 1.5;
  var shown = {};
  function labelled() {
    var wanted = {};
    if (network.getScale() >= ZOOMED) {
      Object.keys(labels).forEach(function (id) { wanted[id] = true; });
    }
    network.getSelectedNodes().concat(hovered.node ? [hovered.node] : [])
      .forEach(function (node) {
        network.getConnectedEdges(node).forEach(function (id) { wanted[id] = true; });
      });
    network.getSelectedEdges().concat(hovered.edge ? [hovered.edge] : [])
      .forEach(function (id) { wanted[id] = true; });
    var changes = [];
    Object.keys(labels).forEach(function (id) {
      if (!!wanted[id] !== !!shown[id]) {
        changes.push({id: id, label: wanted[id] ? labels[id] : " "});
      }
    });
    shown = wanted;
    if (changes.length) { edges.update(changes); }
  }
  var hovered = {node: null, edge: null};
  network.on("hoverNode", function (event) { hovered.node = event.node; labelled(); });
  network.on("blurNode", function () { hovered.node = null; labelled(); });
  network.on("hoverEdge", function (event) { hovered.edge = event.edge; labelled(); });
  network.on("blurEdge", function () { hovered.edge = null; labelled(); });
  container.addEventListener("mouseleave", function () {
    hovered.node = null;  // the pointer left the picture: nothing is hovered any more
    hovered.edge = null;
    labelled();
  });
  network.on("zoom", labelled);
  if (options.physics && options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: false});
    });
  }

  // views: the whole network (labels too small to read are left out: they show on hover
  // and in the detail panel), or the least zoom at which every label reads
  var readable = (data.legible + 1) / data.font;  // labels whole, past vis' fading pixel
  function overview() { network.fit({animation: false}); }
  function read(around) {
    var scale = Math.max(readable, network.getScale());
    if (around) {
      network.focus(around, {scale: Math.max(scale, 1), animation: false});
      return;
    }
    var ids = nodes.getIds().filter(function (id) { return !nodes.get(id).hidden; });
    if (!ids.length) { return; }
    var boxes = ids.map(function (id) { return network.getBoundingBox(id); });
    var left = Math.min.apply(null, boxes.map(function (box) { return box.left; }));
    var top = Math.min.apply(null, boxes.map(function (box) { return box.top; }));
    var width = container.clientWidth, height = container.clientHeight;
    // the reading starts where the CIMO columns do: the top left corner
    network.moveTo({position: {x: left - 10 + width / 2 / scale, y: top - 10 + height / 2 / scale},
                    scale: scale, animation: false});
  }
  network.once("afterDrawing", overview);

  // Where a label is too small to read (a whole study at fit), the node's id stands in its
  // place at the least legible size: every node is named, none in type too small to read.
  var captions = [];
  network.on("afterDrawing", function (context) {
    var scale = network.getScale();
    captions = [];
    if (data.font * scale >= data.legible) { return; }
    var size = data.legible / scale;  // canvas units: data.legible CSS pixels on screen
    context.save();
    context.font = "600 " + size + "px sans-serif";
    context.textAlign = "center";
    context.textBaseline = "middle";
    context.fillStyle = "#111111";
    var places = network.getPositions();
    data.nodes.forEach(function (node) {
      if (nodes.get(node.id).hidden) { return; }
      var place = places[node.id];
      context.fillText(node.id, place.x, place.y);
      captions.push({id: node.id, px: size * scale});
    });
    context.restore();
  });
  document.getElementById("overview").addEventListener("click", overview);
  document.getElementById("read").addEventListener("click", function () { read(); });

  // the detail panel: what the tooltip says, for touch and keyboards; the node list
  var detail = document.getElementById("detail");
  var chooser = document.getElementById("nodes");
  function describe(id) {
    detail.textContent = "";
    if (!id || !byId[id]) {
      var none = document.createElement("p");
      none.textContent = words.nothing;
      detail.appendChild(none);
      return;
    }
    var title = document.createElement("h2");
    title.textContent = byId[id].tip[0][1];
    detail.appendChild(title);
    parts(detail, byId[id].tip.slice(1), "part");
    links(detail, id);
  }
  function named(id) { return byId[id] ? byId[id].tip[0][1] + " (" + id + ")" : id; }
  function links(box, id) {
    var out = [], into = [];
    data.edges.forEach(function (edge) {
      if (edge.from === id) { out.push(edge.label + " → " + named(edge.to)); }
      if (edge.to === id) { into.push(named(edge.from) + " → " + edge.label); }
    });
    [[words.links_out, out], [words.links_in, into]].forEach(function (pair) {
      if (!pair[1].length) { return; }
      var name = document.createElement("div");
      name.className = "name";
      name.textContent = pair[0];
      box.appendChild(name);
      var list = document.createElement("ul");
      pair[1].forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
      });
      box.appendChild(list);
    });
  }
  data.nodes.slice().sort(function (a, b) {
    return a.tip[0][1].localeCompare(b.tip[0][1]);
  }).forEach(function (node) {
    var option = document.createElement("option");
    option.value = node.id;
    option.textContent = named(node.id);
    chooser.appendChild(option);
  });
  function choose(id) {
    if (!id || !byId[id]) { describe(null); return; }
    if (nodes.get(id).hidden) { toggleKind(byId[id].kind); }
    network.selectNodes([id]);
    read(id);
    labelled();
    describe(id);
    chooser.value = id;
  }
  chooser.addEventListener("change", function () { choose(chooser.value); });
  network.on("select", function (event) {
    labelled();
    if (event.nodes.length === 1) { describe(event.nodes[0]); chooser.value = event.nodes[0]; }
  });

  // the text version: every element with its links, as a list
  var textList = document.getElementById("text-list");
  data.nodes.forEach(function (node) {
    var item = document.createElement("li");
    var head = document.createElement("strong");
    head.textContent = named(node.id);
    item.appendChild(head);
    parts(item, node.tip.slice(1), "part");
    links(item, node.id);
    textList.appendChild(item);
  });

  function toggleKind(kind) {
    hiddenKinds[kind] = !hiddenKinds[kind];
    var button = legend.querySelector('.item[data-kind="' + kind + '"]');
    if (button) { button.setAttribute("aria-pressed", hiddenKinds[kind] ? "false" : "true"); }
    nodes.update(data.nodes.filter(function (node) { return node.kind === kind; })
      .map(function (node) { return {id: node.id, hidden: !!hiddenKinds[kind]}; }));
    return data.nodes.filter(function (node) { return hiddenKinds[node.kind]; }).length;
  }

  // The search box marks the nodes kg.search finds for the words typed (the same rules:
  // search.js), fades the others and moves the view to the nodes found.
  var rules = window.cimoSearch;
  var FOUND_SCALE = 1.2;  // one node found is shown at a reading size, not filling the view
  var texts = {};
  data.nodes.forEach(function (node) {
    texts[node.id] = (node.find || []).map(rules.fold);
  });
  var looks = {};
  data.nodes.forEach(function (node) {
    looks[node.id] = {borderWidth: node.borderWidth || 1, opacity: 1};
  });
  function search(text) {
    var terms = rules.terms(text);
    var matched = [];
    var changes = data.nodes.map(function (node) {
      var hit = rules.matches(texts[node.id], terms);
      if (hit) { matched.push(node.id); }
      if (!terms.length) { return Object.assign({id: node.id}, looks[node.id]); }
      return {id: node.id, borderWidth: hit ? 4 : 1, opacity: hit ? 1 : 0.2};
    });
    nodes.update(changes);
    document.getElementById("found").textContent =
      terms.length ? matched.length + " / " + data.nodes.length : "";
    if (matched.length) {
      network.fit({nodes: matched, animation: false});
      if (network.getScale() > FOUND_SCALE) { network.moveTo({scale: FOUND_SCALE}); }
    } else if (!terms.length) {
      overview();
    }
    return matched;
  }
  document.getElementById("search").addEventListener("input", function (event) {
    search(event.target.value);
  });

  // saving the current view: PNG from the canvas, SVG drawn from the same places
  function save(name, href) {
    var link = document.createElement("a");
    link.href = href;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }
  function png() {
    var canvas = container.querySelector("canvas");
    var copy = document.createElement("canvas");
    copy.width = canvas.width;
    copy.height = canvas.height;
    var context = copy.getContext("2d");
    context.fillStyle = dark ? "#1d1f21" : "#ffffff";  // a picture has no see-through page
    context.fillRect(0, 0, copy.width, copy.height);
    context.drawImage(canvas, 0, 0);
    return copy.toDataURL("image/png");
  }
  function escapeXml(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }
  function svg() {
    var width = container.clientWidth, height = container.clientHeight;
    var scale = network.getScale();
    var out = ['<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' +
               height + '" viewBox="0 0 ' + width + " " + height + '" font-family="sans-serif">',
               '<rect width="100%" height="100%" fill="' + (dark ? "#1d1f21" : "#ffffff") + '"/>',
               '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8"' +
               ' markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="' +
               "#8a8a8a" + '"/></marker></defs>'];
    var boxes = {};
    data.nodes.forEach(function (node) {
      if (nodes.get(node.id).hidden) { return; }
      var box = network.getBoundingBox(node.id);
      var a = network.canvasToDOM({x: box.left, y: box.top});
      var b = network.canvasToDOM({x: box.right, y: box.bottom});
      boxes[node.id] = {x: a.x, y: a.y, w: b.x - a.x, h: b.y - a.y};
    });
    data.edges.forEach(function (edge) {
      var s = boxes[edge.from], t = boxes[edge.to];
      if (!s || !t) { return; }
      out.push('<line x1="' + (s.x + s.w) + '" y1="' + (s.y + s.h / 2) + '" x2="' + t.x +
               '" y2="' + (t.y + t.h / 2) + '" stroke="#8a8a8a" marker-end="url(#arrow)">' +
               "<title>" + escapeXml(edge.label) + "</title></line>");
    });
    data.nodes.forEach(function (node) {
      var box = boxes[node.id];
      if (!box) { return; }
      var look = nodes.get(node.id);
      out.push('<g class="node"><title>' + escapeXml(named(node.id)) + "</title>" +
               '<rect x="' + box.x + '" y="' + box.y + '" width="' + box.w + '" height="' +
               box.h + '" rx="4" fill="' + look.color.background + '" stroke="#444"/>');
      var lines = String(node.label).split("\n");
      var size = data.font * scale;
      if (size >= data.legible) {
        lines.forEach(function (line, index) {
          var y = box.y + box.h / 2 + (index - (lines.length - 1) / 2) * size * 1.2;
          out.push('<text x="' + (box.x + box.w / 2) + '" y="' + y + '" font-size="' + size +
                   '" text-anchor="middle" dominant-baseline="middle" fill="#222">' +
                   escapeXml(line) + "</text>");
        });
      }
      out.push("</g>");
    });
    out.push("</svg>");
    return out.join("\n");
  }
  document.getElementById("save-png").addEventListener("click", function () {
    save("network.png", png());
  });
  document.getElementById("save-svg").addEventListener("click", function () {
    save("network.svg", "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg()));
  });

  window.cimoGraph = {network: network, nodes: nodes, edges: edges, labels: labels,
                      search: search, choose: choose, toggleKind: toggleKind,
                      overview: overview, read: read, png: png, svg: svg,
                      captions: function () { return captions.slice(); }};
})();
