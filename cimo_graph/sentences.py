"""Design propositions as sentences in the CIMO template, in Dutch, English and German.

"Als je in [context] [opbrengst] wilt bereiken, zorg dan voor [interventie], want dan zet
je [mechanisme] in gang." (Denyer, Tranfield & van Aken, 2008; as the study phrases it.)

The labels are the researchers' own words, so the sentence adapts to them rather than the
other way round: a context's article is chosen from its label (none where the label has
one, is plural or a name), a context that is another proposition's outcome is said as a
clause ("where students seek support early"), and the actors who carry out every
intervention open the interventions ("provide teacher educators who offer ...") only where
the interventions' labels say what those actors do. The help sheet of the template says
how to write labels that read well.

German labels are set in quotation marks (the template's words cannot know a label's
gender, so "im Kontext „Lernnetzwerk“" rather than an article it might get wrong), except
interventions that say what their actors do ("Lehrende, die Rückmeldung geben"). A study in
a language without a template gets its propositions in CIMO notation ("C: ...; I: ...;
M: ...; O: ..."), which every reader of the method knows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["TEMPLATES", "context_phrase", "join", "proposition_sentence", "says_what_to_do"]

#: The template per language; {actors} is "<actors> die " / "<actors> who " or empty.
TEMPLATES = {
    "nl": (
        "Als je {context} wilt bereiken dat {outcomes}, zorg dan voor "
        "{actors}{interventions}, want dan zet je {mechanisms} in gang."
    ),
    "en": (
        "If you want to achieve {context} that {outcomes}, provide "
        "{actors}{interventions}, because that sets in motion {mechanisms}."
    ),
    "de": (
        "Wenn Sie {context} {outcomes} erreichen wollen, sorgen Sie für "
        "{actors}{interventions}, denn damit setzen Sie {mechanisms} in Gang."
    ),
}
#: A proposition in a language without a template: the CIMO logic's own notation.
NOTATION = "C: {context}; I: {interventions}; M: {mechanisms}; O: {outcomes}"
#: For a proposition whose outcomes the design does not aim for (unintended, or
#: negative): what happens, not what to provide.
EXPLAINING = {
    "nl": "{Context} {zetten} {interventions} {mechanisms} in gang, zodat {outcomes} ({what}).",
    "en": "{Context}, {interventions} {sets} in motion {mechanisms}, so that {outcomes} ({what}).",
    "de": "{Context} {setzen} {interventions} {mechanisms} in Gang, mit der Folge {outcomes} "
    "({what}).",
}
_UNWANTED = {
    "nl": {"unintended": "een onbedoelde opbrengst", "negative": "een negatieve opbrengst"},
    "en": {"unintended": "an unintended outcome", "negative": "a negative outcome"},
    "de": {"unintended": "ein unbeabsichtigtes Ergebnis", "negative": "ein negatives Ergebnis"},
}
_AND = {"nl": "en", "en": "and", "de": "und"}


def _words(text: str) -> frozenset[str]:
    """The words of ``text``, as a set to look words up in."""
    return frozenset(text.split())


_WHO = {"nl": "die", "en": "who", "de": ", die"}
_WHERE = {"nl": "waar", "en": "where", "de": "wo"}

#: Words that open a noun phrase with its own article or determiner: no article is added.
_DETERMINERS = {
    "en": _words(
        "a an the this that these those their its his her our my your each every some any "
        "no all both one two three several many few most other another such"
    ),
    "nl": _words(
        "een de het deze die dit dat hun zijn haar ons onze mijn jouw uw elk elke ieder "
        "iedere alle beide enkele sommige veel weinig geen andere zo'n"
    ),
    "de": _words(
        "ein eine einen einem einer eines der die das den dem des dieser diese dieses "
        "jeder jede jedes alle beide einige manche viele wenige kein keine keinen andere"
    ),
}

#: Verbs that open an English intervention label saying what its actors do ("offer plenty
#: of contact"); a label opening otherwise is read as a noun phrase ("a personal tutor").
_VERBS_EN = _words(
    """accept acknowledge adapt address adjust advise align allow analyse analyze appoint
    arrange ask assess assign attend balance bring build celebrate challenge check choose
    clarify coach collaborate combine communicate compare connect consult coordinate create
    debrief decide define demonstrate design develop discuss distribute embed emphasise
    emphasize employ enable encourage engage enrol ensure establish evaluate examine expect
    explain explore facilitate familiarise familiarize find focus follow foster fund gather
    give guide help hold host identify implement improve include increase inform initiate
    integrate introduce invest invite involve keep lead let link listen make manage map
    match meet mentor model monitor motivate name negotiate observe offer organise organize
    pair pay plan practise practice prepare present prioritise prioritize promote protect
    provide publish reach recognise recognize record recruit reduce reflect reinforce
    release remind report require research respect respond review reward run schedule see
    select set share show signal simulate solve speak sponsor start stimulate strengthen
    structure supervise support take talk teach tell test train treat trust tutor use
    value visit voice welcome work write"""
)

#: Dutch prepositions: a word ending in -en after one is a noun ("van studenten"), not the
#: infinitive that closes a label saying what its actors do ("feedback geven").
_PREPOSITIONS_NL = _words(
    "aan achter bij binnen boven door in met na naar naast om onder op over per rond "
    "sinds tegen tot tussen uit van via voor zonder"
)


#: German prepositions, as the Dutch ones: "-en" after one closes a noun, not a verb.
_PREPOSITIONS_DE = _words(
    "an auf aus bei bis durch für gegen in mit nach neben ohne seit über um unter von vor "
    "während wegen zu zwischen im am zum zur vom beim ins"
)


def _quoted(items: Sequence[str]) -> list[str]:
    """German labels in quotation marks: „Rückmeldung“."""
    return [f"\u201e{item}\u201c" for item in items]


def _german_nouns(items: Sequence[str], one: str, several: str, lang: str) -> str:
    """German labels after the noun they are named by: ``das Ergebnis „O“``, ``die
    Ergebnisse „O1“ und „O2“``."""
    return f"{one if len(items) == 1 else several} {join(_quoted(items), lang)}"


def join(items: Sequence[str], lang: str) -> str:
    """Join items as a list in running text.

    >>> join(["a", "b", "c"], "nl")
    'a, b en c'
    >>> join(["a"], "en")
    'a'
    """
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_AND.get(lang, 'and')} {items[-1]}"


_PREPOSITIONS_EN = _words(
    "about after among at before between by during for from in into of on over through "
    "to under while with within without"
)


def _first_word(label: str) -> str:
    words = label.split()
    return words[0] if words else ""


def _head(label: str, lang: str) -> str:
    """The noun a label's phrase turns on, as far as word order tells: the last word
    before its first preposition ("students" in "students in the Gateway year",
    "placements" in "first placements")."""
    prepositions = _PREPOSITIONS_NL if lang == "nl" else _PREPOSITIONS_EN
    head = ""
    for word in label.split():
        if word.lower() in prepositions and head:
            break
        head = word
    return head


def _plural(word: str, lang: str) -> bool:
    """Whether ``word`` looks plural ("students", "studenten", "opleiders")."""
    lower = word.lower().strip(",.;:")
    if lang == "nl":
        return len(lower) > 4 and (
            lower.endswith(("en", "'s", "ers", "ors", "ies"))
            or (lower.endswith("s") and not lower.endswith(("ss", "us", "is", "es", "as", "os")))
            or (lower.endswith("es") and lower[-3] not in "cs")  # stages, not proces
        )
    return (
        len(lower) > 3
        and lower.endswith("s")
        and not lower.endswith(("ss", "us", "is", "ics", "ness"))
    )


def _indefinite(word: str) -> str:
    """``a`` or ``an`` before ``word``, by its sound as far as the spelling tells."""
    lower = word.lower()
    if lower.startswith(("hour", "honest", "honour", "honor", "heir")):
        return "an"
    if lower.startswith(("uni", "use", "usu", "uti", "eu", "one", "once", "ewe")):
        return "a"
    return "an" if lower[:1] in "aeiou" else "a"


def context_phrase(contexts: Sequence[str], lang: str, *, clauses: Sequence[str] = ()) -> str:
    """Where a proposition holds, as its sentence says it: each context with the article
    its label needs (none where it has one, is plural or a name: then "for"/"bij" where
    it names people), and the contexts that are another proposition's outcomes as a
    clause.

    >>> context_phrase(["learning network"], "en")
    'in a learning network'
    >>> context_phrase(["students in the Gateway year"], "en")
    'for students in the Gateway year'
    >>> context_phrase(["an outreach programme"], "en")
    'in an outreach programme'
    >>> context_phrase(["first placements"], "en", clauses=["students seek support early"])
    'for first placements, where students seek support early,'
    >>> context_phrase(["leernetwerk"], "nl")
    'in een leernetwerk'
    >>> context_phrase(["studenten in het Gateway-jaar"], "nl")
    'bij studenten in het Gateway-jaar'
    >>> print(context_phrase(["Lernnetzwerk"], "de", clauses=["Studierende fragen früh"]))
    im Kontext „Lernnetzwerk“, wo „Studierende fragen früh“ gilt,
    """
    if lang == "de":
        phrase = _german_nouns(contexts, "im Kontext", "in den Kontexten", lang)
        if clauses:
            phrase = f"{phrase}, wo {join(_quoted(clauses), lang)} gilt,"
        return phrase
    phrases = []
    for context in contexts:
        word = _first_word(context)
        if word.lower() in _DETERMINERS[lang] or word[:1].isupper() or word[:1].isdigit():
            phrases.append(f"in {context}")  # its own article, a name or a number
        elif _plural(_head(context, lang), lang):
            # a plural: the people (or things) it holds for
            phrases.append(f"{'bij' if lang == 'nl' else 'for'} {context}")
        else:
            article = "een" if lang == "nl" else _indefinite(word)
            phrases.append(f"in {article} {context}")
    phrase = join(phrases, lang)
    if clauses:
        phrase = f"{phrase}, {_WHERE[lang]} {join(list(clauses), lang)},".lstrip(", ")
    return phrase


def says_what_to_do(labels: Sequence[str], lang: str) -> bool:
    """Whether interventions' labels say what their actors do (so that "provide teacher
    educators who ..." reads on), rather than name what is provided: at least half of
    them open (English) or close (Dutch) with a verb.

    >>> says_what_to_do(["offer plenty of contact", "give personal attention"], "en")
    True
    >>> says_what_to_do(["a personal tutor for each student"], "en")
    False
    >>> says_what_to_do(["veel contact bieden", "begeleiding van studenten"], "nl")
    True
    """
    if not labels:
        return False
    verbal = 0
    for label in labels:
        words = re.findall(r"[\w'-]+", label.lower())
        if not words:
            continue
        if lang in ("nl", "de"):  # a closing infinitive: "feedback geven", "Rückmeldung geben"
            last = words[-1]
            before = words[-2] if len(words) > 1 else ""
            prepositions = _PREPOSITIONS_NL if lang == "nl" else _PREPOSITIONS_DE
            if (
                len(words) > 1
                and last.endswith("en")
                and len(last) > 3
                and before not in prepositions
                and before not in _DETERMINERS[lang]
            ):
                verbal += 1
        elif words[0] in _VERBS_EN:
            verbal += 1
    return verbal * 2 >= len(labels)


def proposition_sentence(
    lang: str,
    *,
    context: str | Sequence[str],
    outcomes: Sequence[str],
    interventions: Sequence[str],
    mechanisms: Sequence[str],
    actors: str | None = None,
    context_clauses: Sequence[str] = (),
    unwanted: str | None = None,
) -> str:
    """State a design proposition in the CIMO template.

    ``actors`` (a plural, such as "opleiders") opens the interventions when one role
    carries them all out and their labels say what those actors do, as the study's
    column "Zorg dan voor opleiders die ..." does. ``context_clauses`` are contexts that
    are another proposition's outcomes (a chain of configurations). A proposition whose
    outcomes are all ``"unintended"`` or all ``"negative"`` (``unwanted``) says what
    happens rather than what to provide for them:

    >>> print(proposition_sentence("en", context=["students in year 2"],
    ...     outcomes=["students feel stigmatised"], interventions=["contextual offers"],
    ...     mechanisms=["feeling an impostor"], unwanted="unintended"))
    For students in year 2, contextual offers set in motion feeling an impostor, so that
    students feel stigmatised (an unintended outcome).

    >>> print(proposition_sentence("nl", context="leernetwerk", outcomes=["O"],
    ...     interventions=["feedback geven"], mechanisms=["M"], actors="opleiders"))
    Als je in een leernetwerk wilt bereiken dat O, zorg dan voor opleiders die feedback
    geven, want dan zet je M in gang.
    >>> print(proposition_sentence("en", context=["students in the Gateway year"],
    ...     outcomes=["students progress"], interventions=["small-group teaching"],
    ...     mechanisms=["belonging"], actors="programme staff"))
    If you want to achieve for students in the Gateway year that students progress, provide
    small-group teaching, because that sets in motion belonging.
    """
    contexts = [context] if isinstance(context, str) else list(context)
    if lang not in TEMPLATES:
        return NOTATION.format(
            context="; ".join([*contexts, *context_clauses]),
            interventions="; ".join(interventions),
            mechanisms="; ".join(mechanisms),
            outcomes="; ".join(outcomes),
        )
    if lang == "de":
        return _german(
            contexts, context_clauses, outcomes, interventions, mechanisms, actors, unwanted
        )
    if unwanted:
        phrase = context_phrase(contexts, lang, clauses=context_clauses).rstrip(",")
        several = len(interventions) > 1 or any(
            _plural(_head(label, lang), lang) for label in interventions
        )
        return EXPLAINING[lang].format(
            Context=phrase[:1].upper() + phrase[1:],
            interventions=join(interventions, lang),
            sets="set" if several else "sets",
            zetten="zetten" if several else "zet",
            mechanisms=join(mechanisms, lang),
            outcomes=join(outcomes, lang),
            what=_UNWANTED[lang][unwanted],
        )
    if actors and not says_what_to_do(interventions, lang):
        actors = None  # "provide staff who small-group teaching" would not read
    return TEMPLATES[lang].format(
        context=context_phrase(contexts, lang, clauses=context_clauses),
        outcomes=join(outcomes, lang),
        actors=f"{actors} {_WHO[lang]} " if actors else "",
        interventions=join(interventions, lang),
        mechanisms=join(mechanisms, lang),
    )


def _german(
    contexts: Sequence[str],
    clauses: Sequence[str],
    outcomes: Sequence[str],
    interventions: Sequence[str],
    mechanisms: Sequence[str],
    actors: str | None,
    unwanted: str | None,
) -> str:
    """The German sentence: labels quoted after the nouns that name them, interventions
    after their actors as a relative clause where they say what the actors do.

    >>> print(_german(["Lernnetzwerk"], [], ["Studierende fühlen sich zugehörig"],
    ...     ["Rückmeldung geben"], ["Gefühl, ernst genommen zu werden"], "Lehrende", None))
    Wenn Sie im Kontext „Lernnetzwerk“ das Ergebnis „Studierende fühlen sich zugehörig“
    erreichen wollen, sorgen Sie für Lehrende, die Rückmeldung geben, denn damit setzen Sie
    den Mechanismus „Gefühl, ernst genommen zu werden“ in Gang.
    """
    lang = "de"
    context = context_phrase(contexts, lang, clauses=clauses)
    done = _german_nouns(mechanisms, "den Mechanismus", "die Mechanismen", lang)
    if unwanted:
        return EXPLAINING[lang].format(
            Context=context.rstrip(",")[:1].upper() + context.rstrip(",")[1:],
            setzen="setzen" if len(interventions) > 1 else "setzt",
            interventions=join(_quoted(interventions), lang),
            mechanisms=done,
            outcomes=join(_quoted(outcomes), lang),
            what=_UNWANTED[lang][unwanted],
        )
    if actors and says_what_to_do(interventions, lang):
        provided = f"{actors}{_WHO[lang]} {join(interventions, lang)}"
    else:
        provided = join(_quoted(interventions), lang)
    return (
        TEMPLATES[lang]
        .format(
            context=context,
            outcomes=_german_nouns(outcomes, "das Ergebnis", "die Ergebnisse", lang),
            actors="",
            interventions=provided,
            mechanisms=done,
        )
        .replace(",,", ",")
    )
