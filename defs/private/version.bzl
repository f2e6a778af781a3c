"""PMS version parsing and comparison (PMS 3.2, 3.3) plus version constraints.

Everything here is pure Starlark without recursion so it runs the same in Buck2 and
in go.starlark.net (`ebuild2buck check`).
"""

_SUFFIX_ORDER = {"alpha": 0, "beta": 1, "pre": 2, "rc": 3, "p": 5}

# The rank of "no further suffix" when one version has more suffixes than the other.
_NO_SUFFIX = 4

def _is_digits(s):
    return len(s) > 0 and s.isdigit()

def _to_int(s):
    t = s.lstrip("0")
    if t == "":
        return 0
    return int(t)

def parse_version(v):
    """Parses a PMS version into a struct, or returns None when it is not one.

    Fields: numbers (list of digit strings), letter ("" or one lower-case letter),
    suffixes (list of (rank, number) tuples), revision (int), text (the input).
    """
    rest = v
    revision = 0
    idx = rest.rfind("-r")
    if idx > 0 and _is_digits(rest[idx + 2:]):
        revision = _to_int(rest[idx + 2:])
        rest = rest[:idx]
    parts = rest.split("_")
    head = parts[0]
    suffixes = []
    for s in parts[1:]:
        found = False
        for name in ["alpha", "beta", "pre", "rc", "p"]:
            if s.startswith(name) and (s[len(name):] == "" or _is_digits(s[len(name):])):
                # "pre" must not be read as "p" + "re".
                suffixes.append((_SUFFIX_ORDER[name], _to_int(s[len(name):]) if s[len(name):] else 0))
                found = True
                break
        if not found:
            return None
    letter = ""
    if len(head) > 0 and head[-1].isalpha():
        letter = head[-1]
        head = head[:-1]
        if not letter.islower():
            return None
    numbers = head.split(".")
    for n in numbers:
        if not _is_digits(n):
            return None
    return struct(numbers = numbers, letter = letter, suffixes = suffixes, revision = revision, text = v)

def _cmp(a, b):
    if a < b:
        return -1
    if a > b:
        return 1
    return 0

def _cmp_component(a, b):
    # PMS 3.3: a component with a leading zero compares as a string with
    # trailing zeros stripped; otherwise as an integer.
    if a.startswith("0") or b.startswith("0"):
        return _cmp(a.rstrip("0"), b.rstrip("0"))
    return _cmp(_to_int(a), _to_int(b))

def compare_parsed(a, b):
    """Returns -1, 0 or 1 comparing two structs from parse_version."""
    c = _cmp(_to_int(a.numbers[0]), _to_int(b.numbers[0]))
    if c != 0:
        return c
    n = len(a.numbers)
    if len(b.numbers) < n:
        n = len(b.numbers)
    for i in range(1, n):
        c = _cmp_component(a.numbers[i], b.numbers[i])
        if c != 0:
            return c
    c = _cmp(len(a.numbers), len(b.numbers))
    if c != 0:
        return c
    c = _cmp(a.letter, b.letter)
    if c != 0:
        return c
    m = len(a.suffixes)
    if len(b.suffixes) > m:
        m = len(b.suffixes)
    for i in range(m):
        sa = a.suffixes[i] if i < len(a.suffixes) else (_NO_SUFFIX, 0)
        sb = b.suffixes[i] if i < len(b.suffixes) else (_NO_SUFFIX, 0)
        c = _cmp(sa[0], sb[0])
        if c != 0:
            return c
        c = _cmp(sa[1], sb[1])
        if c != 0:
            return c
    return _cmp(a.revision, b.revision)

def must_parse_version(v, what):
    p = parse_version(v)
    if p == None:
        fail("{}: {} is not a valid version (PMS 3.2)".format(what, repr(v)))
    return p

def version_compare(a, b):
    """Compares two version strings (-1, 0, 1); fails on invalid versions."""
    return compare_parsed(must_parse_version(a, "version_compare"), must_parse_version(b, "version_compare"))

def _strip_revision(v):
    idx = v.rfind("-r")
    if idx > 0 and _is_digits(v[idx + 2:]):
        return v[:idx]
    return v

def _pessimistic_upper(base):
    # ~>1.2 means >=1.2 and <2; ~>1.2.3 means >=1.2.3 and <1.3.
    nums = must_parse_version(_strip_revision(base).split("_")[0].rstrip("abcdefghijklmnopqrstuvwxyz"), "~>").numbers
    if len(nums) == 1:
        return str(_to_int(nums[0]) + 1)
    kept = nums[:len(nums) - 1]
    kept[-1] = str(_to_int(kept[-1]) + 1)
    return ".".join(kept)

def _clause_matches(clause, version):
    """One constraint clause against one version string."""
    v = must_parse_version(version, "version constraint")
    op = ""
    operand = clause
    for candidate in [">=", "<=", "~>", ">", "<", "=", "~"]:
        if clause.startswith(candidate):
            op = candidate
            operand = clause[len(candidate):]
            break
    if operand.endswith("*"):
        # "1.2.*" (seed): the version's components start with 1.2.
        # "1.2*" (PMS =1.2*): the version string starts with "1.2".
        if op not in ["", "="]:
            fail("version constraint {}: a wildcard only goes with = or no operator".format(repr(clause)))
        prefix = operand[:-1]
        if prefix.endswith("."):
            want = prefix[:-1].split(".")
            if len(v.numbers) < len(want):
                return False
            for i in range(len(want)):
                if _cmp_component(v.numbers[i], want[i]) != 0:
                    return False
            return True
        return version.startswith(prefix)
    if op == "~":
        return compare_parsed(must_parse_version(_strip_revision(version), "~"), must_parse_version(_strip_revision(operand), "~")) == 0
    c = compare_parsed(v, must_parse_version(operand, "version constraint " + repr(clause)))
    if op == "" or op == "=":
        return c == 0
    if op == ">=":
        return c >= 0
    if op == ">":
        return c > 0
    if op == "<=":
        return c <= 0
    if op == "<":
        return c < 0
    if op == "~>":
        upper = must_parse_version(_pessimistic_upper(operand), "~>")
        return c >= 0 and compare_parsed(v, upper) < 0
    fail("version constraint {}: unknown operator".format(repr(clause)))

def version_matches(constraint, version):
    """True when version satisfies every space-separated clause of constraint.

    Clauses: exact ("1.2.3" or "=1.2.3"), >=, >, <=, <, ~> (pessimistic),
    "1.2.*" (component wildcard), "=1.2*" (PMS string prefix), "~1.2" (any revision).
    """
    clauses = constraint.split(" ")
    seen = False
    for clause in clauses:
        if clause == "":
            continue
        seen = True
        if not _clause_matches(clause, version):
            return False
    if not seen:
        fail("version constraint is empty")
    return True

def sort_versions(versions):
    """Returns the versions sorted newest first (a stable insertion sort, each parsed once)."""
    parsed = [must_parse_version(v, "sort_versions") for v in versions]
    order = []
    for i in range(len(parsed)):
        pos = len(order)
        for j in range(len(order)):
            if compare_parsed(parsed[i], parsed[order[j]]) > 0:
                pos = j
                break
        order.insert(pos, i)
    return [versions[i] for i in order]
