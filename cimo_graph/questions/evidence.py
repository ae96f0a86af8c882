"""What stands behind one node, and what two propositions share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from ..labels import choose_label
from ..lookup import local_name
from ..sparql import named_query
from .base import (
    Base,
    _frame,
    natural_key,
    one_lookup,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Evidence"]


class Evidence(Base):
    """``evidence``, ``describe``, ``shared_elements``."""

    @one_lookup
    def evidence(self, node: str | URIRef, *, lang: str = "en") -> pd.DataFrame:
        """The evidence behind a node: verbatim source text, its place in the source,
        supporting quotes, whose data support it (``supported by``: roles, organisations,
        sources), the encoders' notes, the source document and references.

        >>> ev = cg.load().evidence("P2")
        >>> ev["kind"].tolist()
        ['source text', 'location', 'quote', 'note', 'derived from']
        >>> ev.loc[ev["kind"] == "quote", "item"].item()
        'Q1'
        """
        iri, _ = self._names().node(node, themes=True)
        rows = self._select(named_query("evidence"), {"node": iri})
        infos = self._annotate([iri, *(r.get("item") for r in rows)])
        order = [
            "source text", "location", "quote", "supported by", "note", "derived from",
            "reference",
        ]  # fmt: skip
        table = [
            {
                "node": self._id(iri, infos),
                "kind": str(r["kind"]),
                "text": str(r["text"]),
                "lang": (r["text"].language or "") if isinstance(r["text"], Literal) else "",
                "item": self._id(r.get("item"), infos),
                "item_label": self._label(r.get("item"), infos, lang) if r.get("item") else "",
            }
            for r in rows
        ]
        table.sort(
            key=lambda r: (
                order.index(r["kind"]) if r["kind"] in order else 99,
                r["item"],
                r["text"],
            )
        )
        from ..display import whole_texts

        return whole_texts(_frame(table, ["node", "kind", "text", "lang", "item", "item_label"]))

    @one_lookup
    def shared_elements(
        self,
        a: str | URIRef,
        b: str | URIRef,
        *,
        kinds: str | Iterable[str] | None = None,
        lang: str = "en",
        mappings: str = "exact",
    ) -> pd.DataFrame:
        """What two design propositions share, by theme: for each theme carried by parts of
        both, the parts of each.

        ``kinds`` limits the parts compared (``"mechanism"``, ``"intervention"``,
        ``"outcome"``, ``"added value"``). Propositions of two studies share the themes the
        graph's mappings make one concept (exact matches for ``mappings="exact"``, close
        ones too for ``"close"``, none for ``"none"``); ``mapping`` then names the themes of
        each side that the mapping joined (``skos:exactMatch connectedness = belonging``).

        >>> shared = cg.load().shared_elements("W", "C", kinds="mechanism")
        >>> for row in shared.itertuples():
        ...     print(f"{row.theme}: {row.a} | {row.b}")
        accessibility: W-M1 | C-M3
        feedback: W-M2 | C-M5; C-M6
        group: W-M4 | C-M1
        guidance: W-M2 | C-M5
        """
        first, second = self.node(a), self.node(b)
        wanted = {kinds} if isinstance(kinds, str) else set(kinds) if kinds is not None else None
        rows = self._select(named_query("shared-themes"), {"a": first, "b": second})
        clusters = self._theme_clusters(mappings)
        sides: dict[Node, dict[str, set[Node]]] = defaultdict(lambda: {"a": set(), "b": set()})
        carried: dict[Node, dict[str, set[Node]]] = defaultdict(lambda: {"a": set(), "b": set()})
        for row in rows:
            if wanted is None or str(row["kind"]) in wanted:
                group: Node = URIRef(clusters.get(str(row["theme"]), (str(row["theme"]), ""))[0])
                sides[group][str(row["side"])].add(row["element"])
                carried[group][str(row["side"])].add(row["theme"])
        shared = {t: s for t, s in sides.items() if s["a"] and s["b"]}
        themes = {t for group in shared for side in carried[group].values() for t in side}
        nodes = set(shared) | themes | {n for s in shared.values() for n in s["a"] | s["b"]}
        infos = self._annotate(nodes)

        def mapping(group: Node) -> str:
            a, b = carried[group]["a"], carried[group]["b"]
            if a == b:
                return ""
            how = clusters.get(str(group), ("", "skos:exactMatch"))[1]
            return f"{how} {self._ids(a, infos)} = {self._ids(b, infos)}"

        table = []
        for group, s in shared.items():
            # a group is shown by a theme either side carries (its first is carried by none)
            theme = (
                group
                if group in carried[group]["a"] | carried[group]["b"]
                else min(carried[group]["a"] | carried[group]["b"], key=str)
            )
            table.append(
                {
                    "theme": self._id(theme, infos),
                    "label": self._label(theme, infos, lang),
                    "a": self._ids(s["a"], infos),
                    "b": self._ids(s["b"], infos),
                    "a_labels": self._labels(s["a"], infos, lang),
                    "b_labels": self._labels(s["b"], infos, lang),
                    "mapping": mapping(group),
                }
            )
        table.sort(key=lambda r: (r["theme"], r["a"], r["b"]))
        return _frame(table, ["theme", "label", "a", "b", "a_labels", "b_labels", "mapping"])

    @one_lookup
    def describe(self, node: str | URIRef, *, lang: str = "en") -> pd.DataFrame:
        """Everything the graph says about a node, one statement a row, with the
        ontology's label for each property.

        >>> d = cg.load().describe("W-I3")
        >>> d.loc[d["predicate"] == "cimo:carriedOutBy", "value"].item()
        'educator'
        """
        from .._resources import ontology_graph

        iri, _ = self._names().node(node, themes=True)
        rows = self._select(named_query("describe"), {"node": iri})
        resources = [r["value"] for r in rows if isinstance(r["value"], URIRef)]
        infos = self._annotate([iri, *resources])
        ontology = ontology_graph()
        names = NamespaceManager(ontology)
        for prefix, namespace in self._prefixes().items():
            names.bind(prefix, namespace, override=True)
        table = []
        for row in rows:
            predicate, value = row["predicate"], row["value"]
            known = infos.get(value)
            is_element = known is not None and (known.labels or known.ids)
            # a term of the ontology (an outcome's kind, a theory stage) by its label
            term_label = (
                choose_label(ontology.objects(value, URIRef(_RDFS_LABEL)), lang)
                if isinstance(value, URIRef) and not is_element
                else None
            )
            table.append(
                {
                    "direction": str(row["direction"]),
                    "predicate": names.normalizeUri(predicate),
                    "predicate_label": str(
                        choose_label(ontology.objects(predicate, URIRef(_RDFS_LABEL)), lang)
                        or local_name(str(predicate))
                    ),
                    "value": self._id(value, infos)
                    if is_element
                    else (names.normalizeUri(value) if isinstance(value, URIRef) else str(value)),
                    "value_label": self._label(value, infos, lang)
                    if is_element
                    else str(term_label or ""),
                    "lang": value.language or "" if isinstance(value, Literal) else "",
                }
            )
        table.sort(
            key=lambda r: (r["direction"] != "out", r["predicate"], natural_key(str(r["value"])))
        )
        return _frame(
            table, ["direction", "predicate", "predicate_label", "value", "value_label", "lang"]
        )


_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
