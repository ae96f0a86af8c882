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
    legend.appendChild(item);
  });

  var nodes = new vis.DataSet(data.nodes.map(function (node) {
    var copy = Object.assign({}, node);
    copy.title = tooltip(node.tip);
    delete copy.tip;
    return copy;
  }));
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("network"),
                                {nodes: nodes, edges: edges}, data.options);
  if (data.options.physics && data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: false});
    });
  }
  network.once("afterDrawing", function () { network.fit(); });
  window.cimoGraph = {network: network, nodes: nodes, edges: edges};
})();
