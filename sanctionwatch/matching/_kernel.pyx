# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The matcher's inner loops, compiled: token similarity, vote counting, and name alignment.

Why compiled: a batch screen weighs tens of token pairs and thousands of postings per query; in the
interpreter that costs about a millisecond a query, and batch screening must run at thousands of
queries a second. The *rules* stay readable here, in the order tokens.py, index.py and score.py
document them; the per-token folds they compare (skeleton, romanization, metaphone, stem ...) are
computed once per token in Python (tokens.token_shape) and handed over as a Shape.
"""

cimport cython
from libc.stdint cimport uint64_t
from libc.stdlib cimport free, malloc, qsort, realloc
from cpython.list cimport PyList_GET_ITEM
from cpython.object cimport PyObject
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_GET_LENGTH, PyUnicode_KIND
from libc.math cimport fabs
from libc.string cimport memcmp, memset

from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.fuzz import token_set_ratio

# Token similarity levels: how alike two tokens are, by the strongest rule that holds.
cdef double INITIAL = 0.68  # "B." for "Barakat": supports a match, never makes one
cdef double PREFIX = 0.84  # a truncated token ("Comp" for "Company"), scaled by how much of it is left
cdef double VOWELLESS = 0.86  # "Mhmmd" for "Mohammad": the consonants, vowels dropped
cdef double SKELETON = 0.82  # same consonants, other vowels ("Muhammad" / "Mohammed"), similar length
cdef double PHONETIC = 0.78  # same metaphone code ("Faiez" / "Fayez")
cdef double STEM = 0.88  # one English word, two inflections ('Industries' / 'Industry')
cdef double ROMANIZED = 0.9  # one sound, two romanizations ('Zhalolov' / 'Jalolov', 'Luqa' / 'Louka')
cdef double VISUAL = 0.9  # the same letters to the eye or a scanner ("KlM" / "KIM", "C0" / "CO")
cdef double EDIT_COST = 1.3  # similarity lost per edit, relative to the longer token's length (+1)
cdef double FLOOR = 0.66  # below this two tokens are simply different
cdef double ABJAD = 0.7  # same consonant frame, the query read from Arabic script
# One slip of a key in a word of two or three letters ('Unn' / 'Un', 'Sko' / 'Sok', 'Hea' / 'Hae'),
# when the query's word is no Korean syllable of its own: a slip, not another name. Two different
# syllables a letter apart ('Sik' / 'Sok', 'Im' / 'Kim') may be a slip or another person's name: just
# enough to count (SYLLABLE_SLIP), so that the rest of the name and a birth date decide. (The name model
# learns how little it is worth from the dev_korean cross negatives: a listed family name with another
# listed person's given names.)
cdef double SLIP = 0.75
cdef double SYLLABLE_SLIP = 0.68
# Alignment (score.py says how they combine).
cdef double QUERY_SHARE = 0.62  # weight of query coverage against listed-name coverage in the name score
cdef double COMPOUND_FLOOR = 0.84  # a word against two written together: spelt alike, not merely sounding alike
cdef double UNMATCHED_QUERY = 2.5  # an unexplained distinctive query word weighs more than a matched one ...
cdef double UNMATCHED_PATRONYMIC = 1.0  # ... except a patronymic, which the lists often omit

# Spellings of a query form (tokens.Spelling).
cdef int LATIN = 0
cdef int SYLLABIC = 1
cdef int ABJAD_READING = 2

_osa_distance = OSA.distance
_jaro_winkler = JaroWinkler.normalized_similarity
_token_set_ratio = token_set_ratio


# The folds computed on first use (tokens.py registers them with use_folds).
_stem_of = None
_syllable_of = None
_abjad_of = None


def use_folds(stem, syllable, abjad):
    """Register the folds a Shape computes when a rule first needs them."""
    global _stem_of, _syllable_of, _abjad_of
    _stem_of, _syllable_of, _abjad_of = stem, syllable, abjad


cdef extern from *:
    """
    static inline void _prefetch(const void *object) {
        /* the start of the object and the two cache lines after it: a Shape's folds */
        __builtin_prefetch(object);
        __builtin_prefetch((const char *)object + 64);
        __builtin_prefetch((const char *)object + 128);
    }
    """
    void _prefetch(const void *object) noexcept nogil


cdef struct Fold:
    uint64_t hash  # of the fold's text: unequal hashes are unequal texts, without reading them
    Py_ssize_t length


cdef class Shape:
    """One token with the folds its similarity rules compare (tokens.token_shape).

    Each fold's hash and length are kept in the object itself: most token pairs compared differ, and
    telling them apart then costs no visit to the fold strings (a memory read each, scattered over the
    heap; they dominated the similarity's time).
    """

    cdef readonly str token, visual, romanized, skeleton, romanized_skeleton, phonetic, sound
    cdef readonly bint korean, vowels
    cdef readonly object families  # Korean family names it spells (frozenset of numbers), or None
    cdef readonly Py_ssize_t length
    cdef str _stem, _syllable, _abjad
    cdef Fold f_token, f_visual, f_romanized, f_skeleton, f_romanized_skeleton, f_phonetic, f_sound
    cdef Fold f_stem, f_syllable, f_abjad
    cdef Py_UCS4 first  # the token's first letter (0: empty)
    cdef bint romanized_is_token

    def __init__(
        self, str token not None, str visual not None, bint korean, str romanized not None,
        str skeleton not None, str romanized_skeleton not None, str phonetic not None, str sound not None,
        bint vowels, object families=None,
    ):
        self.token = token
        self.families = families
        self.visual = visual
        self.korean = korean
        self.romanized = romanized
        self.skeleton = skeleton
        self.romanized_skeleton = romanized_skeleton
        self.phonetic = phonetic
        self.sound = sound
        self.vowels = vowels
        self.length = len(token)
        self.f_token = _fold(token)
        self.f_visual = _fold(visual)
        self.f_romanized = _fold(romanized)
        self.f_skeleton = _fold(skeleton)
        self.f_romanized_skeleton = _fold(romanized_skeleton)
        self.f_phonetic = _fold(phonetic)
        self.f_sound = _fold(sound)
        self.first = token[0] if token else 0
        self.romanized_is_token = _same(romanized, token)

    @property
    def stem(self):
        return self.get_stem()

    @property
    def syllable(self):
        return self.get_syllable()

    @property
    def abjad(self):
        return self.get_abjad()

    cdef inline str get_stem(self):
        if self._stem is None:
            self._stem = <str?>_stem_of(self.token)
            self.f_stem = _fold(self._stem)
        return self._stem

    cdef inline str get_syllable(self):
        if self._syllable is None:
            self._syllable = <str?>_syllable_of(self.token)
            self.f_syllable = _fold(self._syllable)
        return self._syllable

    cdef inline str get_abjad(self):
        if self._abjad is None:
            self._abjad = <str?>_abjad_of(self.token)
            self.f_abjad = _fold(self._abjad)
        return self._abjad


cdef inline Fold _fold(str text) noexcept:
    cdef Fold out
    out.hash = _hash(u'=', text, -1)
    out.length = len(text)
    return out


cdef inline bint _equal(Fold a, str text_a, Fold b, str text_b) noexcept:
    """Two folds are the same text (the texts are read only when hash and length agree)."""
    return a.hash == b.hash and a.length == b.length and _same(text_a, text_b)


cdef inline bint _same(str a, str b) noexcept:
    """String equality without the ordering comparison Cython would call: different lengths, kinds or
    first letters are told apart at once (most token pairs differ)."""
    cdef Py_ssize_t n
    cdef int kind
    if a is b:
        return True
    if a is None or b is None:
        return False
    n = PyUnicode_GET_LENGTH(a)
    kind = PyUnicode_KIND(a)
    if n != PyUnicode_GET_LENGTH(b) or kind != PyUnicode_KIND(b):
        return False
    return memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), n * kind) == 0


cdef enum:
    _SHORT = 64  # tokens up to this long are compared on the stack; longer ones by rapidfuzz


cdef int _osa(str a, str b, int cutoff):
    """Optimal string alignment distance (edits and adjacent swaps), or cutoff + 1 when above cutoff:
    rapidfuzz's OSA.distance(a, b, score_cutoff=cutoff), without a Python call for name-sized tokens."""
    cdef Py_ssize_t n = len(a), m = len(b), i, j
    cdef int previous2[_SHORT + 1]
    cdef int previous[_SHORT + 1]
    cdef int current[_SHORT + 1]
    cdef Py_UCS4 left[_SHORT]
    cdef Py_UCS4 right[_SHORT]
    cdef int cost, value, row_min
    cdef Py_UCS4 ch
    if n > _SHORT or m > _SHORT:
        return _osa_distance(a, b, score_cutoff=cutoff)
    if abs(n - m) > cutoff:
        return cutoff + 1
    i = 0
    for ch in a:  # the letters copied once: indexing a str in the loop below would cost a call a cell
        left[i] = ch
        i += 1
    j = 0
    for ch in b:
        right[j] = ch
        j += 1
    for j in range(m + 1):
        previous[j] = j
    for i in range(1, n + 1):
        current[0] = i
        row_min = i
        for j in range(1, m + 1):
            cost = 0 if left[i - 1] == right[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and left[i - 1] == right[j - 2] and left[i - 2] == right[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            row_min = min(row_min, value)
        if row_min > cutoff:
            return cutoff + 1
        for j in range(m + 1):
            previous2[j] = previous[j]
            previous[j] = current[j]
    return previous[m] if previous[m] <= cutoff else cutoff + 1


def osa_distance(str a, str b, int cutoff):
    """_osa, for tests."""
    return _osa(a, b, cutoff)


cdef inline int _allowed_edits(Py_ssize_t length) noexcept:
    if length <= 3:
        return 0
    if length <= 5:
        return 1
    if length <= 9:
        return 2
    return 3


cdef inline bint _is_vowel(Py_UCS4 ch) noexcept:
    return ch == u'a' or ch == u'e' or ch == u'i' or ch == u'o' or ch == u'u'


cdef inline bint _same_stem(Shape q, Shape l):
    q.get_stem()
    l.get_stem()
    return _equal(q.f_stem, q._stem, l.f_stem, l._stem)


cdef inline bint _same_syllable(Shape q, Shape l):
    q.get_syllable()
    l.get_syllable()
    return _equal(q.f_syllable, q._syllable, l.f_syllable, l._syllable)


cdef inline bint _same_abjad(Shape q, Shape l):
    """The same consonant frame, of at least two letters."""
    q.get_abjad()
    if q.f_abjad.length < 2:
        return False
    l.get_abjad()
    return _equal(q.f_abjad, q._abjad, l.f_abjad, l._abjad)


cdef bint _vowels_dropped(str a, str b):
    """One token is the other with some vowels left out ('Sna' / 'Sina', 'Yn' / 'Yan')."""
    cdef str fewer, more
    cdef Py_ssize_t position = 0, n_short
    cdef Py_UCS4 ch
    if len(a) < len(b):
        fewer, more = a, b
    else:
        fewer, more = b, a
    n_short = len(fewer)
    if n_short == len(more) or fewer[0] != more[0]:
        return False
    for ch in more:
        if position < n_short and ch == fewer[position]:
            position += 1
        elif not _is_vowel(ch):
            return False
    return position == n_short


cdef double _romanized_similarity(Shape q, Shape l):
    """Similarity of the two spellings once romanization differences are folded away."""
    cdef Py_ssize_t lq = q.f_romanized.length, ll = l.f_romanized.length
    cdef int allowed, distance
    if q.romanized_is_token and l.romanized_is_token:
        return 0.0
    if _equal(q.f_romanized, q.romanized, l.f_romanized, l.romanized):
        return ROMANIZED
    # Folding already made the spellings closer: one edit fewer than between raw spellings.
    allowed = _allowed_edits(min(lq, ll)) - 1
    if allowed <= 0 or abs(lq - ll) > allowed:
        return 0.0
    distance = _osa(q.romanized, l.romanized, allowed)
    if distance > allowed:
        return 0.0
    return ROMANIZED * (1.0 - EDIT_COST * distance / (max(lq, ll) + 1))


cdef double _loose(Shape q, Shape l):
    """The looser rules (same consonants, same sound), for tokens long enough for them to be specific."""
    cdef Py_ssize_t skel = q.f_skeleton.length
    if skel >= 2 and (
        _equal(q.f_skeleton, q.skeleton, l.f_skeleton, l.skeleton)
        or (
            q.f_romanized_skeleton.length >= 5
            and _equal(q.f_romanized_skeleton, q.romanized_skeleton, l.f_romanized_skeleton, l.romanized_skeleton)
        )
    ):
        if not q.vowels or not l.vowels:
            return VOWELLESS
        if skel >= 3 and abs(q.length - l.length) <= 3:
            return SKELETON
    if q.f_phonetic.length >= 3 and _equal(q.f_phonetic, q.phonetic, l.f_phonetic, l.phonetic):
        return PHONETIC
    if q.length >= 3 and _equal(q.f_sound, q.sound, l.f_sound, l.sound):
        return PHONETIC
    return 0.0


cdef inline bint _same_family(Shape q, Shape l):
    """Two spellings of one Korean family name ('Ri' / 'Lee' / 'Rhee', 'Pak' / 'Park', 'Choe' / 'Choi')."""
    return q.families is not None and l.families is not None and not q.families.isdisjoint(l.families)


cdef double _short_slip(Shape q, Shape l, Py_ssize_t shorter, Py_ssize_t longer):
    """One edit between words of two to four letters: SLIP, or SYLLABLE_SLIP between two syllables."""
    if shorter < 2 or longer > 4 or _osa(q.token, l.token, 1) != 1:
        return 0.0
    return SYLLABLE_SLIP if q.korean and l.korean else SLIP


cdef double _latin_similarity(Shape q, Shape l):
    """tokens.token_similarity: the rules for two tokens typed in Latin letters."""
    cdef Py_ssize_t lq = q.length, ll = l.length
    cdef Py_ssize_t shorter = min(lq, ll), longer = max(lq, ll)
    cdef double best = 0.0, candidate
    cdef int allowed, distance
    if _equal(q.f_token, q.token, l.f_token, l.token):
        return 1.0
    if _equal(q.f_visual, q.visual, l.f_visual, l.visual):
        return VISUAL
    if q.korean and l.korean and (_same_syllable(q, l) or _same_family(q, l)):
        return ROMANIZED
    if shorter >= 2 and lq != ll and q.first == l.first and _vowels_dropped(q.token, l.token):
        return VOWELLESS
    if shorter <= 2:
        if lq < ll and l.token.startswith(q.token):
            return INITIAL
        if ll == 1 and lq > 1 and q.token.startswith(l.token):
            return INITIAL
        return _short_slip(q, l, shorter, longer)
    allowed = _allowed_edits(shorter)
    if not allowed:
        best = _short_slip(q, l, shorter, longer)
    if allowed and longer - shorter <= allowed:
        distance = _osa(q.token, l.token, allowed)
        if distance <= allowed:
            best = 1.0 - EDIT_COST * distance / (longer + 1)
    if lq >= 3 and ll > lq and l.token.startswith(q.token):
        best = max(best, PREFIX * (0.8 + 0.2 * lq / ll))
    elif ll >= 3 and lq > ll and q.token.startswith(l.token):
        best = max(best, PREFIX * (0.8 + 0.2 * ll / lq))
    if best < STEM and shorter >= 5 and _same_stem(q, l):
        best = STEM
    if best < ROMANIZED and shorter >= 5:
        best = max(best, _romanized_similarity(q, l))
    if best < VOWELLESS:
        best = max(best, _loose(q, l))
    return best if best >= FLOOR else 0.0


cdef double _similarity(Shape q, Shape l, int spelling):
    if spelling == SYLLABIC:
        # Spelled by us from syllables: no typos, only the same syllable in another scheme.
        if _equal(q.f_token, q.token, l.f_token, l.token):
            return 1.0
        if _same_syllable(q, l) or _same_family(q, l):
            return ROMANIZED
        # A word we translated (은행 'bank') against another form of it in the list ('Banking').
        if min(q.length, l.length) >= 4 and _same_stem(q, l):
            return STEM
        return 0.0
    cdef double best = _latin_similarity(q, l)
    if spelling == ABJAD_READING and best < ABJAD and _same_abjad(q, l):
        return ABJAD
    return best


def similarity(Shape query, Shape listed, int spelling):
    """0..1 similarity of a query token and a listed token, for a query form of this spelling."""
    return _similarity(query, listed, spelling)


@cython.boundscheck(True)  # token ids come from the caller: an id out of range raises, never reads astray
def token_votes(
    Shape query, list token_ids, list shapes, const double[:] weights, double cap, int spelling
):
    """(token ids, votes) of the vocabulary tokens `token_ids` similar to `query`: similarity times
    rarity, the rarity capped at `cap` (index.MatchIndex.token_votes). `shapes` and `weights` are
    the vocabulary's, by token id."""
    cdef list ids = [], votes = []
    cdef double similarity, weight
    cdef Py_ssize_t token_id, n_shapes = len(shapes)
    for token_id in token_ids:  # the shapes lie scattered in memory: ask for all of them at once
        if 0 <= token_id < n_shapes:
            _prefetch(<PyObject *>PyList_GET_ITEM(shapes, token_id))
    for token_id in token_ids:
        similarity = _similarity(query, <Shape?>shapes[token_id], spelling)
        if similarity > 0.0:
            weight = weights[token_id]
            ids.append(token_id)
            votes.append(similarity * (weight if weight < cap else cap))
    return ids, votes


# ---- lookup keys --------------------------------------------------------------------------------
#
# A token is indexed, and looked up, under keys (tokens.py's module docstring says why each): itself,
# its visual shape, its one-letter deletions (from four letters on), its consonant skeleton, its
# romanization-neutral spelling and that spelling's skeleton, its metaphone code and its sound fold,
# and (indexed for every listed token, looked up for Arabic-script readings only) its consonant frame.
# A token and its deletions share one key space ('~'), so an inserted, dropped, changed or swapped letter
# on either side still meets the other spelling under some key.
#
# Keys are kept as 64-bit hashes, never as strings: 850,000 key strings in a dict cost ~100 MB. Two keys
# sharing a hash only add a token to verify with the similarity rules, never a match.


cdef uint64_t _FNV_OFFSET = 14695981039346656037ULL
cdef uint64_t _FNV_PRIME = 1099511628211ULL


cdef uint64_t _hash(Py_UCS4 kind, str text, Py_ssize_t skip) noexcept:
    """FNV-1a over the key kind and the text's code points, leaving out position `skip` (-1: none)."""
    cdef uint64_t h = (_FNV_OFFSET ^ <uint64_t>kind) * _FNV_PRIME
    cdef Py_ssize_t i = 0
    cdef Py_UCS4 ch
    for ch in text:
        if i != skip:
            h = (h ^ <uint64_t>ch) * _FNV_PRIME
        i += 1
    return h


cdef Py_ssize_t _key_count(Shape shape) noexcept:
    """At most how many keys _fill_keys writes for this token."""
    return shape.length + 10


cdef Py_ssize_t _fill_keys(Shape shape, bint abjad, uint64_t *out) except -1:
    """Write the token's key hashes to `out` (room for _key_count); returns how many."""
    cdef str token = shape.token
    cdef Py_ssize_t n = shape.length, i, count = 0
    out[count] = _hash(u'~', token, -1)
    count += 1
    if not _same(shape.visual, token):
        out[count] = _hash(u'~', shape.visual, -1)
        count += 1
    if n >= 4:
        for i in range(n):
            out[count] = _hash(u'~', token, i)
            count += 1
    if len(shape.skeleton) >= 2:
        out[count] = _hash(u'#', shape.skeleton, -1)
        count += 1
    if not _same(shape.romanized, token) and n >= 3:
        out[count] = _hash(u'~', shape.romanized, -1)
        count += 1
        if not _same(shape.romanized_skeleton, shape.skeleton) and len(shape.romanized_skeleton) >= 2:
            out[count] = _hash(u'#', shape.romanized_skeleton, -1)
            count += 1
    if len(shape.phonetic) >= 2:
        out[count] = _hash(u'^', shape.phonetic, -1)
        count += 1
    if n >= 2:
        out[count] = _hash(u'@', shape.sound, -1)
        count += 1
    if abjad and len(shape.get_abjad()) >= 2:
        out[count] = _hash(u'%', shape.get_abjad(), -1)
        count += 1
    return count


cdef list _key_hashes(Shape shape, bint abjad):
    cdef uint64_t *keys = <uint64_t *>malloc(_key_count(shape) * sizeof(uint64_t))
    cdef Py_ssize_t count, k
    if keys == NULL:
        raise MemoryError()
    try:
        count = _fill_keys(shape, abjad, keys)
        return [keys[k] for k in range(count)]
    finally:
        free(keys)


def key_hashes(Shape shape, bint abjad):
    """The hashes of the keys a token is indexed and looked up under (its consonant frame's too when
    `abjad`)."""
    return _key_hashes(shape, abjad)


cdef int _compare_ints(const void *a, const void *b) noexcept nogil:
    cdef int x = (<int *>a)[0], y = (<int *>b)[0]
    return (x > y) - (x < y)


cdef class KeyTable:
    """Key hash -> vocabulary token ids, as sorted arrays (CSR): what retrieval expands a query token by."""

    cdef const uint64_t[:] hashes  # sorted, distinct
    cdef const long[:] starts  # token ids of hashes[k]: tokens[starts[k]:starts[k + 1]]
    cdef const int[:] tokens

    def __init__(self, const uint64_t[:] hashes, const long[:] starts, const int[:] tokens):
        if starts.shape[0] != hashes.shape[0] + 1 or (hashes.shape[0] and starts[hashes.shape[0]] != tokens.shape[0]):
            raise ValueError("key table: starts must bound the tokens of every hash")
        self.hashes, self.starts, self.tokens = hashes, starts, tokens

    @staticmethod
    def build(list shapes):
        """(hash, token id) of every key of every token: the table's input, unsorted."""
        import array
        cdef object hashes = array.array("Q"), owners = array.array("i")
        cdef Py_ssize_t token_id
        cdef list keys
        for token_id in range(len(shapes)):
            keys = _key_hashes(<Shape?>shapes[token_id], True)
            hashes.extend(keys)
            owners.extend([token_id] * len(keys))
        return hashes, owners

    def tokens_of(self, Shape shape, bint abjad):
        """The vocabulary tokens sharing a key with `shape`, each once, ascending."""
        cdef Py_ssize_t n_keys, n_found = 0, capacity = 64, low, high, middle, k, key
        cdef uint64_t h
        cdef int *found
        cdef int *grown
        cdef uint64_t *keys = <uint64_t *>malloc(_key_count(shape) * sizeof(uint64_t))
        if keys == NULL:
            raise MemoryError()
        found = <int *>malloc(capacity * sizeof(int))
        if found == NULL:
            free(keys)
            raise MemoryError()
        try:
            n_keys = _fill_keys(shape, abjad, keys)
            for key in range(n_keys):
                h = keys[key]
                low, high = 0, self.hashes.shape[0]
                while low < high:
                    middle = (low + high) // 2
                    if self.hashes[middle] < h:
                        low = middle + 1
                    else:
                        high = middle
                if low < self.hashes.shape[0] and self.hashes[low] == h:
                    for k in range(self.starts[low], self.starts[low + 1]):
                        if n_found == capacity:
                            grown = <int *>realloc(found, 2 * capacity * sizeof(int))
                            if grown == NULL:
                                raise MemoryError()
                            found, capacity = grown, 2 * capacity
                        found[n_found] = self.tokens[k]
                        n_found += 1
            qsort(found, n_found, sizeof(int), _compare_ints)
            out = []
            for k in range(n_found):
                if k == 0 or found[k] != found[k - 1]:
                    out.append(found[k])
            return out
        finally:
            free(keys)
            free(found)


# ---- vote counting --------------------------------------------------------------------------------


cdef struct Slot:
    double total  # the votes summed over the query's tokens (0: not touched yet)
    double best  # the current query token's best vote here
    int stamp  # which query token `best` belongs to


cdef struct Ranked:
    double votes
    int form


cdef inline bint _before(Ranked a, Ranked b) noexcept:
    """Better-voted first; among equal votes the lower form id (a stable, reproducible order)."""
    return a.votes > b.votes or (a.votes == b.votes and a.form < b.form)


cdef class VoteCounter:
    """Sums the votes of a query's tokens per name form over the index's postings (CSR arrays).

    Scratch arrays the size of the index are allocated once and reset through the list of forms
    touched, so a query costs what its postings cost, not what the index holds. Threads may share it:
    top() takes and checks every buffer first, then runs no Python code from its first write to the
    scratch arrays until their reset, so the GIL is never handed over in between.
    """

    cdef const int[:] forms
    cdef const long[:] starts
    cdef Slot *slots  # per form: what the query's votes gave it so far (one cache line, not three)
    cdef int *touched
    cdef int *group
    cdef Py_ssize_t size
    cdef int serial

    def __cinit__(self, const int[:] forms, const long[:] starts, Py_ssize_t size):
        self.forms = forms
        self.starts = starts
        self.size = size
        self.slots = <Slot *>malloc(max(size, 1) * sizeof(Slot))
        self.touched = <int *>malloc(max(size, 1) * sizeof(int))
        self.group = <int *>malloc(max(size, 1) * sizeof(int))
        if not (self.slots and self.touched and self.group):
            raise MemoryError()
        memset(self.slots, 0, max(size, 1) * sizeof(Slot))
        self.serial = 0

    def __dealloc__(self):
        free(self.slots)
        free(self.touched)
        free(self.group)

    def top(self, list groups, int limit):
        """The `limit` best-voted forms as (form, votes), best first.

        `groups` holds one (token ids, votes) pair per query token: the vocabulary tokens it
        resembles and the vote each casts. A query token votes once per form, with its best vote
        there; forms sum the votes of the query tokens in their order.
        """
        cdef Py_ssize_t n_groups = len(groups), n_touched = 0, n_group, k, p, g
        cdef Py_ssize_t n_tokens = self.starts.shape[0] - 1
        cdef long t
        cdef int f
        cdef double v
        cdef const long[:] ids
        cdef const double[:] votes
        # Every buffer is taken, and checked, before the first write to the scratch arrays: from then
        # until their reset nothing below runs Python code.
        cdef const long **id_rows = <const long **>malloc(max(n_groups, 1) * sizeof(long *))
        cdef const double **vote_rows = <const double **>malloc(max(n_groups, 1) * sizeof(double *))
        cdef Py_ssize_t *lengths = <Py_ssize_t *>malloc(max(n_groups, 1) * sizeof(Py_ssize_t))
        if id_rows == NULL or vote_rows == NULL or lengths == NULL:
            free(id_rows)
            free(vote_rows)
            free(lengths)
            raise MemoryError()
        try:
            for g in range(n_groups):
                ids = groups[g][0]
                votes = groups[g][1]
                if ids.shape[0] != votes.shape[0]:
                    raise ValueError("a group's token ids and votes differ in length")
                for k in range(ids.shape[0]):
                    if not 0 <= ids[k] < n_tokens:
                        raise IndexError(f"token id {ids[k]} outside the vocabulary")
                lengths[g] = ids.shape[0]
                id_rows[g] = &ids[0] if ids.shape[0] else NULL
                vote_rows[g] = &votes[0] if votes.shape[0] else NULL
            for g in range(n_groups):
                self.serial += 1
                if self.serial == 0x7FFFFFFF:  # wrapped: start the stamps afresh
                    for k in range(self.size):
                        self.slots[k].stamp = 0
                    self.serial = 1
                n_group = 0
                for k in range(lengths[g]):
                    t = id_rows[g][k]
                    v = vote_rows[g][k]
                    for p in range(self.starts[t], self.starts[t + 1]):
                        f = self.forms[p]
                        if self.slots[f].stamp != self.serial:
                            self.slots[f].stamp = self.serial
                            self.slots[f].best = v
                            self.group[n_group] = f
                            n_group += 1
                        elif v > self.slots[f].best:
                            self.slots[f].best = v
                for k in range(n_group):
                    f = self.group[k]
                    if self.slots[f].total == 0.0:
                        self.touched[n_touched] = f
                        n_touched += 1
                    self.slots[f].total += self.slots[f].best
        finally:
            free(id_rows)
            free(vote_rows)
            free(lengths)
        return self._take_top(n_touched, limit)

    cdef list _take_top(self, Py_ssize_t n_touched, int limit):
        """The best `limit` of the touched forms (a bounded min-heap), resetting their totals."""
        cdef Py_ssize_t size = 0, k, child, parent
        cdef Ranked item
        cdef Ranked *heap = <Ranked *>malloc(max(limit, 1) * sizeof(Ranked))
        if heap == NULL:
            for k in range(n_touched):
                self.slots[self.touched[k]].total = 0.0
            raise MemoryError()
        try:
            for k in range(n_touched):
                item.form = self.touched[k]
                item.votes = self.slots[item.form].total
                self.slots[item.form].total = 0.0
                if size < limit:
                    # sift up: the heap's root is the worst kept
                    child = size
                    size += 1
                    while child > 0:
                        parent = (child - 1) // 2
                        if _before(heap[parent], item):
                            heap[child] = heap[parent]
                            child = parent
                        else:
                            break
                    heap[child] = item
                elif size and _before(item, heap[0]):
                    _sift_down(heap, size, item)
            qsort(heap, size, sizeof(Ranked), _compare_ranked)
            return [(heap[k].form, heap[k].votes) for k in range(size)]
        finally:
            free(heap)


cdef void _sift_down(Ranked *heap, Py_ssize_t size, Ranked item) noexcept:
    """Replace the root (the worst kept) with `item` and restore the heap order."""
    cdef Py_ssize_t parent = 0, child
    while True:
        child = 2 * parent + 1
        if child >= size:
            break
        if child + 1 < size and _before(heap[child], heap[child + 1]):
            child += 1
        if _before(item, heap[child]):  # the worse child moves up
            heap[parent] = heap[child]
            parent = child
        else:
            break
    heap[parent] = item


cdef int _compare_ranked(const void *a, const void *b) noexcept nogil:
    cdef Ranked x = (<Ranked *>a)[0]
    cdef Ranked y = (<Ranked *>b)[0]
    if x.votes > y.votes or (x.votes == y.votes and x.form < y.form):
        return -1
    if x.votes == y.votes and x.form == y.form:
        return 0
    return 1


# ---- alignment ------------------------------------------------------------------------------------


cdef struct Option:
    double similarity
    double weight
    int q_start, q_count, l_start, l_count
    int order  # position in the list of options: the sort is stable


cdef int _compare_options(const void *a, const void *b) noexcept nogil:
    """Most similar first, then heavier (rarer) first, then in the order found."""
    cdef Option x = (<Option *>a)[0]
    cdef Option y = (<Option *>b)[0]
    if x.similarity != y.similarity:
        return -1 if x.similarity > y.similarity else 1
    if x.weight != y.weight:
        return -1 if x.weight > y.weight else 1
    return x.order - y.order


cdef class _Options:
    """A growable C array of alignment options."""

    cdef Option *items
    cdef Py_ssize_t count, capacity

    def __cinit__(self, Py_ssize_t capacity):
        self.capacity = max(capacity, 4)
        self.count = 0
        self.items = <Option *>malloc(self.capacity * sizeof(Option))
        if self.items == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.items)

    cdef int add(self, double similarity, double weight, int q_start, int q_count, int l_start, int l_count) except -1:
        cdef Option *grown
        cdef Py_ssize_t k
        if self.count == self.capacity:
            grown = <Option *>malloc(2 * self.capacity * sizeof(Option))
            if grown == NULL:
                raise MemoryError()
            for k in range(self.count):
                grown[k] = self.items[k]
            free(self.items)
            self.items = grown
            self.capacity *= 2
        self.items[self.count] = Option(similarity, weight, q_start, q_count, l_start, l_count, self.count)
        self.count += 1
        return 0


cdef class Profile:
    """One name form's tokens with what the kernel weighs of each: a query's (index.MatchIndex.profile)
    or a listed form's (ListedForms). The strings and the family size are only computed when a pair
    gets as far as its features: most aligned pairs never do."""

    cdef readonly list shapes, weights, patronymic, noise, listed_words, legal_forms
    cdef object text, family_of
    cdef str _joined, _sorted_joined
    cdef Py_ssize_t _family

    def __init__(
        self, list shapes, list weights, list patronymic, list noise, list listed_words, list legal_forms,
        str text=None, family_of=None,
    ):
        count = len(shapes)
        for values in (weights, patronymic, noise, listed_words, legal_forms):
            if len(values) != count:  # the kernel indexes them all by token, unchecked
                raise ValueError(f"profile of {count} tokens has a list of {len(values)}")
        if text is not None and family_of is None:
            raise ValueError("a listed profile needs family_of to read its family name")
        self.shapes = shapes  # tokens.Shape per token
        self.weights = weights  # rarity weights
        self.patronymic = patronymic  # 'Vasilyevich', 'Petrovna': lists often leave them out
        self.noise = noise  # legal forms, stopwords, initials: never decide a match
        self.listed_words = listed_words  # a word of some listed name (query side)
        self.legal_forms = legal_forms  # a legal-form word (listed side)
        self.text = text  # the listed name as written (None: a query)
        self.family_of = family_of  # listed text -> tokens of its family name ('FAMILY, Given')
        self._family = -1

    @property
    def joined(self):
        """The tokens joined by spaces."""
        return self.get_joined()

    @property
    def sorted_joined(self):
        """The tokens in sorted order joined by spaces."""
        return self.get_sorted_joined()

    @property
    def family(self):
        """Tokens of the family name ('FAMILY, Given'); 0 when not known."""
        return self.get_family()

    cdef str get_joined(self):
        if self._joined is None:
            self._joined = " ".join([(<Shape>shape).token for shape in self.shapes])
        return self._joined

    cdef str get_sorted_joined(self):
        if self._sorted_joined is None:
            self._sorted_joined = " ".join(sorted([(<Shape>shape).token for shape in self.shapes]))
        return self._sorted_joined

    cdef Py_ssize_t get_family(self) except -1:
        if self._family < 0:
            self._family = self.family_of(self.text) if self.text else 0
        return self._family


cdef list _gather(list values, const int[:] ids, Py_ssize_t start, Py_ssize_t end):
    cdef Py_ssize_t k
    return [values[ids[k]] for k in range(start, end)]


cdef class ListedForms:
    """The index's name forms as the kernel aligns them: each form's profile assembled on demand from
    the vocabulary's per-token values (a microsecond; keeping 85,000 profiles would cost ~60 MB)."""

    cdef list shapes, weights, noise, legal_forms, texts
    cdef const int[:] tokens
    cdef const long[:] starts
    cdef object family_of

    def __init__(
        self, list shapes, list weights, list noise, list legal_forms, const int[:] tokens,
        const long[:] starts, list texts, family_of,
    ):
        cdef Py_ssize_t k, size = len(shapes)
        for values in (weights, noise, legal_forms):
            if len(values) != size:
                raise ValueError(f"vocabulary of {size} tokens has a list of {len(values)}")
        if starts.shape[0] != len(texts) + 1 or starts[len(texts)] != tokens.shape[0]:
            raise ValueError("listed forms: starts must bound the tokens of every form")
        for k in range(tokens.shape[0]):
            if not 0 <= tokens[k] < size:
                raise IndexError(f"token id {tokens[k]} outside the vocabulary")
        self.shapes, self.weights, self.noise, self.legal_forms = shapes, weights, noise, legal_forms
        self.tokens, self.starts, self.texts, self.family_of = tokens, starts, texts, family_of

    def __len__(self):
        return len(self.texts)

    cdef void prefetch(self, Py_ssize_t form) noexcept:
        """Ask for the shapes of a form's tokens ahead of its alignment (they lie scattered in memory)."""
        cdef Py_ssize_t k
        if 0 <= form < len(self.texts):
            for k in range(self.starts[form], self.starts[form + 1]):
                _prefetch(<PyObject *>PyList_GET_ITEM(self.shapes, self.tokens[k]))

    def profile(self, Py_ssize_t form):
        """The profile of one indexed form."""
        return self._profile(form)

    cdef Profile _profile(self, Py_ssize_t form):
        if not 0 <= form < len(self.texts):
            raise IndexError(f"form {form} outside the index")
        cdef Py_ssize_t start = self.starts[form], end = self.starts[form + 1]
        cdef Profile out = Profile.__new__(Profile)
        cdef list unflagged = [False] * (end - start)
        out.shapes = _gather(self.shapes, self.tokens, start, end)
        out.weights = _gather(self.weights, self.tokens, start, end)
        out.patronymic = unflagged
        out.noise = _gather(self.noise, self.tokens, start, end)
        out.listed_words = unflagged
        out.legal_forms = _gather(self.legal_forms, self.tokens, start, end)
        out.text = self.texts[form]
        out.family_of = self.family_of
        out._family = -1
        return out


cdef class Alignment:
    """The greedy alignment of a query form and a listed form (score.NameMatch, in the kernel's terms)."""

    cdef readonly double score, query_coverage, listed_coverage
    cdef readonly list query_credit, listed_credit, query_weights, listed_weights
    cdef readonly list pairs  # (query start, query count, listed start, listed count, similarity)


def align(Profile query, Profile listed, int spelling, shape_of):
    """score.align on token shapes: the greedy one-to-one alignment and the coverage both ways.

    `shape_of` makes the Shape of two tokens written together.
    """
    return _align(query, listed, spelling, shape_of)


cdef Alignment _align(Profile query, Profile listed, int spelling, shape_of):
    cdef list q_shapes = query.shapes, l_shapes = listed.shapes
    cdef list q_weights = query.weights, l_weights = listed.weights
    cdef Py_ssize_t nq = len(q_shapes), nl = len(l_shapes), i, j, k, n_exact_q = 0, n_exact_l = 0
    cdef double sim, q_total = 0.0, l_total = 0.0, q_cov = 0.0, l_cov = 0.0, partner
    cdef _Options options = _Options(nq * nl + 4)
    cdef Option o
    cdef bint taken
    cdef list q_credit = [0.0] * nq, l_credit = [0.0] * nl
    cdef list weights_q = list(q_weights)
    cdef list pairs = []
    cdef bytearray exact_q = bytearray(nq), exact_l = bytearray(nl)
    cdef Alignment out = Alignment.__new__(Alignment)
    for i in range(nq):
        for j in range(nl):
            sim = _similarity(<Shape?>q_shapes[i], <Shape?>l_shapes[j], spelling)
            if sim > 0.0:
                options.add(sim, <double>q_weights[i] + <double>l_weights[j], i, 1, j, 1)
                if sim == 1.0:
                    if not exact_q[i]:
                        exact_q[i] = 1
                        n_exact_q += 1
                    if not exact_l[j]:
                        exact_l[j] = 1
                        n_exact_l += 1
    # Two adjacent tokens written as one on the other side ('Jong Un' / 'Jongun'), unless every token
    # on both sides already has its exact twin (the common true match).
    if n_exact_q < nq or n_exact_l < nl:
        _compound_options(options, q_shapes, l_shapes, q_weights, l_weights, spelling, shape_of, False)
        _compound_options(options, l_shapes, q_shapes, l_weights, q_weights, spelling, shape_of, True)
    qsort(options.items, options.count, sizeof(Option), _compare_options)
    for k in range(options.count):
        o = options.items[k]
        taken = False
        for i in range(o.q_start, o.q_start + o.q_count):
            taken = taken or <double>q_credit[i] != 0.0
        for j in range(o.l_start, o.l_start + o.l_count):
            taken = taken or <double>l_credit[j] != 0.0
        if taken:
            continue
        for i in range(o.q_start, o.q_start + o.q_count):
            q_credit[i] = o.similarity
        for j in range(o.l_start, o.l_start + o.l_count):
            l_credit[j] = o.similarity
        pairs.append((o.q_start, o.q_count, o.l_start, o.l_count, o.similarity))
        # A query token that found its partner weighs what the partner weighs.
        partner = 0.0
        for j in range(o.l_start, o.l_start + o.l_count):
            partner += <double>l_weights[j]
        partner /= o.q_count
        for i in range(o.q_start, o.q_start + o.q_count):
            weights_q[i] = partner
    if nl == 3 and nq >= 3:
        _swapped_given_syllables(pairs, q_credit, l_credit, l_shapes)
    if nq == 1 and nl == 1 and <double>q_credit[0] < 1.0:
        # One word against one word: a near-miss spelling is much weaker evidence than in a full name.
        q_credit[0] = l_credit[0] = <double>q_credit[0] ** 2
    for i in range(nq):
        q_total += <double>weights_q[i] * (
            1.0 if <double>q_credit[i] else (UNMATCHED_PATRONYMIC if query.patronymic[i] else UNMATCHED_QUERY)
        )
    for j in range(nl):
        l_total += <double>l_weights[j]
    if q_total == 0.0:
        q_total = 1.0
    if l_total == 0.0:
        l_total = 1.0
    for i in range(nq):
        q_cov += <double>q_credit[i] * <double>weights_q[i]
    for j in range(nl):
        l_cov += <double>l_credit[j] * <double>l_weights[j]
    q_cov /= q_total
    l_cov /= l_total
    out.score = QUERY_SHARE * q_cov + (1 - QUERY_SHARE) * l_cov
    out.query_coverage = q_cov
    out.listed_coverage = l_cov
    out.query_credit = q_credit
    out.listed_credit = l_credit
    out.query_weights = weights_q
    out.listed_weights = l_weights
    out.pairs = pairs
    return out


cdef int _swapped_given_syllables(list pairs, list q_credit, list l_credit, list l_shapes) except -1:
    """A Korean given name is one word of two syllables in a fixed order: 'CHOE, Min Chol' (민철) is not
    'CHOE, Chol Min' (철민). When the family name keeps its place in front and the two given syllables
    change places, each position holds another syllable, read as SYLLABLE_SLIP. A whole name written
    backwards ('Min Chol CHOE') keeps its syllables' order relative to each other and is left alone.
    """
    cdef Shape family = <Shape?>l_shapes[0]
    cdef Py_ssize_t k, q_family = -1, q_first = -1, q_second = -1, first_pair = -1, second_pair = -1
    cdef tuple pair
    if family.families is None or not (<Shape?>l_shapes[1]).korean or not (<Shape?>l_shapes[2]).korean:
        return 0
    for k in range(len(pairs)):
        pair = <tuple>pairs[k]
        if pair[1] != 1 or pair[3] != 1:
            continue
        if pair[2] == 0:
            q_family = pair[0]
        elif pair[2] == 1:
            q_first, first_pair = pair[0], k
        else:
            q_second, second_pair = pair[0], k
    if q_family < 0 or first_pair < 0 or second_pair < 0 or not q_family < q_second < q_first:
        return 0
    for k in (first_pair, second_pair):
        pair = <tuple>pairs[k]
        if pair[4] > SYLLABLE_SLIP:
            pairs[k] = (pair[0], pair[1], pair[2], pair[3], SYLLABLE_SLIP)
            q_credit[pair[0]] = l_credit[pair[2]] = SYLLABLE_SLIP
    return 0


cdef int _compound_options(
    _Options options, list singles, list joins, list single_weights, list join_weights,
    int spelling, shape_of, bint flipped,
) except -1:
    """One token of `singles` against two adjacent tokens of `joins` written together.

    A join and its single must start alike and be of similar length (cheap checks first), and be
    spelt alike: the looser rules (same consonants, same sound) are too loose for a join of two
    names ('Duong' is not 'Deng Gao').
    """
    cdef Py_ssize_t n_joins = len(joins), a, i
    cdef Py_ssize_t size
    cdef Shape single, joined
    cdef str first, second
    cdef double sim, weight
    if n_joins < 2:
        return 0
    for a in range(n_joins - 1):
        first = (<Shape?>joins[a]).token
        second = (<Shape?>joins[a + 1]).token
        size = len(first) + len(second)
        joined = None
        for i in range(len(singles)):
            single = <Shape?>singles[i]
            if single.token[0] != first[0] or abs(size - single.length) > 2:
                continue
            if joined is None:
                joined = <Shape?>shape_of(first + second)
            sim = _similarity(joined, single, spelling) if flipped else _similarity(single, joined, spelling)
            if sim >= COMPOUND_FLOOR:
                weight = <double>single_weights[i] + <double>join_weights[a] + <double>join_weights[a + 1]
                if flipped:
                    options.add(sim, weight, a, 2, i, 1)
                else:
                    options.add(sim, weight, i, 1, a, 2)
    return 0


# ---- name features --------------------------------------------------------------------------------


def name_features(
    Alignment match, Profile query, Profile listed, bint query_is_organization, bint syllabic_query,
    double vote_share, double max_weight,
):
    """features.NAME_FEATURES of one aligned pair, in that order (features.py says what each is)."""
    cdef list q_credit = match.query_credit, l_credit = match.listed_credit
    cdef list q_weights = match.query_weights, l_weights = match.listed_weights
    cdef Py_ssize_t nq = len(q_credit), nl = len(l_credit), i, j, family = listed.get_family()
    cdef double scale = max_weight or 1.0
    cdef double matched_q = 0.0, unmatched_q = 0.0, heaviest_unmatched = 0.0, heaviest_matched = 0.0
    cdef double heaviest_elsewhere = 0.0, weakest = 1.0, credit, weight, matched_l = 0.0, unmatched_l = 0.0
    cdef double q_sum = 0.0, l_sum = 0.0, residual = 0.0, similarity
    cdef int exact = 0, unmatched_words = 0, matched_words = 0, listed_unmatched_words = 0
    cdef bint noise, legal_form_unmatched = False, family_matched, all_query_matched = True
    for i in range(nq):
        credit = q_credit[i]
        weight = q_weights[i]
        noise = query.noise[i]
        if credit:
            matched_q += credit * weight
            heaviest_matched = max(heaviest_matched, weight)
            weakest = min(weakest, credit)
            exact += credit == 1.0
            matched_words += not noise
        else:
            all_query_matched = False
            unmatched_q += weight
            heaviest_unmatched = max(heaviest_unmatched, weight)
            unmatched_words += not noise
            if not noise and query.listed_words[i]:
                heaviest_elsewhere = max(heaviest_elsewhere, weight)
        q_sum += weight
    for j in range(nl):
        credit = l_credit[j]
        weight = l_weights[j]
        if credit:
            matched_l += credit * weight
        else:
            unmatched_l += weight
            listed_unmatched_words += not listed.noise[j]
            legal_form_unmatched = legal_form_unmatched or listed.legal_forms[j]
        l_sum += weight
    family_matched = family > 0
    for j in range(min(family, nl)):
        family_matched = family_matched and <double>l_credit[j] != 0.0
    # How alike the closest unexplained words still are (a nickname, a spelling beyond the rules).
    for i in range(nq):
        if <double>q_credit[i] != 0.0 or query.noise[i]:
            continue
        for j in range(nl):
            if <double>l_credit[j] != 0.0 or listed.noise[j]:
                continue
            similarity = _jaro_winkler((<Shape?>query.shapes[i]).token, (<Shape?>listed.shapes[j]).token)
            residual = max(residual, similarity)
    return [
        match.score,
        matched_q / (q_sum or 1.0),
        matched_l / (l_sum or 1.0),
        matched_q / scale,
        unmatched_q / scale,
        unmatched_l / scale,
        exact / <double>nq,
        1.0 if nq == 1 else 0.0,
        weakest if matched_q else 0.0,
        <double>unmatched_words,
        <double>listed_unmatched_words,
        <double>matched_words,
        1.0 if query_is_organization else 0.0,
        heaviest_unmatched / scale,
        vote_share,
        _token_set_ratio(query.get_joined(), listed.get_joined()) / 100.0,
        _jaro_winkler(query.get_sorted_joined(), listed.get_sorted_joined()),
        heaviest_matched / scale,
        1.0 if family_matched else 0.0,
        1.0 if family else 0.0,
        nl / 5.0,
        nq / 5.0,
        heaviest_elsewhere / scale,
        1.0 if syllabic_query else 0.0,
        1.0 if legal_form_unmatched and not all_query_matched else 0.0,
        residual,
    ]


def score_form(
    Profile query, list candidates, double floor, double query_weight, double prefilter, int spelling,
    bint query_is_organization, bint syllabic_query, double max_weight, ListedForms listed_forms not None, shape_of,
):
    """Align the query form with each candidate (form id, votes) voted at least `floor`, best first.

    Returns (form id, vote share, alignment, name features) for each pair whose name score reaches
    `prefilter`: the rest are too far apart to be worth the secondary evidence.
    """
    cdef list out = []
    cdef Alignment match
    cdef Profile listed
    cdef double votes, share
    cdef Py_ssize_t form
    for form, votes in candidates:
        if votes < floor:
            break
        listed_forms.prefetch(form)
    for form, votes in candidates:
        if votes < floor:
            break
        listed = listed_forms._profile(form)
        match = _align(query, listed, spelling, shape_of)
        if match.score < prefilter:
            continue
        share = votes / query_weight
        out.append(
            (
                form, share, match,
                name_features(match, query, listed, query_is_organization, syllabic_query, share, max_weight),
            )
        )
    return out


# ---- the name model -------------------------------------------------------------------------------


cdef class QuadraticModel:
    """model.NameModel's logit: clip, standardise, then linear and quadratic terms (z.W.z), with the
    floor for a whole listed name matched word for word (model.EXACT_NAME_SCORE)."""

    cdef double[:] low, high, mean, scale, linear
    cdef double[:, :] upper
    cdef double intercept, exact_floor
    cdef Py_ssize_t n
    cdef list exact_features

    def __init__(self, double[:] low, double[:] high, double[:] mean, double[:] scale, double[:, :] upper,
                 double[:] linear, double intercept, list exact_features, double exact_floor):
        self.low, self.high, self.mean, self.scale = low, high, mean, scale
        self.upper, self.linear, self.intercept = upper, linear, intercept
        self.exact_features, self.exact_floor = exact_features, exact_floor
        self.n = mean.shape[0]

    def logits(self, const double[:, :] features):
        """The logit of each row (name features only: evidence is added by the caller)."""
        cdef Py_ssize_t r, i
        if features.shape[0] and features.shape[1] != self.n:
            raise ValueError(f"rows of {features.shape[1]} features; the model has {self.n}")
        cdef double *x = self._buffer()
        try:
            out = []
            for r in range(features.shape[0]):
                for i in range(self.n):
                    x[i] = features[r, i]
                out.append(self._logit(x))
            return out
        finally:
            free(x)

    def logit(self, list features):
        """The logit of one row given as a list (the screener's per-pair call, no array round trip)."""
        cdef double *x = self._row(features)
        try:
            return self._logit(x)
        finally:
            free(x)

    def exact(self, list features):
        """Is the pair a whole listed name matched word for word (the floor applies)?"""
        cdef double *x = self._row(features)
        try:
            return self._exact(x)
        finally:
            free(x)

    def contributions(self, list features):
        """Each feature's share of the logit (before the exact-name floor): its linear term plus half
        of every quadratic term it is in."""
        cdef Py_ssize_t i, n = self.n
        cdef double *shares = self._shares(features)
        try:
            return [shares[i] for i in range(n)]
        finally:
            free(shares)

    def strongest(self, list features, Py_ssize_t count):
        """The `count` contributions largest in size, as (feature position, share), largest first."""
        cdef Py_ssize_t n = self.n, k, pick, taken
        cdef double *shares = self._shares(features)
        cdef bytearray used = bytearray(n)
        cdef list out = []
        try:
            for taken in range(min(count, n)):  # a selection: count is a handful, n a few dozen
                pick = -1
                for k in range(n):
                    if not used[k] and (pick < 0 or fabs(shares[k]) > fabs(shares[pick])):
                        pick = k
                used[pick] = 1
                out.append((pick, shares[pick]))
            return out
        finally:
            free(shares)

    cdef double *_buffer(self) except NULL:
        """Room for one row of features (the caller frees it)."""
        cdef double *x = <double *>malloc(max(self.n, 1) * sizeof(double))
        if x == NULL:
            raise MemoryError()
        return x

    cdef double *_row(self, list features) except NULL:
        """One row of features copied into a new buffer (the caller frees it)."""
        cdef Py_ssize_t i
        if len(features) != self.n:
            raise ValueError(f"{len(features)} features; the model has {self.n}")
        cdef double *x = self._buffer()
        try:
            for i in range(self.n):
                x[i] = features[i]
        except BaseException:
            free(x)
            raise
        return x

    cdef double *_shares(self, list features) except NULL:
        """Each feature's share of the logit, in a new buffer (the caller frees it)."""
        cdef Py_ssize_t i, j, n = self.n
        cdef double product
        cdef double *shares = self._buffer()
        cdef double *z
        try:
            z = self._row(features)
        except BaseException:
            free(shares)
            raise
        self._standardise(z)
        for i in range(n):
            shares[i] = self.linear[i] * z[i]
        for i in range(n):
            for j in range(i, n):
                product = self.upper[i, j] * z[i] * z[j] / 2
                shares[i] += product
                shares[j] += product
        free(z)
        return shares

    cdef void _standardise(self, double *x) noexcept:
        cdef Py_ssize_t i
        cdef double value
        for i in range(self.n):
            value = x[i]
            value = self.low[i] if value < self.low[i] else (self.high[i] if value > self.high[i] else value)
            x[i] = (value - self.mean[i]) / self.scale[i]

    cdef bint _exact(self, double *x) except -1:
        cdef Py_ssize_t i
        for i in self.exact_features:
            if x[i] < 1.0 - 1e-9:
                return False
        return True

    cdef double _logit(self, double *x) except? -1e300:
        """The logit of raw features x (standardised in place)."""
        cdef Py_ssize_t i, j, n = self.n
        cdef double total = self.intercept, row_sum
        cdef bint exact = self._exact(x)
        self._standardise(x)
        for i in range(n):
            row_sum = self.linear[i]
            for j in range(i, n):
                row_sum += self.upper[i, j] * x[j]
            total += row_sum * x[i]
        return max(total, self.exact_floor) if exact else total
