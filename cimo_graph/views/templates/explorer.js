// The explorer widget's view (anywidget): the network, a picker of themes and
// propositions, the selected element's evidence beside it and the routes below. Python
// holds the state (focus, selected, what to show); this draws it and sends back clicks and
// choices. vis-network comes before this file in the same module, into `exports` (so no
// global is set); text from the graph only ever reaches the page as textContent.
const vis = exports;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function table(columns, rows) {
  const box = element("table");
  const head = box.createTHead().insertRow();
  columns.forEach((name) => head.appendChild(element("th", "", name)));
  const body = box.createTBody();
  rows.forEach((row) => {
    const line = body.insertRow();
    row.forEach((cell) => line.appendChild(element("td", "", cell)));
  });
  return box;
}

function tooltip(parts) {
  const box = element("div", "cimo-explorer-tip");
  parts.forEach((part, index) => {
    const line = element("div", index === 0 ? "head" : "part");
    if (part[0]) line.appendChild(element("div", "name", part[0]));
    line.appendChild(element("div", "", part[1]));
    box.appendChild(line);
  });
  return box;
}

function render({ model, el }) {
  el.classList.add("cimo-explorer");
  const bar = element("div", "bar");
  const picker = element("select", "picker");
  picker.setAttribute("aria-label", "focus the network on a theme or a proposition");
  const legend = element("div", "legend");
  bar.appendChild(picker);
  bar.appendChild(legend);
  const middle = element("div", "middle");
  const canvas = element("div", "network");
  const side = element("aside", "evidence");
  side.setAttribute("aria-live", "polite");
  middle.appendChild(canvas);
  middle.appendChild(side);
  const routes = element("div", "routes");
  el.appendChild(bar);
  el.appendChild(middle);
  el.appendChild(routes);

  let network = null;
  let nodes = null;

  function draw() {
    const data = model.get("network");
    legend.replaceChildren();
    (data.legend || []).forEach((entry) => {
      const item = element("span", "item");
      const swatch = element("span", "swatch");
      swatch.style.background = entry.color;
      item.appendChild(swatch);
      item.appendChild(element("span", "", entry.label));
      legend.appendChild(item);
    });
    nodes = new vis.DataSet((data.nodes || []).map((node) => {
      const copy = Object.assign({}, node, { title: tooltip(node.tip || []) });
      delete copy.tip;
      delete copy.find;
      return copy;
    }));
    const edges = new vis.DataSet(data.edges || []);
    if (network) network.destroy();
    network = new vis.Network(canvas, { nodes, edges }, data.options || {});
    network.on("click", (event) => {
      const chosen = event.nodes.length ? String(event.nodes[0]) : "";
      if (chosen !== model.get("selected")) {
        model.set("selected", chosen);
        model.save_changes();
      }
    });
    fit();
    select();
  }

  // fit the whole network in once the view has a size (a notebook draws the widget before
  // it is placed on the page), and again when the view is resized
  function fit() {
    if (network && canvas.clientWidth > 0 && canvas.clientHeight > 0) {
      network.redraw();
      network.fit({ animation: false });
      select();
    }
  }
  const watcher = new ResizeObserver(() => fit());
  watcher.observe(canvas);

  function choices() {
    const focus = model.get("focus");
    picker.replaceChildren();
    model.get("choices").forEach(([value, label]) => {
      const option = element("option", "", label);
      option.value = value;
      option.selected = value === focus;
      picker.appendChild(option);
    });
  }
  picker.addEventListener("change", () => {
    model.set("focus", picker.value);
    model.save_changes();
  });

  function select() {
    const chosen = model.get("selected");
    if (!network) return;
    if (chosen && nodes.get(chosen)) {
      network.selectNodes([chosen]);
      network.focus(chosen, { scale: Math.max(network.getScale(), 1), animation: false });
    } else {
      network.unselectAll();
    }
  }

  function evidence() {
    const shown = model.get("evidence_shown");
    side.replaceChildren();
    if (!shown.id) {
      side.appendChild(element("p", "hint", shown.hint || ""));
      return;
    }
    side.appendChild(element("h4", "", shown.id));
    side.appendChild(element("p", "label", shown.label || ""));
    side.appendChild(table(shown.columns, shown.rows));
  }

  function routeTable() {
    const shown = model.get("routes_shown");
    routes.replaceChildren();
    if (!shown.title) return;
    routes.appendChild(element("h4", "", shown.title));
    routes.appendChild(table(shown.columns, shown.rows));
  }

  model.on("change:network", draw);
  model.on("change:choices", choices);
  model.on("change:focus", choices);
  model.on("change:selected", select);
  model.on("change:evidence_shown", evidence);
  model.on("change:routes_shown", routeTable);
  choices();
  draw();
  evidence();
  routeTable();
  // for tests and the curious: the network and its nodes
  el.cimoExplorer = { network: () => network, nodes: () => nodes };
  return () => {
    watcher.disconnect();
    if (network) network.destroy();
  };
}

export default { render };
