// Builds the network from the JSON data block. Text from the graph only ever reaches the
// page through textContent and the canvas, never as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("cimo-graph-data").textContent);

  function tooltip(parts) {
    var box = document.createElement("div");
    box.className = "cimo-tip";
    parts.forEach(function (part, index) {
      var line = document.createElement("div");
      line.className = index === 0 ? "head" : "part";
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

  var legend = document.getElementById("legend");
  var find = document.getElementById("find");
  data.legend.forEach(function (entry) {
    var item = document.createElement("span");
    item.className = "item";
    var swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = entry.color;
    var text = document.createElement("span");
    text.textContent = entry.label;
    item.appendChild(swatch);
    item.appendChild(text);
    legend.insertBefore(item, find);
  });

  var nodes = new vis.DataSet(data.nodes.map(function (node) {
    var copy = Object.assign({}, node);
    copy.title = tooltip(node.tip);
    delete copy.tip;
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
  var network = new vis.Network(document.getElementById("network"),
                                {nodes: nodes, edges: edges}, data.options);
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
  document.getElementById("network").addEventListener("mouseleave", function () {
    hovered.node = null;  // the pointer left the picture: nothing is hovered any more
    hovered.edge = null;
    labelled();
  });
  network.on("select", labelled);
  network.on("zoom", labelled);
  if (data.options.physics && data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: false});
    });
  }
  network.once("afterDrawing", function () { network.fit(); });

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
      network.fit({animation: false});
    }
    return matched;
  }
  document.getElementById("search").addEventListener("input", function (event) {
    search(event.target.value);
  });
  window.cimoGraph = {network: network, nodes: nodes, edges: edges, labels: labels,
                      search: search};
})();
