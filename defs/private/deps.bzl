"""Dependency items (use_if, any_of, blocker, use_req, slot_op) and their resolution.

Items are structs tagged with `buckos_kind`. The package macros resolve them at load
time against the package's effective USE, so the rule only ever sees plain labels,
(label, [USE requirements]) pairs and blocker package names.
"""

load("@root//defs/private:registry.bzl", "label_exists", "resolve_version_dep")

def use_if(flag, items, else_items = []):
    """Gentoo `flag? ( items )` / `!flag? ( items )`, with optional else items."""
    if type(flag) != "string" or flag.lstrip("!") == "":
        fail("use_if: the flag must be a non-empty string, got {}".format(repr(flag)))
    return struct(buckos_kind = "use_if", flag = flag, then = _as_list(items), otherwise = _as_list(else_items))

def any_of(items):
    """Gentoo `|| ( ... )`: the first alternative whose package exists is used."""
    return struct(buckos_kind = "any_of", alternatives = _as_list(items))

def blocker(label, strong = False):
    """Gentoo `!atom` (weak) / `!!atom` (strong): the package must not be in the closure.

    label is a label ("cell//dir:PN"), a version_dep, or a whole atom without its "!"s
    ("<cat/pkg-2:1[x]"), which is what the generator writes.
    """
    return struct(buckos_kind = "blocker", label = label, strong = strong)

def unresolved(atom, reason):
    """An atom the generator could not resolve (docs/EMIT.md): harmless until selected.

    When a package's USE selects it, that package alone fails at analysis with the atom
    and the reason; any_of() skips an alternative that holds one.
    """
    return struct(buckos_kind = "unresolved", atom = atom, reason = reason)

def use_req(label, flags):
    """Gentoo `atom[flags]`: the dependency must be built with these USE settings."""
    for f in flags:
        if type(f) != "string" or f.strip("!-?=") == "":
            fail("use_req({}): bad USE requirement {}".format(repr(label), repr(f)))
    return struct(buckos_kind = "use_req", label = label, flags = list(flags))

def slot_op(label, op = "="):
    """Gentoo slot operators `:=`, `:*`, `:SLOT=`: recorded, the label is unchanged."""
    if op not in ["=", "*"] and not op.endswith("="):
        fail("slot_op({}): operator must be '=', '*' or 'SLOT=', got {}".format(repr(label), repr(op)))
    return struct(buckos_kind = "slot_op", label = label, op = op)

def version_dep_item(package, constraint, slot = None):
    """A version constraint on a package, resolved against the registry when selected."""
    if type(package) != "string" or "//" not in package:
        fail("version_dep: package must be \"CELL//PKGDIR\", got {}".format(repr(package)))
    if type(constraint) != "string" or constraint.strip() == "":
        fail("version_dep({}): the constraint must be a non-empty string".format(repr(package)))
    return struct(buckos_kind = "version_dep", package = package, constraint = constraint, slot = slot)

def _as_list(items):
    if type(items) == "list" or type(items) == "tuple":
        return list(items)
    return [items]

def kind_of(item):
    if type(item) == "struct" and hasattr(item, "buckos_kind"):
        return item.buckos_kind
    return type(item)

def flag_is_on(flag, use, iuse_flags, what):
    """Evaluates "flag" or "!flag" against the enabled flags."""
    neg = flag.startswith("!")
    name = flag[1:] if neg else flag
    if name not in iuse_flags:
        fail("{}: use_if({}) names a flag that is not in IUSE {}".format(what, repr(flag), iuse_flags))
    on = name in use
    return (not on) if neg else on

def resolve_values(items, use, iuse_flags, what):
    """Flattens a list that may hold use_if items (args, sources, patches)."""
    if type(items) != "list":
        # A select() or another non-list value is passed through untouched.
        return items
    out = []
    stack = list(reversed(items))
    for _ in range(1000000):
        if not stack:
            break
        item = stack.pop()
        k = kind_of(item)
        if k == "use_if":
            chosen = item.then if flag_is_on(item.flag, use, iuse_flags, what) else item.otherwise
            stack.extend(reversed(chosen))
        elif k == "list" or k == "tuple":
            stack.extend(reversed(list(item)))
        elif k == "struct":
            fail("{}: {} is not allowed here (only values and use_if)".format(what, item.buckos_kind))
        elif item != None:
            out.append(item)
    return out

def _label_of(item, what):
    """The label inside use_req/blocker/slot_op/version_dep: (label, None) or (None, error)."""
    for _ in range(4):
        k = kind_of(item)
        if k == "slot_op":
            item = item.label
        elif k == "version_dep":
            return resolve_version_dep(item.package, item.constraint, item.slot)
        elif k == "string":
            return (item, None)
        else:
            break
    fail("{}: expected a label, got {}".format(what, repr(item)))

def _leaves(item):
    """Every leaf item anywhere inside item, conditions ignored: label strings,
    version_dep and unresolved items (blockers are checks, not leaves)."""
    out = []
    stack = [item]
    for _ in range(1000000):
        if not stack:
            break
        x = stack.pop()
        k = kind_of(x)
        if k == "string" or k == "version_dep" or k == "unresolved":
            out.append(x)
        elif k == "list" or k == "tuple":
            stack.extend(list(x))
        elif k == "use_if":
            stack.extend(x.then)
            stack.extend(x.otherwise)
        elif k == "any_of":
            stack.extend(x.alternatives)
        elif k == "use_req" or k == "slot_op":
            stack.append(x.label)
    return out

def _labels_in(item):
    """All plain labels anywhere inside item (conditions ignored)."""
    out = []
    for x in _leaves(item):
        k = kind_of(x)
        if k == "string":
            out.append(x)
        elif k == "version_dep":
            out.append(x.package + ":" + x.package.split("/")[-1])
    return out

def _has_unresolved(item):
    return len([x for x in _leaves(item) if kind_of(x) == "unresolved"]) > 0

def resolve_use_requirement(req, use, iuse_flags, what):
    """Turns one atom USE dependency into "flag", "-flag" (keeping "(+)"/"(-)") or None."""
    default = ""
    if req.endswith("(+)") or req.endswith("(-)"):
        default = req[-3:]
        req = req[:-3]
    if req.endswith("?") or req.endswith("="):
        kind = req[-1]
        name = req[:-1]
        neg = name.startswith("!")
        if neg:
            name = name[1:]
        if name.endswith("(+)") or name.endswith("(-)"):
            default = name[-3:]
            name = name[:-3]
        if name not in iuse_flags:
            fail("{}: USE dependency {} refers to {} which is not in this package's IUSE".format(what, repr(req), repr(name)))
        on = name in use
        if kind == "?":
            if neg:
                return None if on else "-" + name + default
            return name + default if on else None
        want = (not on) if neg else on
        return (name if want else "-" + name) + default
    return req + default

def resolve_deps(items, use, iuse_flags, what):
    """Resolves a dependency list.

    Returns struct(labels, use_reqs = [(label, [reqs])], blockers = [(label, strong)],
    slot_ops = [(label, op)], alternatives = [[labels of each || group]], errors = [messages
    for selected items that cannot be resolved, e.g. a version_dep nothing matches]).
    """
    labels = []
    seen = {}
    use_reqs = []
    blockers = []
    slot_ops = []
    alternatives = []
    errors = []
    stack = list(reversed(items))
    for _ in range(1000000):
        if not stack:
            break
        item = stack.pop()
        k = kind_of(item)
        if k == "string":
            if item not in seen:
                seen[item] = True
                labels.append(item)
        elif k == "list" or k == "tuple":
            stack.extend(reversed(list(item)))
        elif k == "use_if":
            chosen = item.then if flag_is_on(item.flag, use, iuse_flags, what) else item.otherwise
            stack.extend(reversed(chosen))
        elif k == "any_of":
            if not item.alternatives:
                continue
            chosen = item.alternatives[0]
            for alt in item.alternatives:
                ok = not _has_unresolved(alt)
                for l in _labels_in(alt):
                    ok = ok and label_exists(l)
                if ok:
                    chosen = alt
                    break
            alternatives.append([_labels_in(a) for a in item.alternatives])
            stack.append(chosen)
        elif k == "blocker":
            if type(item.label) == "string" and "//" not in item.label:
                # A whole atom ("<cat/pkg-2:1[x]"); the macro matches it against the registry.
                blockers.append((item.label, item.strong))
                continue
            label, err = _label_of(item.label, what)
            if err != None:
                errors.append(what + ": " + err)
            else:
                blockers.append((label, item.strong))
        elif k == "unresolved":
            # Only now that USE selects it does it matter: this target fails at analysis.
            errors.append("{}: unresolved dependency {}: {}. Add a repository that has it, or turn off the USE flag that pulls it in (config/package_use.bzl).".format(what, item.atom, item.reason))
        elif k == "version_dep":
            label, err = _label_of(item, what)
            if err != None:
                # Only this target fails (at analysis), and only because it is selected.
                errors.append(what + ": " + err)
            else:
                stack.append(label)
        elif k == "slot_op":
            label, err = _label_of(item.label, what)
            if err != None:
                errors.append(what + ": " + err)
            else:
                slot_ops.append((label, item.op))
                stack.append(label)
        elif k == "use_req":
            label, err = _label_of(item.label, what)
            if err != None:
                errors.append(what + ": " + err)
                continue
            reqs = []
            for r in item.flags:
                resolved = resolve_use_requirement(r, use, iuse_flags, what)
                if resolved != None:
                    reqs.append(resolved)
            if reqs:
                use_reqs.append((label, reqs))
            stack.append(label)
        elif item == None:
            continue
        else:
            fail("{}: unsupported dependency item {}".format(what, repr(item)))
    return struct(labels = labels, use_reqs = use_reqs, blockers = blockers, slot_ops = slot_ops, alternatives = alternatives, errors = errors)
