"""The download_source rule: one verified distfile (Gentoo's DISTDIR entry)."""

load("@root//defs/private:providers.bzl", "DistfileInfo")

def _download_impl(ctx):
    a = ctx.attrs
    out = ctx.actions.declare_output(a.filename)
    args = ["bash", a._script, "--out", out.as_output(), "--name", a.filename]
    for u in a.src_uri:
        args.extend(["--uri", u])
    for m in a.mirrors:
        args.extend(["--mirror", m])
    for r in a.restrict:
        args.extend(["--restrict", r])
    for flag, value in [("--sha256", a.sha256), ("--sha512", a.sha512), ("--blake2b", a.blake2b), ("--signature-uri", a.signature_uri), ("--gpg-key", a.gpg_key), ("--distdir", a.distdir)]:
        if value:
            args.extend([flag, value])
    if a.size != None:
        args.extend(["--size", str(a.size)])
    if a.gpg_keyring != None:
        args.extend(["--keyring", a.gpg_keyring])
    if a.auto_detect_signature:
        args.append("--auto-detect-signature")
    args.extend(["--verify-signatures", "1" if a.verify_signatures else "0"])
    # Downloads need the network and the local distfiles directory: local only.
    ctx.actions.run(cmd_args(args), category = "download", identifier = a.filename, local_only = True)
    return [
        DefaultInfo(default_output = out),
        DistfileInfo(name = a.filename, file = out, restrict = a.restrict),
    ]

download_source_rule = rule(
    impl = _download_impl,
    attrs = {
        "auto_detect_signature": attrs.bool(default = False),
        "blake2b": attrs.string(default = ""),
        "distdir": attrs.string(default = ""),
        "filename": attrs.string(),
        "gpg_key": attrs.string(default = ""),
        "gpg_keyring": attrs.option(attrs.source(), default = None),
        "labels": attrs.list(attrs.string(), default = []),
        "mirrors": attrs.list(attrs.string(), default = []),
        "restrict": attrs.list(attrs.string(), default = []),
        "sha256": attrs.string(default = ""),
        "sha512": attrs.string(default = ""),
        "signature_uri": attrs.string(default = ""),
        "size": attrs.option(attrs.int(), default = None),
        "src_uri": attrs.list(attrs.string(), default = []),
        "verify_signatures": attrs.bool(default = True),
        "_script": attrs.source(default = "root//defs/scripts:download.sh"),
    },
    doc = "Fetches one distfile (local distdir, then mirrors, then src_uri) and verifies size, SHA512, BLAKE2B, SHA256 and optionally a GPG signature.",
)
