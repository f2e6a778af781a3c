"""License groups and ACCEPT_LICENSE checks (Portage's license_groups, @FREE).

LICENSE_GROUPS is the repositories' own profiles/license_groups once `ebuild2buck sync` has
written packages/licenses_data.bzl; before the first sync (or when the repositories in play
define no groups) it is a built-in default modelled on Gentoo's. Groups may contain other
groups ("@GPL-COMPATIBLE").
"""

load("@root//defs/private:depspec.bzl", "evaluate", "tokenize")
load("@root//packages:licenses_data.bzl", _SYNCED_LICENSE_GROUPS = "LICENSE_GROUPS")

_BUILTIN_LICENSE_GROUPS = {
    "BINARY-REDISTRIBUTABLE": ["@FREE", "linux-fw-redistributable", "NVIDIA-r2", "intel-ucode"],
    "EULA": ["Microsoft-vscode", "NVIDIA-r2", "Oracle-BCLA-JavaSE"],
    "FREE": ["@FREE-SOFTWARE", "@FREE-DOCUMENTS"],
    "FREE-DOCUMENTS": ["CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC0-1.0", "FDL-1.1", "FDL-1.2", "FDL-1.3", "OPL"],
    "FREE-SOFTWARE": ["@FSF-APPROVED", "@OSI-APPROVED", "@MISC-FREE"],
    "FSF-APPROVED": ["@GPL-COMPATIBLE", "AFL-3.0", "Apache-1.0", "Apache-1.1", "CDDL", "CPL-1.0", "EPL-1.0", "EPL-2.0", "MPL-1.0", "MPL-1.1", "OpenSSL", "PHP-3.01", "QPL-1.0"],
    "GPL-COMPATIBLE": ["Apache-2.0", "Artistic-2", "BSD", "BSD-2", "Boost-1.0", "CC0-1.0", "GPL-1", "GPL-1+", "GPL-2", "GPL-2+", "GPL-3", "GPL-3+", "ISC", "LGPL-2", "LGPL-2+", "LGPL-2.1", "LGPL-2.1+", "LGPL-3", "LGPL-3+", "MIT", "MPL-2.0", "Unlicense", "ZLIB", "public-domain", "unicode", "Unicode-3.0", "Unicode-DFS-2016", "WTFPL-2", "X11", "0BSD"],
    "MISC-FREE": ["Info-ZIP", "Sleepycat", "UoI-NCSA", "HPND", "Vim", "libpng", "libpng2", "bzip2-1.0.6", "curl", "openssl", "tcltk", "Ruby", "PSF-2", "Artistic", "FTL", "OFL-1.1", "BSD-4", "SSLeay", "LPPL-1.3c", "MIT-with-advertising"],
    "OSI-APPROVED": ["@OSI-APPROVED-FREE", "Apache-2.0", "BSD", "BSD-2", "GPL-2", "GPL-3", "LGPL-2.1", "LGPL-3", "MIT", "MPL-2.0", "ISC", "Artistic-2", "EPL-2.0", "Boost-1.0", "ZLIB", "0BSD"],
    "OSI-APPROVED-FREE": ["AFL-3.0", "APSL-2", "CDDL", "CPL-1.0", "EPL-1.0", "MPL-1.1", "PSF-2", "UoI-NCSA"],
}

LICENSE_GROUPS = _SYNCED_LICENSE_GROUPS if _SYNCED_LICENSE_GROUPS else _BUILTIN_LICENSE_GROUPS

def expand_license_group(group):
    """All license names of a group ("@FREE" or "FREE"), nested groups expanded."""
    name = group.lstrip("@")
    if name not in LICENSE_GROUPS:
        fail("unknown license group @{} (known: {})".format(name, ", ".join(sorted(LICENSE_GROUPS.keys()))))
    out = {}
    seen = {}
    stack = [name]
    for _ in range(10000):
        if not stack:
            break
        g = stack.pop()
        if g in seen:
            continue
        seen[g] = True
        for item in LICENSE_GROUPS[g]:
            if item.startswith("@"):
                if item[1:] not in LICENSE_GROUPS:
                    fail("license group @{} names unknown group {}".format(g, item))
                stack.append(item[1:])
            else:
                out[item] = True
    return sorted(out.keys())

def accepted_licenses(accept):
    """ACCEPT_LICENSE tokens ("-* @FREE GPL-2 -foo") -> struct(all, names)."""
    names = {}
    all_ok = False
    for tok in accept:
        neg = tok.startswith("-")
        body = tok[1:] if neg else tok
        if body == "*":
            all_ok = not neg
            if neg:
                names = {}
            continue
        members = expand_license_group(body) if body.startswith("@") else [body]
        for m in members:
            if neg:
                names[m] = False
            else:
                names[m] = True
    return struct(all = all_ok, names = names)

def license_accepted(license, accept, use = []):
    """Whether the LICENSE expression is acceptable under ACCEPT_LICENSE tokens.

    `|| ( a b )` needs one accepted alternative; `flag? ( )` follows use.
    """
    acc = accepted_licenses(accept)

    def ok(name):
        if name in acc.names:
            return acc.names[name]
        return acc.all

    def flag_on(flag):
        return flag in use

    return evaluate(license, flag_on, ok, "LICENSE").ok

def check_license(package, license, accept = ["@FREE"], use = []):
    """Fails when package's LICENSE is not accepted (Portage's "license masked")."""
    if not license_accepted(license, accept, use):
        fail("{}: LICENSE \"{}\" is not accepted by ACCEPT_LICENSE=\"{}\"".format(package, " ".join(tokenize(license)), " ".join(accept)))

def check_license_expression(license):
    """Validates LICENSE syntax; returns the tokens."""
    def anything(_):
        return True

    evaluate(license, anything, anything, "LICENSE")
    return tokenize(license)
