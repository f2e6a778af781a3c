"""Package sets and system profiles (Portage's @system, @world, make.profile).

A set holds labels. Each profile, task set and desktop set comes from one of two places:

* `ebuild2buck sync` resolved it: packages/sets_data.bzl has SETS[name] (the atoms of a
  sets/NAME file of a repository, e.g. overlays/buckos/sets, resolved to the default
  labels of their packages) and UNRESOLVED[name] (its atoms whose package the workspace
  lacks). The synced resolution replaces the built-in list of the same name.
* otherwise the built-in lists below, which name packages by the cell layout of
  docs/CELLS.md (sys-apps/coreutils -> core//coreutils:coreutils).

A member whose package the workspace lacks (a built-in label not in
packages/registry_data.bzl, or an atom sync could not resolve) is left out of the set and
recorded as a label "buckos:missing:<label or atom>" on the set target, so loading and
building a set never fails because the workspace is partial. Members you name yourself
(packages, additions) are always kept.

@system (SYSTEM_PACKAGES) is the @system set sync computed from the repositories'
default profile (SETS["system"], when SYSTEM_PROFILE names one); without one it is the
"minimal" profile.
"""

load("@root//defs/private:registry.bzl", "package_key", "registry")
load("@root//defs/rules:package_set.bzl", "package_set_rule")
load("@root//packages:sets_data.bzl", "SETS", "SYSTEM_PROFILE", "UNRESOLVED")

# Built-in profiles (make.profile): what each adds on top of the profiles it inherits.
# PROFILE_INHERITS also applies to synced profiles.
PROFILE_INHERITS = {
    "container": [],
    "desktop": ["server"],
    "developer": ["server"],
    "embedded": [],
    "hardened": ["server"],
    "minimal": [],
    "server": ["minimal"],
}

PROFILES = {
    "container": [
        "core//baselayout:baselayout",
        "core//busybox:busybox",
        "core//glibc:glibc",
        "core//ca-certificates:ca-certificates",
    ],
    "desktop": [
        "graphics//xorg-server:xorg-server",
        "graphics//mesa:mesa",
        "media//pipewire:pipewire",
        "desktop//xdg-utils:xdg-utils",
        "fonts//dejavu:dejavu",
        "www//firefox:firefox",
    ],
    "developer": [
        "dev-tools//gcc:gcc",
        "dev-tools//binutils:binutils",
        "dev-tools//make:make",
        "dev-tools//cmake:cmake",
        "dev-tools//meson:meson",
        "dev-tools//git:git",
        "dev-tools//gdb:gdb",
        "lang//python:python",
        "lang//perl:perl",
        "lang//rust:rust",
        "lang//go:go",
        "editors//vim:vim",
    ],
    "embedded": [
        "core//busybox:busybox",
        "core//musl:musl",
        "core//baselayout:baselayout",
    ],
    "hardened": [
        "system//sudo:sudo",
        "system//audit:audit",
        "system//libselinux:libselinux",
        "network//nftables:nftables",
        "system//aide:aide",
    ],
    "minimal": [
        "core//baselayout:baselayout",
        "core//glibc:glibc",
        "core//zlib:zlib",
        "core//ncurses:ncurses",
        "core//readline:readline",
        "core//coreutils:coreutils",
        "core//util-linux:util-linux",
        "core//busybox:busybox",
        "core//grep:grep",
        "core//findutils:findutils",
        "core//diffutils:diffutils",
        "core//file:file",
        "core//less:less",
        "core//bzip2:bzip2",
        "core//gzip:gzip",
        "core//xz-utils:xz-utils",
        "shells//bash:bash",
        "editors//sed:sed",
        "kernel//linux-headers:linux-headers",
    ],
    "server": [
        "network//openssh:openssh",
        "network//iproute2:iproute2",
        "network//curl:curl",
        "dev-libs//openssl:openssl",
        "system//logrotate:logrotate",
        "system//cronie:cronie",
        "core//shadow:shadow",
        "core//procps:procps",
    ],
}

TASK_SETS = {
    "container-host": ["emulation//podman:podman", "emulation//containerd:containerd", "emulation//runc:runc", "emulation//crun:crun"],
    "database-server": ["databases//postgresql:postgresql", "databases//mariadb:mariadb", "databases//redis:redis", "databases//sqlite:sqlite"],
    "monitoring": ["system//prometheus:prometheus", "network//net-snmp:net-snmp", "system//htop:htop", "system//sysstat:sysstat"],
    "virtualization-host": ["emulation//qemu:qemu", "emulation//libvirt:libvirt", "emulation//cloud-hypervisor:cloud-hypervisor"],
    "vpn-server": ["network//wireguard-tools:wireguard-tools", "network//openvpn:openvpn", "network//strongswan:strongswan"],
    "web-server": ["www//nginx:nginx", "www//apache:apache", "dev-libs//openssl:openssl", "network//certbot:certbot"],
}

DESKTOP_SETS = {
    "gnome-desktop": ["desktop//gnome-shell:gnome-shell", "desktop//nautilus:nautilus", "desktop//gdm:gdm", "desktop//gnome-terminal:gnome-terminal"],
    "i3-desktop": ["desktop//i3:i3", "desktop//i3status:i3status", "graphics//dmenu:dmenu", "terminals//xterm:xterm"],
    "kde-desktop": ["desktop//plasma-desktop:plasma-desktop", "desktop//dolphin:dolphin", "desktop//konsole:konsole", "desktop//sddm:sddm"],
    "sway-desktop": ["desktop//sway:sway", "desktop//swaybg:swaybg", "desktop//waybar:waybar", "terminals//foot:foot"],
    "xfce-desktop": ["desktop//xfce4-session:xfce4-session", "desktop//xfwm4:xfwm4", "desktop//thunar:thunar", "desktop//xfce4-terminal:xfce4-terminal"],
}

def _present(label):
    """Whether a member's package exists in the workspace registry."""
    key = package_key(label)
    return key == None or key in registry()

def _resolved(name, builtin):
    """(labels, unresolved atoms) of one set: sync's resolution if it wrote one, else the built-in labels."""
    if name in SETS:
        return (SETS[name], UNRESOLVED.get(name, []))
    return (builtin, [])

def _merge(parts):
    """Concatenates (labels, atoms) pairs, keeping the first of each."""
    labels = []
    atoms = []
    for part in parts:
        for label in part[0]:
            if label not in labels:
                labels.append(label)
        for a in part[1]:
            if a not in atoms:
                atoms.append(a)
    return (labels, atoms)

def _profile(profile):
    """(labels, unresolved atoms) of a profile, its inherited profiles first."""
    if profile not in PROFILES:
        fail("unknown profile {} (known: {})".format(repr(profile), ", ".join(sorted(PROFILES.keys()))))
    order = []
    stack = [profile]
    for _ in range(100):
        if not stack:
            break
        p = stack.pop()
        if p in order:
            continue
        order.insert(0, p)
        stack.extend(PROFILE_INHERITS[p])
    return _merge([_resolved(p, PROFILES[p]) for p in order])

def _system():
    if SYSTEM_PROFILE != "" and "system" in SETS:
        return _resolved("system", [])
    return _profile("minimal")

_SYSTEM = _system()

def _named(set_name):
    """(labels, unresolved atoms) of "@web-server", "@server" (a profile), "@system" or any synced set."""
    n = set_name.lstrip("@")
    if n in TASK_SETS:
        return _resolved(n, TASK_SETS[n])
    if n in DESKTOP_SETS:
        return _resolved(n, DESKTOP_SETS[n])
    if n in PROFILES:
        return _profile(n)
    if n == "system":
        return _SYSTEM
    if n in SETS:
        return _resolved(n, [])
    fail("unknown set {} (tasks: {}; desktops: {}; profiles: {}; synced: {})".format(
        repr(set_name),
        ", ".join(sorted(TASK_SETS.keys())),
        ", ".join(sorted(DESKTOP_SETS.keys())),
        ", ".join(sorted(PROFILES.keys())),
        ", ".join(sorted(SETS.keys())) or "none",
    ))

def profile_packages(profile):
    """Every label of a profile, its inherited profiles first (synced or built-in, unfiltered)."""
    return list(_profile(profile)[0])

def named_set_packages(set_name):
    """The labels of "@web-server", "@gnome-desktop", "@server" (a profile), "@system" and so on."""
    return list(_named(set_name)[0])

def _declare(name, builtin, explicit, removals, description, visibility, labels):
    """builtin: (labels, unresolved atoms) from profiles and named sets."""
    members = []
    missing = []
    removed = {r: True for r in removals}
    for label in builtin[0]:
        if label in removed or label in members:
            continue
        if _present(label):
            members.append(label)
        elif label not in missing:
            missing.append(label)
    for a in builtin[1]:
        if a not in removed and a not in missing:
            missing.append(a)
    for label in explicit:
        if label not in removed and label not in members:
            members.append(label)
    package_set_rule(
        name = name,
        packages = members,
        members = members,
        description = description,
        labels = labels + ["buckos:set"] + ["buckos:missing:" + m for m in missing],
        visibility = visibility,
    )

def package_set(name, packages = [], sets = [], removals = [], description = "", visibility = ["PUBLIC"], labels = []):
    """A set of explicit packages plus named sets ("@web-server") or set targets (":x")."""
    named = []
    explicit = list(packages)
    for s in sets:
        if s.startswith("@"):
            named.append(_named(s))
        else:
            explicit.append(s)
    _declare(name, _merge(named), explicit, removals, description, visibility, labels)

def system_set(name, profile, additions = [], removals = [], description = "", visibility = ["PUBLIC"], labels = []):
    """A system from a profile (minimal server desktop developer hardened embedded container)."""
    _declare(name, _profile(profile), additions, removals, description or "profile " + profile, visibility, labels + ["buckos:profile:" + profile])

def combined_set(name, sets, additions = [], removals = [], description = "", visibility = ["PUBLIC"], labels = []):
    """The union of sets: names like "@web-server" or labels of package_set targets."""
    package_set(name = name, packages = additions, sets = sets, removals = removals, description = description, visibility = visibility, labels = labels)

def task_set(name, task, additions = [], removals = [], visibility = ["PUBLIC"]):
    """One of TASK_SETS (web-server, database-server, container-host, ...)."""
    if task not in TASK_SETS:
        fail("unknown task set {} (known: {})".format(repr(task), ", ".join(sorted(TASK_SETS.keys()))))
    _declare(name, _resolved(task, TASK_SETS[task]), additions, removals, "task " + task, visibility, ["buckos:task:" + task])

def desktop_set(name, desktop, additions = [], removals = [], visibility = ["PUBLIC"]):
    """One of DESKTOP_SETS (gnome-desktop, kde-desktop, xfce-desktop, sway-desktop, i3-desktop)."""
    if desktop not in DESKTOP_SETS:
        fail("unknown desktop set {} (known: {})".format(repr(desktop), ", ".join(sorted(DESKTOP_SETS.keys()))))
    _declare(name, _resolved(desktop, DESKTOP_SETS[desktop]), additions, removals, "desktop " + desktop, visibility, ["buckos:desktop:" + desktop])

# Portage's @system: sync's SETS["system"] when it found a default profile, else the
# "minimal" profile (synced or built-in). Unfiltered: members may be missing.
SYSTEM_PACKAGES = _SYSTEM[0]
