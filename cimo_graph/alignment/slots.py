"""The slots of an SSSOM mapping table: each column of a mapping and each key of the
metadata block, in the order SSSOM's schema lists them, with what a cell holds and the RDF
property that keeps it in a graph.

Taken from SSSOM's LinkML schema (``sssom_schema.yaml`` of mapping-commons/sssom, commit
8cfba10 of 2026-05-12); a slot with no ``slot_uri`` there is ``sssom:<slot>``.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass

__all__ = ["MAPPING_SLOTS", "SET_SLOTS", "SLOTS", "SSSOM", "Slot"]

#: The namespace of SSSOM's own slots.
SSSOM = "https://w3id.org/sssom/"


@dataclass(frozen=True)
class Slot:
    """One slot: its name; what a cell holds (``curie``: an entity's prefixed name,
    ``uri``: a full IRI, ``double``, ``date``, ``text``); whether a cell holds several
    values (``|`` between them); its property (a CURIE; ``None`` for ``sssom:<name>``);
    where it may stand (``M``: a mapping's column, ``S``: the metadata block)."""

    name: str
    kind: str
    multivalued: bool
    property: str | None
    where: str

    @builtins.property  # the field above is named property
    def iri(self) -> str:
        """The slot's property as a full IRI."""
        if self.property is None:
            return SSSOM + self.name
        prefix, local = self.property.split(":", 1)
        return _NAMESPACES[prefix] + local


_NAMESPACES = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "pav": "http://purl.org/pav/",
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "prov": "http://www.w3.org/ns/prov#",
}

#: Every slot, in the schema's order.
SLOTS: tuple[Slot, ...] = (
    Slot("record_id", "curie", False, None, "M"),
    Slot("subject_id", "curie", False, "owl:annotatedSource", "M"),
    Slot("subject_label", "text", False, None, "M"),
    Slot("subject_category", "text", False, None, "M"),
    Slot("predicate_id", "curie", False, "owl:annotatedProperty", "M"),
    Slot("predicate_label", "text", False, None, "M"),
    Slot("predicate_modifier", "text", False, None, "M"),
    Slot("object_id", "curie", False, "owl:annotatedTarget", "M"),
    Slot("object_label", "text", False, None, "M"),
    Slot("object_category", "text", False, None, "M"),
    Slot("mapping_justification", "curie", False, None, "M"),
    Slot("author_id", "curie", True, "pav:authoredBy", "M"),
    Slot("author_label", "text", True, None, "M"),
    Slot("reviewer_id", "curie", True, None, "M"),
    Slot("reviewer_label", "text", True, None, "M"),
    Slot("creator_id", "curie", True, "dcterms:creator", "MS"),
    Slot("creator_label", "text", True, None, "MS"),
    Slot("license", "uri", False, "dcterms:license", "MS"),
    Slot("subject_type", "text", False, None, "MS"),
    Slot("subject_source", "curie", False, None, "MS"),
    Slot("subject_source_version", "text", False, None, "MS"),
    Slot("object_type", "text", False, None, "MS"),
    Slot("object_source", "curie", False, None, "MS"),
    Slot("object_source_version", "text", False, None, "MS"),
    Slot("predicate_type", "text", False, None, "MS"),
    Slot("mapping_provider", "uri", False, None, "MS"),
    Slot("mapping_source", "curie", False, None, "M"),
    Slot("mapping_cardinality", "text", False, None, "M"),
    Slot("cardinality_scope", "text", True, None, "MS"),
    Slot("mapping_tool", "text", False, None, "MS"),
    Slot("mapping_tool_id", "curie", False, None, "MS"),
    Slot("mapping_tool_version", "text", False, None, "MS"),
    Slot("mapping_date", "date", False, "dcterms:created", "MS"),
    Slot("publication_date", "date", False, "dcterms:issued", "MS"),
    Slot("review_date", "date", False, None, "M"),
    Slot("confidence", "double", False, None, "M"),
    Slot("reviewer_agreement", "double", False, None, "M"),
    Slot("curation_rule", "curie", True, None, "MS"),
    Slot("curation_rule_text", "text", True, None, "MS"),
    Slot("subject_match_field", "curie", True, None, "MS"),
    Slot("object_match_field", "curie", True, None, "MS"),
    Slot("match_string", "text", True, None, "M"),
    Slot("subject_preprocessing", "curie", True, None, "MS"),
    Slot("object_preprocessing", "curie", True, None, "MS"),
    Slot("similarity_score", "double", False, None, "M"),
    Slot("similarity_measure", "text", False, None, "MS"),
    Slot("see_also", "uri", True, "rdfs:seeAlso", "MS"),
    Slot("issue_tracker_item", "curie", False, None, "M"),
    Slot("other", "text", False, None, "MS"),
    Slot("comment", "text", False, "rdfs:comment", "MS"),
    Slot("sssom_version", "text", False, None, "S"),
    Slot("mapping_set_id", "uri", False, None, "S"),
    Slot("mapping_set_version", "text", False, "owl:versionInfo", "S"),
    Slot("mapping_set_source", "uri", True, "prov:wasDerivedFrom", "S"),
    Slot("mapping_set_title", "text", False, "dcterms:title", "S"),
    Slot("mapping_set_description", "text", False, "dcterms:description", "S"),
    Slot("mapping_set_confidence", "double", False, None, "S"),
    Slot("issue_tracker", "uri", False, None, "S"),
)

#: The columns a mapping row may have, in order.
MAPPING_SLOTS = {slot.name: slot for slot in SLOTS if "M" in slot.where}
_SET_ORDER = [
    "sssom_version",
    "mapping_set_id",
    "mapping_set_version",
    "mapping_set_source",
    "mapping_set_title",
    "mapping_set_description",
    "mapping_set_confidence",
    "creator_id",
    "creator_label",
    "license",
    "subject_type",
    "subject_source",
    "subject_source_version",
    "object_type",
    "object_source",
    "object_source_version",
    "predicate_type",
    "mapping_provider",
    "cardinality_scope",
    "mapping_tool",
    "mapping_tool_id",
    "mapping_tool_version",
    "mapping_date",
    "publication_date",
    "subject_match_field",
    "object_match_field",
    "subject_preprocessing",
    "object_preprocessing",
    "similarity_measure",
    "curation_rule",
    "curation_rule_text",
    "see_also",
    "issue_tracker",
    "other",
    "comment",
]
#: The keys the metadata block may have besides ``curie_map``, in the schema's order.
SET_SLOTS = {name: slot for name in _SET_ORDER for slot in SLOTS if slot.name == name}
