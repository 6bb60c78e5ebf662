"""Redacting customers' words: contact details always, customers' own names before quoting publicly.

(docs/interface.md, "Quoting customers"): the named employee and their manager read the words with e-mail
addresses, phone numbers and card-like numbers redacted (`redact_contacts`); the wall and the
heroes channel quote them only with consent, with customers' names redacted too (`redact_public`).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 13–19 digits, optionally grouped by spaces or dashes: what a payment card number looks like.
CARD_RE = re.compile(r"(?<![\w])(?:\d[ -]?){12,18}\d(?![\w])")
# A phone number: an optional +, then 7–15 digits with spaces, dots, dashes or brackets between.
PHONE_RE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s().-]{5,}\d(?![\w])")

EMAIL_MARK = "[email]"
PHONE_MARK = "[phone]"
CARD_MARK = "[card number]"
NAME_MARK = "[name]"


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _phone(match: re.Match) -> str:
    digits = _digits(match.group(0))
    return PHONE_MARK if 7 <= digits <= 15 else match.group(0)


def redact_contacts(text: str | None) -> str:
    """E-mail addresses, card-like numbers and phone numbers replaced by a marker."""
    if not text:
        return ""
    text = EMAIL_RE.sub(EMAIL_MARK, text)
    text = CARD_RE.sub(CARD_MARK, text)
    return PHONE_RE.sub(_phone, text)


def fold(text: str | None) -> str:
    """Lower case without accents, and with curly apostrophes made straight ("José’s" → "josé's" → "jose's")."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("\u2019", "'").replace("\u02bc", "'").lower()


# Words that start sentences or carry titles and are capitalised without being anyone's name.
COMMON_WORDS = set("""
a about above after again against all also always am an and any anyone anything are as at away
back be because been before being best better between both but by came can could day did do does
doing done down during each even ever every everyone everything excellent fantastic first for from
fast friendly further get got great had has have having he her here hers herself him himself his how
however i if in into is it its itself just kind last like lovely made many me more most much my
myself never next nice no nobody nor not nothing now of off often on once one only or other our ours
ourselves out over own please quick quickly really same she should so some someone something soon
staff still such super team than thank thanks that the their theirs them themselves then there these
they this those through to today too truly under until up us very was we well went were what when
where which while who whom why will with would yes yesterday yet you your yours yourself yourselves
amazing awesome brilliant definitely highly wonderful absolutely store shop service customer
support help helped helpful thankyou cheers ok okay wow again also overall honestly sure mr mrs ms dr
email e-mail mail call phone text contact ring write message reach visit visited came asked helped
ordered bought booked called arrived took loved liked enjoyed made gave found showed explained sorted
fixed stayed kept went got had keep make give find show explain sort fix tell told said says asked
good happy glad impressed pleased satisfied easy efficient polite patient professional kind warm
delivery order parcel package item product installation repair engineer technician driver manager
agent assistant colleague colleagues people person guy lady gentleman woman man everybody
both after before during since because although though despite while whilst when then next finally
first second third last once twice again definitely certainly really truly honestly absolutely
hello hi dear regards sincerely best kind thanks thank thx cheers brilliant fab fabulous perfect
outstanding exceptional superb stellar top lovely great excellent amazing wonderful awesome
monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december christmas easter
""".split())


@lru_cache(maxsize=1)
def _lexicon() -> frozenset[str]:
    """VADER's sentiment lexicon: capitalised words found there are ordinary words, not names."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        return frozenset(SentimentIntensityAnalyzer().lexicon)
    except Exception:  # the lexicon only sharpens the guess; redaction works without it
        return frozenset()


WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*", re.UNICODE)
SENTENCE_END = re.compile(r"[.!?\n]\s*$")


def _is_name_like(word: str, sentence_start: bool, keep: set[str]) -> bool:
    if not word[:1].isupper():
        return False
    folded = fold(word)
    base = re.sub(r"'s$", "", folded)
    parts = re.split(r"['-]", base)
    if base in keep or all(p in keep for p in parts if p):
        return False
    if word.isupper() and len(word) > 1:
        return False  # acronyms (NPS, UK) rather than names
    if base in COMMON_WORDS:
        return False
    if sentence_start and (base in _lexicon() or re.search(r"(?:ed|ing|ly)$", base)):
        return False  # "Loved it", "Signed", "Honestly": sentence openers, rarely names
    return True


# A capitalised run right after one of these ("at Westfield", "in the Brent Cross branch") names a
# place, and so does one followed by a place word ("Oxford Street", "Kings Cross station").
PLACE_BEFORE = {"at", "in", "near", "outside", "opposite", "inside", "around", "across"}
PLACE_WORDS = set("""
street st road rd avenue ave lane ln boulevard blvd drive way square plaza mall centre center park
station airport terminal market branch store shop outlet arcade precinct parade retail village town
city high quay wharf bridge gate gardens hill
""".split())


def _runs(text: str, keep: set[str]):
    """The words of the text, and runs (first, last index) of consecutive name-like words."""
    words = []
    for match in WORD_RE.finditer(text):
        before = text[:match.start()]
        sentence_start = not before.strip() or bool(SENTENCE_END.search(before))
        words.append((match, _is_name_like(match.group(0), sentence_start, keep)))
    runs, i = [], 0
    while i < len(words):
        if not words[i][1]:
            i += 1
            continue
        j = i
        while j + 1 < len(words) and words[j + 1][1] and not text[words[j][0].end():words[j + 1][0].start()].strip():
            j += 1
        runs.append((i, j))
        i = j + 1
    return words, runs


def _is_place(words, first: int, last: int) -> bool:
    """A run a customer wrote as a place: after "at"/"in"… (an article between allowed), or
    followed by a place word."""
    k = first - 1
    if k >= 0 and fold(words[k][0].group(0)) in {"the", "a"}:
        k -= 1
    if k >= 0 and fold(words[k][0].group(0)) in PLACE_BEFORE:
        return True
    if fold(words[last][0].group(0)) in PLACE_WORDS and last > first:  # "Oxford Street" (not "Street" alone)
        return True
    return last + 1 < len(words) and fold(words[last + 1][0].group(0)) in PLACE_WORDS


def redact_names(text: str | None, keep_names: set[str] | frozenset[str] = frozenset()) -> str:
    """Replace capitalised name-like words that are not in `keep_names` (folded words) by [name].

    Pragmatic, not perfect: a capitalised word is taken for a name unless it is a common word,
    a word of the sentiment lexicon at a sentence start, an acronym, a kept word (the
    employees the feedback names, team and company words), or part of a place ("at Westfield",
    "Oxford Street"): customers say where they were, and a store or street is not a person.
    """
    if not text:
        return ""
    keep = {fold(k) for k in keep_names}
    words, runs = _runs(text, keep)
    out, last = [], 0
    for first, final in runs:
        if _is_place(words, first, final):
            continue
        for index in range(first, final + 1):
            match = words[index][0]
            word = match.group(0)
            suffix = word[-2:] if fold(word).endswith("'s") else ""
            out.append(text[last:match.start()])
            out.append(NAME_MARK + suffix)
            last = match.end()
    out.append(text[last:])
    redacted = "".join(out)
    # "[name] [name]" (a first and last name) reads better as one marker.
    return re.sub(r"\[name\](?:\s+\[name\])+", NAME_MARK, redacted)


def redact_public(text: str | None, keep_names: set[str] | frozenset[str] = frozenset()) -> str:
    """What may be quoted on the wall or in the channel (given consent): no contacts, no customer names."""
    return redact_names(redact_contacts(text), keep_names)


def tokens_of_names(names) -> set[str]:
    """The folded words of some names ("José O'Brien" → {"jose", "o", "brien", "o'brien"})."""
    words: set[str] = set()
    for name in names:
        for word in fold(name).replace("'s ", " ").split():
            word = word.strip(".,;:!?()\"")
            if word:
                words.add(word)
                words.update(p for p in re.split(r"['-]", word) if p)
    return words


def redact_person(text: str | None, names: list[str]) -> str:
    """`text` with every word of these names (a leaver's name and nicknames) replaced by [name]."""
    if not text:
        return text or ""
    words = sorted(tokens_of_names(names) - {""}, key=len, reverse=True)
    words = [w for w in words if len(w) > 1]
    if not words:
        return text
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])", re.IGNORECASE)
    return re.sub(r"\[name\](?:\s+\[name\])+", NAME_MARK, pattern.sub(NAME_MARK, unicodedata.normalize("NFC", text)))
