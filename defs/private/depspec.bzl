"""Evaluation of PMS dependency-specification strings (REQUIRED_USE, LICENSE).

The grammar (PMS 8.2): leaves, `flag? ( ... )`, `!flag? ( ... )`, `|| ( ... )`,
`^^ ( ... )`, `?? ( ... )` and plain `( ... )`. The evaluator is an explicit stack
machine: no recursion, so it runs in Buck2 and go.starlark.net alike.
"""

_GROUP_NAMES = {
    "all": "all-of",
    "any": "any-of",
    "one": "exactly-one-of",
    "most": "at-most-one-of",
}

def tokenize(text):
    return [t for t in text.replace("\t", " ").replace("\n", " ").split(" ") if t != ""]

def _close(frame):
    vals = frame["vals"]
    op = frame["op"]
    if op == "all" or op == "cond":
        ok = True
        for v in vals:
            ok = ok and v
        return ok
    n = 0
    for v in vals:
        if v:
            n += 1
    if op == "any":
        return n >= 1 or len(vals) == 0
    if op == "one":
        return n == 1 or len(vals) == 0
    return n <= 1

def _render(frame):
    inner = " ".join(frame["text"])
    if frame["op"] == "cond":
        return "{} ( {} )".format(frame["cond_text"], inner)
    if frame["op"] == "all":
        return "( {} )".format(inner)
    return "{} ( {} )".format(_GROUP_NAMES[frame["op"]], inner)

def evaluate(text, flag_on, leaf_ok, what):
    """Evaluates a dependency specification.

    flag_on(name) answers `name?` conditionals; leaf_ok(token) answers leaves.
    Returns a struct(ok, unsatisfied) where unsatisfied lists the innermost
    unsatisfied constraints in Portage's words ("exactly-one-of ( a b )").
    Malformed text fails naming `what`.
    """
    tokens = tokenize(text)
    stack = [{"op": "all", "vals": [], "text": [], "cond_text": "", "active": True}]
    unsatisfied = []
    pending = None  # operator or conditional waiting for its "("
    for tok in tokens:
        if pending != None:
            if tok != "(":
                fail("{}: expected '(' after {}, got {}".format(what, repr(pending[1]), repr(tok)))
            op, op_text, active = pending
            stack.append({"op": op, "vals": [], "text": [], "cond_text": op_text, "active": active and stack[-1]["active"]})
            pending = None
            continue
        if tok == "(":
            stack.append({"op": "all", "vals": [], "text": [], "cond_text": "", "active": stack[-1]["active"]})
        elif tok == ")":
            if len(stack) == 1:
                fail("{}: unbalanced ')'".format(what))
            frame = stack.pop()
            parent = stack[-1]
            parent["text"].append(_render(frame))
            if frame["op"] == "cond" and not frame["active"]:
                # A conditional group whose condition is off is left out entirely.
                continue
            ok = _close(frame)
            if not ok and frame["active"] and frame["op"] != "all" and frame["op"] != "cond":
                unsatisfied.append(_render(frame))
            parent["vals"].append(ok)
        elif tok == "||":
            pending = ("any", tok, True)
        elif tok == "^^":
            pending = ("one", tok, True)
        elif tok == "??":
            pending = ("most", tok, True)
        elif tok.endswith("?"):
            name = tok[:-1]
            neg = name.startswith("!")
            if neg:
                name = name[1:]
            on = flag_on(name)
            pending = ("cond", tok, (not on) if neg else on)
        else:
            frame = stack[-1]
            frame["text"].append(tok)
            ok = leaf_ok(tok)
            if not ok and frame["active"] and (frame["op"] == "all" or frame["op"] == "cond"):
                if frame["op"] == "cond":
                    unsatisfied.append("{} ( {} )".format(frame["cond_text"], tok))
                else:
                    unsatisfied.append(tok)
            frame["vals"].append(ok)
    if pending != None:
        fail("{}: {} is not followed by a group".format(what, repr(pending[1])))
    if len(stack) != 1:
        fail("{}: unbalanced '('".format(what))
    return struct(ok = _close(stack[0]), unsatisfied = unsatisfied)

def required_use_problem(package, required_use, use, iuse, shown_use = None):
    """The Portage-worded REQUIRED_USE violation of USE, or None when it is satisfied.

    shown_use is the USE printed in the message (default: use); the macros pass the
    package's own flags, without the profile's implicit ones. A malformed REQUIRED_USE or
    a flag outside IUSE still fails at once: that is a bug in the package, not its USE.
    """
    if not required_use:
        return None
    enabled = {f: True for f in use}
    known = {f: True for f in iuse}

    def flag_on(name):
        if name not in known:
            fail("{}: REQUIRED_USE names flag {} that is not in IUSE".format(package, repr(name)))
        return name in enabled

    def leaf_ok(tok):
        if tok.startswith("!"):
            return not flag_on(tok[1:])
        return flag_on(tok)

    result = evaluate(required_use, flag_on, leaf_ok, package + ": REQUIRED_USE")
    if result.ok:
        return None
    return "\n".join([
        "{}: REQUIRED_USE is not satisfied with USE=\"{}\".".format(package, " ".join(sorted(use if shown_use == None else shown_use))),
        "  The following REQUIRED_USE flag constraints are unsatisfied:",
    ] + ["    " + u for u in (result.unsatisfied or [required_use])] + [
        "  The above constraints are a subset of the following complete expression:",
        "    " + " ".join(tokenize(required_use)),
        "  Change USE for this package (config/package_use.bzl or package_use) or globally (config/use.bzl, buckos.use).",
    ])

def check_required_use(package, required_use, use, iuse, shown_use = None):
    """Fails, in Portage's words, when USE violates REQUIRED_USE."""
    problem = required_use_problem(package, required_use, use, iuse, shown_use)
    if problem != None:
        fail(problem)

def flatten_conditionals(text, flag_on, what):
    """Returns the leaves of text whose conditionals are on, ignoring ||/^^/?? semantics.

    Used for LICENSE when listing the licenses of a configuration.
    """
    leaves = []

    def leaf_ok(tok):
        return True

    # Evaluate once to validate and then walk again collecting active leaves.
    evaluate(text, flag_on, leaf_ok, what)
    tokens = tokenize(text)
    active = [True]
    pending = None
    for tok in tokens:
        if pending != None:
            active.append(pending and active[-1])
            pending = None
        elif tok == "(":
            active.append(active[-1])
        elif tok == ")":
            active.pop()
        elif tok in ["||", "^^", "??"]:
            pending = True
        elif tok.endswith("?"):
            name = tok[:-1]
            if name.startswith("!"):
                pending = not flag_on(name[1:])
            else:
                pending = flag_on(name)
        elif active[-1]:
            leaves.append(tok)
    return leaves
