package defs_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// shared returns $BUCKOS_SHARED/distfiles, skipping without the variable and failing
// when it is set but the data is missing.
func distfiles(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("BUCKOS_SHARED")
	if dir == "" {
		t.Skip("BUCKOS_SHARED is not set: this test needs $BUCKOS_SHARED/distfiles (lz4-1.10.0.tar.gz, bzip2-1.0.8.tar.gz, MANIFEST.tsv)")
	}
	d := filepath.Join(dir, "distfiles")
	for _, f := range []string{"MANIFEST.tsv", "lz4-1.10.0.tar.gz", "bzip2-1.0.8.tar.gz"} {
		if _, err := os.Stat(filepath.Join(d, f)); err != nil {
			t.Fatalf("BUCKOS_SHARED is set but the distfiles are missing: %v", err)
		}
	}
	return d
}

type manifestRow struct {
	size    string
	sha512  string
	blake2b string
}

// manifest reads MANIFEST.tsv (gentoo_distfile, size, sha512, blake2b, ...).
func manifest(t *testing.T, dir string) map[string]manifestRow {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[string]manifestRow{}
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		cols := strings.Split(s.Text(), "\t")
		if len(cols) < 4 || cols[0] == "gentoo_distfile" {
			continue
		}
		rows[cols[0]] = manifestRow{size: cols[1], sha512: cols[2], blake2b: cols[3]}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

func fileDigests(t *testing.T, path string) (sha256hex, sha512hex string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a := sha256.Sum256(b)
	c := sha512.Sum512(b)
	return hex.EncodeToString(a[:]), hex.EncodeToString(c[:])
}

func script(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("scripts", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, ctx context.Context, dir string, env []string, name string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "bash", append([]string{name}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

func TestDownload(t *testing.T) {
	dist := distfiles(t)
	rows := manifest(t, dist)
	const name = "lz4-1.10.0.tar.gz"
	row, ok := rows[name]
	if !ok {
		t.Fatalf("MANIFEST.tsv has no row for %s", name)
	}
	sha256hex, sha512hex := fileDigests(t, filepath.Join(dist, name))
	if sha512hex != row.sha512 {
		t.Fatalf("%s: sha512 of the file %s differs from MANIFEST.tsv %s", name, sha512hex, row.sha512)
	}
	wrong := strings.Repeat("0", 128)

	tests := []struct {
		name     string
		args     []string
		env      []string
		wantOK   bool
		wantErrs []string // substrings of stderr, in order
	}{
		{
			name:   "manifest checksums from distdir",
			args:   []string{"--name", name, "--distdir", dist, "--size", row.size, "--sha512", row.sha512, "--blake2b", row.blake2b},
			wantOK: true,
		},
		{
			name:   "sha256 only",
			args:   []string{"--name", name, "--distdir", dist, "--sha256", sha256hex},
			wantOK: true,
		},
		{
			name:   "upper-case hex is accepted",
			args:   []string{"--name", name, "--distdir", dist, "--sha512", strings.ToUpper(row.sha512)},
			wantOK: true,
		},
		{
			name:     "wrong sha512",
			args:     []string{"--name", name, "--distdir", dist, "--sha512", wrong, "--blake2b", row.blake2b},
			wantErrs: []string{"✗ Checksum verification FAILED", "Algorithm: SHA512", "Expected: " + wrong, "Actual:   " + row.sha512, "File:     " + name, "Could not obtain a verified copy of " + name},
		},
		{
			name:     "wrong blake2b",
			args:     []string{"--name", name, "--distdir", dist, "--sha512", row.sha512, "--blake2b", wrong},
			wantErrs: []string{"✗ Checksum verification FAILED", "Algorithm: BLAKE2B", "Expected: " + wrong, "Actual:   " + row.blake2b, "File:     " + name},
		},
		{
			name:     "wrong size",
			args:     []string{"--name", name, "--distdir", dist, "--size", "1", "--sha512", row.sha512},
			wantErrs: []string{"Algorithm: SIZE", "Expected: 1", "Actual:   " + row.size},
		},
		{
			name:     "no checksum",
			args:     []string{"--name", name, "--distdir", dist},
			wantErrs: []string{"no checksum given"},
		},
		{
			name:     "fetch restricted and absent",
			args:     []string{"--name", "not-here-1.0.tar.gz", "--distdir", dist, "--sha512", row.sha512, "--restrict", "fetch", "--uri", "https://example.invalid/not-here-1.0.tar.gz"},
			wantErrs: []string{"fetch-restricted", "put it in the distfiles directory"},
		},
		{
			name:     "gpg key without a signature file fails when verification is on",
			args:     []string{"--name", name, "--distdir", dist, "--sha512", row.sha512, "--gpg-key", "ABCD1234", "--signature-uri", "file:///nonexistent/" + name + ".asc"},
			wantErrs: []string{"Signature verification FAILED", "no signature found"},
		},
		{
			name:   "BUCKOS_VERIFY_SIGNATURES=0 turns the signature check off",
			args:   []string{"--name", name, "--distdir", dist, "--sha512", row.sha512, "--gpg-key", "ABCD1234", "--signature-uri", "file:///nonexistent/" + name + ".asc"},
			env:    []string{"BUCKOS_VERIFY_SIGNATURES=0"},
			wantOK: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out", name)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			_, stderr, err := run(t, ctx, t.TempDir(), tc.env, script(t, "download.sh"), append([]string{"--out", out}, tc.args...)...)
			if tc.wantOK {
				if err != nil {
					t.Fatalf("download.sh failed: %v\n%s", err, stderr)
				}
				_, got := fileDigests(t, out)
				if diff := cmp.Diff(row.sha512, got); diff != "" {
					t.Errorf("output sha512 (-want +got):\n%s", diff)
				}
				return
			}
			if err == nil {
				t.Fatalf("download.sh succeeded, want failure\n%s", stderr)
			}
			if _, statErr := os.Stat(out); statErr == nil {
				t.Errorf("a failed download left %s behind", out)
			}
			rest := stderr
			for _, want := range tc.wantErrs {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("stderr lacks %q (in order):\n%s", want, stderr)
				}
				rest = rest[i+len(want):]
			}
		})
	}
}

// ebuildFile writes the package definition the package rule would write.
func ebuildFile(t *testing.T, dir string, lines ...string) string {
	t.Helper()
	p := filepath.Join(dir, "ebuild.sh")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runner(t *testing.T, ctx context.Context, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	stdout, stderr, err := run(t, ctx, dir, env, script(t, "phase_runner.sh"), args...)
	return stdout + stderr, err
}

func TestPhaseRunnerMakeLz4(t *testing.T) {
	dist := distfiles(t)
	t.Parallel()
	dir := t.TempDir()
	eb := ebuildFile(t, dir,
		"CATEGORY='app-arch' PN='lz4' PV='1.10.0' PR='r0' PVR='1.10.0' PF='lz4-1.10.0' P='lz4-1.10.0' SLOT='0' EAPI='8'",
		"IUSE='+static-libs test' IUSE_EFFECTIVE='static-libs test' USE='' RESTRICT='test'",
		"BUCKOS_BUILD_SYSTEM='make'",
		"BUCKOS_INSTALL_ARGS=('BUILD_STATIC=no')",
		"DOCS=('README.md')",
	)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	img := filepath.Join(dir, "image")
	logs := filepath.Join(dir, "logs")
	out, err := runner(t, ctx, dir, nil, "--image", img, "--logs", logs, "--ebuild", eb,
		"--distfile", filepath.Join(dist, "lz4-1.10.0.tar.gz"), "--toolchain-mode", "host")
	if err != nil {
		t.Fatalf("phase runner failed: %v\n%s", err, out)
	}
	bin := filepath.Join(img, "usr", "bin", "lz4")
	v, err := exec.Command(bin, "-V").CombinedOutput()
	if err != nil {
		t.Fatalf("%s -V: %v\n%s", bin, err, v)
	}
	if !strings.Contains(string(v), "v1.10.0") {
		t.Errorf("lz4 -V = %q, want v1.10.0", v)
	}
	for _, want := range []string{"usr/include/lz4.h", "usr/lib64/liblz4.so.1.10.0", "usr/share/doc/lz4-1.10.0/README.md"} {
		if _, err := os.Stat(filepath.Join(img, want)); err != nil {
			t.Errorf("image lacks %s: %v", want, err)
		}
	}
	// USE=-static-libs: install_args BUILD_STATIC=no keeps the static library out.
	if _, err := os.Stat(filepath.Join(img, "usr", "lib64", "liblz4.a")); err == nil {
		t.Errorf("image has usr/lib64/liblz4.a although BUILD_STATIC=no was passed")
	}
	var gotLogs []string
	for _, ph := range []string{"pkg_setup", "src_unpack", "src_prepare", "src_configure", "src_compile", "src_test", "src_install"} {
		if _, err := os.Stat(filepath.Join(logs, ph+".log")); err == nil {
			gotLogs = append(gotLogs, ph)
		}
	}
	// src_test is skipped: RESTRICT=test and tests not requested.
	if diff := cmp.Diff([]string{"pkg_setup", "src_unpack", "src_prepare", "src_configure", "src_compile", "src_install"}, gotLogs); diff != "" {
		t.Errorf("per-phase logs (-want +got):\n%s", diff)
	}
}

func TestPhaseRunnerVerbatimBzip2(t *testing.T) {
	dist := distfiles(t)
	t.Parallel()
	dir := t.TempDir()
	patch, err := filepath.Abs(filepath.Join("..", "packages", "linux", "examples", "bzip2", "files", "buckos-version.patch"))
	if err != nil {
		t.Fatal(err)
	}
	eb := ebuildFile(t, dir,
		"CATEGORY='app-arch' PN='bzip2' PV='1.0.8' PR='r0' PVR='1.0.8' PF='bzip2-1.0.8' P='bzip2-1.0.8' SLOT='0/1' EAPI='8'",
		"IUSE='+shared' IUSE_EFFECTIVE='shared' USE='shared' RESTRICT=''",
		"BUCKOS_BUILD_SYSTEM='ebuild'",
		`buckos_pre_src_configure() {`,
		`	eapply -p1 "${FILESDIR}/buckos-version.patch"`,
		`}`,
		`src_compile() {`,
		`	emake CC="$(tc-getCC)" AR="$(tc-getAR)" RANLIB="$(tc-getRANLIB)" CFLAGS="${CFLAGS} -fPIC" libbz2.a bzip2 bzip2recover`,
		`	use shared && emake -f Makefile-libbz2_so CC="$(tc-getCC)" CFLAGS="${CFLAGS} -fPIC" all`,
		`}`,
		`src_install() {`,
		`	dobin bzip2 bzip2recover`,
		`	dosym bzip2 /usr/bin/bunzip2`,
		`	doheader bzlib.h`,
		`	dolib.a libbz2.a`,
		`	newlib.so libbz2.so.1.0.8 libbz2.so.1.0.8`,
		`	dosym -r /usr/$(get_libdir)/libbz2.so.1.0.8 /usr/$(get_libdir)/libbz2.so.1`,
		`	doman bzip2.1`,
		`	einstalldocs`,
		`	insinto /usr/share/${PN}`,
		`	echo "${PVR} $(usex shared yes no) $(use_enable shared) $(ver_cut 1-2)" > "${T}/ver.txt"`,
		`	doins "${T}/ver.txt"`,
		`}`,
	)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	img := filepath.Join(dir, "image")
	out, err := runner(t, ctx, dir, nil, "--image", img, "--logs", filepath.Join(dir, "logs"), "--ebuild", eb,
		"--distfile", filepath.Join(dist, "bzip2-1.0.8.tar.gz"), "--file", "files/buckos-version.patch", patch)
	if err != nil {
		t.Fatalf("phase runner failed: %v\n%s", err, out)
	}
	for _, want := range []string{"usr/bin/bzip2", "usr/bin/bzip2recover", "usr/include/bzlib.h", "usr/lib64/libbz2.a", "usr/lib64/libbz2.so.1.0.8", "usr/share/man/man1/bzip2.1", "usr/share/doc/bzip2-1.0.8/README"} {
		if _, err := os.Stat(filepath.Join(img, want)); err != nil {
			t.Errorf("image lacks %s: %v", want, err)
		}
	}
	for link, target := range map[string]string{"usr/bin/bunzip2": "bzip2", "usr/lib64/libbz2.so.1": "libbz2.so.1.0.8"} {
		got, err := os.Readlink(filepath.Join(img, link))
		if err != nil || got != target {
			t.Errorf("readlink %s = %q, %v; want %q", link, got, err, target)
		}
	}
	ver, err := os.ReadFile(filepath.Join(img, "usr", "share", "bzip2", "ver.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("1.0.8 yes --enable-shared 1.0\n", string(ver)); diff != "" {
		t.Errorf("helpers usex/use_enable/ver_cut (-want +got):\n%s", diff)
	}
	// The epatch hook applied the patch before src_configure.
	log, err := os.ReadFile(filepath.Join(dir, "logs", "src_configure.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "Applying buckos-version.patch") {
		t.Errorf("src_configure.log does not show the epatch hook:\n%s", log)
	}
}

func TestPhaseRunnerFailureReport(t *testing.T) {
	tests := []struct {
		name  string
		phase string
		body  string
		want  []string
	}{
		{
			name:  "missing pkg-config module",
			phase: "src_configure",
			body:  `echo "Package 'libfoo', required by 'virtual:world', not found"; die "configure failed"`,
			want:  []string{"✗ Build phase 'src_configure' FAILED (exit code: 1)", "Package: app-misc/broken-1", "Category: app-misc", "DETECTED: Missing pkg-config dependency", "Package 'libfoo'", "Common fixes for src_configure:"},
		},
		{
			name:  "meson boolean format",
			phase: "src_configure",
			body:  `echo 'meson.build:1:0: ERROR: Value "true" (of type "boolean") for combo option "x" is not one of the choices. Possible choices are: "enabled", "disabled", "auto".'; die`,
			want:  []string{"DETECTED: Meson boolean format error (Meson 1.0+)", "Fix: Replace true/false with enabled/disabled/auto in meson_args"},
		},
		{
			name:  "meson unknown option",
			phase: "src_configure",
			body:  `echo 'meson.build:1:0: ERROR: Unknown options: "frobnicate"'; die`,
			want:  []string{"DETECTED: Meson unknown option"},
		},
		{
			name:  "cmake compatibility",
			phase: "src_configure",
			body:  `echo 'CMake Error at CMakeLists.txt:1 (cmake_minimum_required):'; echo '  Compatibility with CMake < 3.5 has been removed from CMake.'; die`,
			want:  []string{"DETECTED: CMake compatibility issue", "CMAKE_POLICY_VERSION_MINIMUM"},
		},
		{
			name:  "missing tool",
			phase: "src_compile",
			body:  `frobnicator-tool --version || die "no tool"`,
			want:  []string{"✗ Build phase 'src_compile' FAILED", "DETECTED: Missing tool", "bdepend"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			eb := ebuildFile(t, dir,
				"CATEGORY='app-misc' PN='broken' PV='1' PR='r0' PVR='1' PF='broken-1' P='broken-1' SLOT='0' EAPI='8'",
				"IUSE_EFFECTIVE='' USE='' RESTRICT=''", "BUCKOS_BUILD_SYSTEM='ebuild'",
				tc.phase+"() {", tc.body, "}")
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			logs := filepath.Join(dir, "logs")
			out, err := runner(t, ctx, dir, nil, "--image", filepath.Join(dir, "image"), "--logs", logs, "--ebuild", eb)
			if err == nil {
				t.Fatalf("phase runner succeeded, want failure:\n%s", out)
			}
			rest := out
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (in order):\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			if _, err := os.Stat(filepath.Join(logs, tc.phase+".log")); err != nil {
				t.Errorf("no %s.log in the logs directory: %v", tc.phase, err)
			}
		})
	}
}

// TestNetworkIsolation starts a TCP listener on the host's loopback and checks that a
// build phase cannot reach it (a new network namespace has its own, unconfigured lo),
// while the same connection works outside the runner.
func TestNetworkIsolation(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	probe := fmt.Sprintf(`exec 3<>/dev/tcp/127.0.0.1/%d`, port)
	if out, err := exec.Command("bash", "-c", probe).CombinedOutput(); err != nil {
		t.Fatalf("sanity check: the listener is not reachable from the host: %v\n%s", err, out)
	}

	if err := exec.Command("unshare", "--map-root-user", "--net", "--", "true").Run(); err != nil {
		// No user namespaces here: the runner must refuse to build unless allowed.
		dir := t.TempDir()
		eb := ebuildFile(t, dir, "CATEGORY='a' PN='b' PV='1' PR='r0' PVR='1' PF='b-1' P='b-1' SLOT='0' EAPI='8'", "IUSE_EFFECTIVE='' USE=''")
		out, err := runner(t, context.Background(), dir, []string{"BUCKOS_ALLOW_NETWORK_IN_BUILD="}, "--image", filepath.Join(dir, "image"), "--ebuild", eb)
		if err == nil || !strings.Contains(out, "Network isolation is unavailable") {
			t.Fatalf("without user namespaces the runner must fail loudly; err=%v\n%s", err, out)
		}
		return
	}

	dir := t.TempDir()
	marker := filepath.Join(dir, "reached")
	eb := ebuildFile(t, dir,
		"CATEGORY='app-misc' PN='netprobe' PV='1' PR='r0' PVR='1' PF='netprobe-1' P='netprobe-1' SLOT='0' EAPI='8'",
		"IUSE_EFFECTIVE='' USE='' RESTRICT=''", "BUCKOS_BUILD_SYSTEM='ebuild'",
		"src_compile() {",
		"	if ( "+probe+" ) 2>/dev/null; then echo reached > "+marker+"; fi",
		"	awk 'NR > 2 {print $1}' /proc/net/dev > \"${T}/ifaces\"",
		"	mkdir -p \"${D}/usr/share\" && cp \"${T}/ifaces\" \"${D}/usr/share/ifaces\"",
		"}",
	)
	out, err := runner(t, context.Background(), dir, nil, "--image", filepath.Join(dir, "image"), "--ebuild", eb)
	if err != nil {
		t.Fatalf("phase runner failed: %v\n%s", err, out)
	}
	if !strings.Contains(out, "network-isolated") {
		t.Errorf("runner did not say it runs network-isolated:\n%s", out)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("a build phase reached 127.0.0.1:%d on the host: network isolation does not work", port)
	}
	ifaces, err := os.ReadFile(filepath.Join(dir, "image", "usr", "share", "ifaces"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("lo:\n", string(ifaces)); diff != "" {
		t.Errorf("interfaces inside the build (-want +got):\n%s", diff)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPhaseRunnerInherit checks PMS inherit semantics on eclasses written here:
// EXPORT_FUNCTIONS, nested inherit, the later export winning, the ebuild's own
// functions winning over exports, and an eclass whose global scope dies being skipped.
func TestPhaseRunnerInherit(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"eclass/base.eclass": `EXPORT_FUNCTIONS src_compile src_install
BASE_GLOBAL=set-by-base
base_src_compile() { echo "base_src_compile ECLASS=${ECLASS:-none}" > "${T}/compiled"; }
base_src_install() { mkdir -p "${D}/usr/share/x"; echo "${INHERITED}" > "${D}/usr/share/x/inherited"; }
`,
		"eclass/child.eclass": `inherit base
EXPORT_FUNCTIONS src_install
child_src_install() { base_src_install; echo "child ${BASE_GLOBAL}" >> "${D}/usr/share/x/inherited"; cp "${T}/compiled" "${D}/usr/share/x/"; }
child_src_configure() { echo "must not run: not exported" > "${D}/wrong"; }
`,
		"eclass/needy.eclass": `[[ -n ${NEEDED_VAR} ]] || die "needy.eclass: NEEDED_VAR is not set"
EXPORT_FUNCTIONS src_configure
needy_src_configure() { echo "must not run" > "${D}/needy"; }
`,
	})
	eb := ebuildFile(t, dir,
		"CATEGORY='app-misc' PN='inh' PV='1' PR='r0' PVR='1' PF='inh-1' P='inh-1' SLOT='0' EAPI='8'",
		"IUSE_EFFECTIVE='' USE='' RESTRICT='' INHERITED='child needy' BUCKOS_BUILD_SYSTEM='ebuild'",
		"inherit child needy",
		"src_unpack() { mkdir -p \"${S}\"; }",
	)
	out, err := runner(t, context.Background(), dir, nil, "--image", filepath.Join(dir, "image"), "--logs", filepath.Join(dir, "logs"), "--ebuild", eb,
		"--eclass", filepath.Join(dir, "eclass", "base.eclass"), "--eclass", filepath.Join(dir, "eclass", "child.eclass"), "--eclass", filepath.Join(dir, "eclass", "needy.eclass"))
	if err != nil {
		t.Fatalf("phase runner failed: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "image", "usr", "share", "x", "inherited"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("child needy base\nchild set-by-base\n", string(got)); diff != "" {
		t.Errorf("INHERITED and the exported src_install (-want +got):\n%s", diff)
	}
	compiled, err := os.ReadFile(filepath.Join(dir, "image", "usr", "share", "x", "compiled"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("base_src_compile ECLASS=none\n", string(compiled)); diff != "" {
		t.Errorf("exported src_compile (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"wrong", "needy"} {
		if _, err := os.Stat(filepath.Join(dir, "image", bad)); err == nil {
			t.Errorf("image has %s: a function that must not run ran", bad)
		}
	}
	setup, err := os.ReadFile(filepath.Join(dir, "logs", "setup.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(setup), "needy.eclass fails outside the ebuild's global scope") {
		t.Errorf("setup.log does not explain the skipped eclass:\n%s", setup)
	}
}

// TestPhaseRunnerCorpusEclasses builds lz4 through the real multilib-minimal,
// multilib-build and toolchain-funcs eclasses of the corpus, as a generated package
// whose eclass_srcs come from packages/eclasses/REPO does.
func TestPhaseRunnerCorpusEclasses(t *testing.T) {
	dist := distfiles(t)
	eclassDir := filepath.Join(os.Getenv("BUCKOS_SHARED"), "corpus", "gentoo", "eclass")
	ents, err := os.ReadDir(eclassDir)
	if err != nil {
		t.Fatalf("BUCKOS_SHARED is set but the corpus eclasses are missing: %v", err)
	}
	t.Parallel()
	dir := t.TempDir()
	eb := ebuildFile(t, dir,
		"CATEGORY='app-arch' PN='lz4' PV='1.10.0' PR='r0' PVR='1.10.0' PF='lz4-1.10.0' P='lz4-1.10.0' SLOT='0' EAPI='8'",
		"IUSE_EFFECTIVE='abi_x86_32 abi_x86_64 static-libs' USE='abi_x86_64' RESTRICT='test' INHERITED='multilib-minimal toolchain-funcs'",
		"BUCKOS_BUILD_SYSTEM='ebuild'",
		"inherit multilib-minimal toolchain-funcs",
		`src_prepare() { default; multilib_copy_sources; }`,
		`multilib_src_compile() { emake CC="$(tc-getCC)" AR="$(tc-getAR)" -C lib liblz4.a liblz4; emake CC="$(tc-getCC)" -C programs lz4; }`,
		`multilib_src_install() { emake DESTDIR="${D}" PREFIX="${EPREFIX}/usr" LIBDIR="${EPREFIX}/usr/$(get_libdir)" BUILD_STATIC=no -C lib install; dobin programs/lz4; }`,
	)
	args := []string{"--image", filepath.Join(dir, "image"), "--logs", filepath.Join(dir, "logs"), "--ebuild", eb,
		"--distfile", filepath.Join(dist, "lz4-1.10.0.tar.gz")}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".eclass") {
			args = append(args, "--eclass", filepath.Join(eclassDir, e.Name()))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := runner(t, ctx, dir, nil, args...)
	if err != nil {
		t.Fatalf("phase runner failed: %v\n%s", err, out)
	}
	for _, want := range []string{"usr/bin/lz4", "usr/lib64/liblz4.so.1.10.0", "usr/include/lz4.h"} {
		if _, err := os.Stat(filepath.Join(dir, "image", want)); err != nil {
			t.Errorf("image lacks %s: %v", want, err)
		}
	}
	// multilib-minimal built in a per-ABI copy of the sources.
	log, err := os.ReadFile(filepath.Join(dir, "logs", "src_compile.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "lz4-1.10.0-abi_x86_64.amd64") {
		t.Errorf("src_compile did not run in the amd64 multilib build directory:\n%s", log)
	}
}

// TestDownloadSignature signs a distfile with a key generated here and checks that
// download.sh accepts the good signature, rejects a signature by another key, and
// rejects an HTML page served as the signature.
func TestDownloadSignature(t *testing.T) {
	if _, err := exec.LookPath("gpg"); err != nil {
		t.Skip("gpg is not installed")
	}
	dir := t.TempDir()
	home := filepath.Join(dir, "gnupg")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	gpg := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("gpg", append([]string{"--batch", "--homedir", home, "--pinentry-mode", "loopback", "--passphrase", ""}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("gpg %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	gpg("--quick-gen-key", "BuckOS Test <test@buckos.invalid>", "ed25519", "sign", "never")
	gpg("--quick-gen-key", "Other Key <other@buckos.invalid>", "ed25519", "sign", "never")
	fprOf := func(uid string) string {
		for _, line := range strings.Split(gpg("--with-colons", "--list-keys", uid), "\n") {
			if strings.HasPrefix(line, "fpr:") {
				return strings.Split(line, ":")[9]
			}
		}
		t.Fatalf("no fingerprint for %s", uid)
		return ""
	}
	good, other := fprOf("test@buckos.invalid"), fprOf("other@buckos.invalid")

	distdir := filepath.Join(dir, "distfiles")
	const name = "hello-1.0.tar"
	writeFiles(t, distdir, map[string]string{name: "hello, signed world\n"})
	sum := sha512.Sum512([]byte("hello, signed world\n"))
	sha := hex.EncodeToString(sum[:])
	keyring := filepath.Join(dir, "good.asc")
	if err := os.WriteFile(keyring, []byte(gpg("--armor", "--export", good)), 0o644); err != nil {
		t.Fatal(err)
	}

	sign := func(signer, sigName string) {
		t.Helper()
		gpg("--yes", "--local-user", signer, "--armor", "--detach-sign", "--output", filepath.Join(distdir, sigName), filepath.Join(distdir, name))
	}
	sign(good, name+".asc")
	sign(other, name+".other.asc")
	writeFiles(t, distdir, map[string]string{name + ".html.asc": "<!DOCTYPE html><html>404 Not Found</html>\n"})

	tests := []struct {
		name    string
		sig     string
		wantOK  bool
		wantErr string
	}{
		{"good signature", name + ".asc", true, ""},
		{"signature by another key", name + ".other.asc", false, "✗ Signature verification FAILED"},
		{"html page instead of a signature", name + ".html.asc", false, "no signature found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), name)
			_, stderr, err := run(t, context.Background(), dir, []string{"BUCKOS_VERIFY_SIGNATURES="}, script(t, "download.sh"),
				"--out", out, "--name", name, "--distdir", distdir, "--sha512", sha,
				"--signature-uri", "https://example.invalid/"+tc.sig, "--gpg-key", good, "--keyring", keyring)
			if tc.wantOK {
				if err != nil {
					t.Fatalf("download.sh failed: %v\n%s", err, stderr)
				}
				if !strings.Contains(stderr, "Signature of "+name+" verified") {
					t.Errorf("no verification message:\n%s", stderr)
				}
				return
			}
			if err == nil {
				t.Fatalf("download.sh accepted %s:\n%s", tc.sig, stderr)
			}
			if !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantErr, stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a rejected download left %s behind", out)
			}
		})
	}
}

// TestPhaseRunnerBuildSystems builds the examples//hello sources with each build
// system's default phases, as the rules of defs/rules/ configure them. A build system
// whose host tool is missing is skipped, naming the tool.
func TestPhaseRunnerBuildSystems(t *testing.T) {
	tests := []struct {
		bs, dir string
		tools   []string
		probe   []string // a host command that must succeed, else the case is skipped
		lines   []string
		bin     string // installed program to run
		want    string // its output
		file    string // or an installed file that must exist
	}{
		{bs: "autotools", dir: "hello-c-1.0", tools: []string{"cc", "make"}, lines: []string{"BUCKOS_CONFIGURE_ARGS=('--enable-greeting')"}, bin: "usr/bin/hello", want: "hello from configure_make_package\n"},
		{bs: "cmake", dir: "hello-cmake-1.0", tools: []string{"cmake", "cc"}, lines: []string{"BUCKOS_CMAKE_ARGS=('-DGREETING=ON')"}, bin: "usr/bin/hello", want: "hello from cmake_package\n"},
		{bs: "meson", dir: "hello-meson-1.0", tools: []string{"meson", "ninja", "cc"}, lines: []string{"BUCKOS_MESON_ARGS=('-Dgreeting=enabled')"}, bin: "usr/bin/hello", want: "hello from meson_package\n"},
		{bs: "go", dir: "hello-go-1.0", tools: []string{"go"}, lines: []string{"BUCKOS_GO_PACKAGES=('.')"}, bin: "usr/bin/hello", want: "hello from go_package\n"},
		{bs: "cargo", dir: "hello-rust-1.0", tools: []string{"cargo"}, lines: []string{"BUCKOS_BINS=('hello')"}, bin: "usr/bin/hello", want: "hello from cargo_package\n"},
		{bs: "perl", dir: "hello-perl-1.0", tools: []string{"perl", "make"}, file: "Hello.pm"},
		{bs: "python", dir: "hello-py-1.0", tools: []string{"python3"}, probe: []string{"python3", "-c", "import setuptools, wheel"}, file: "__init__.py"},
	}
	for _, tc := range tests {
		t.Run(tc.bs, func(t *testing.T) {
			for _, tool := range tc.tools {
				if _, err := exec.LookPath(tool); err != nil {
					t.Skipf("the host has no %s (needed for the %s build system)", tool, tc.bs)
				}
			}
			if len(tc.probe) > 0 {
				if out, err := exec.Command(tc.probe[0], tc.probe[1:]...).CombinedOutput(); err != nil {
					t.Skipf("the host cannot build %s packages offline (%v failed: %s)", tc.bs, tc.probe, bytes.TrimSpace(out))
				}
			}
			t.Parallel()
			src, err := filepath.Abs(filepath.Join("..", "packages", "linux", "examples", "hello", tc.dir))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			pn := strings.TrimSuffix(tc.dir, "-1.0")
			eb := ebuildFile(t, dir, append([]string{
				fmt.Sprintf("CATEGORY='app-misc' PN='%s' PV='1.0' PR='r0' PVR='1.0' PF='%s-1.0' P='%s-1.0' SLOT='0' EAPI='8'", pn, pn, pn),
				"IUSE_EFFECTIVE='' USE='' RESTRICT=''",
				"BUCKOS_BUILD_SYSTEM='" + tc.bs + "'",
			}, tc.lines...)...)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			img := filepath.Join(dir, "image")
			out, err := runner(t, ctx, dir, nil, "--image", img, "--logs", filepath.Join(dir, "logs"), "--ebuild", eb, "--distfile", src)
			if err != nil {
				t.Fatalf("phase runner failed: %v\n%s", err, out)
			}
			if tc.file != "" {
				found := false
				filepath.WalkDir(img, func(p string, d os.DirEntry, err error) error {
					if err == nil && d.Name() == tc.file {
						found = true
					}
					return nil
				})
				if !found {
					t.Errorf("the image has no %s", tc.file)
				}
				return
			}
			got, err := exec.Command(filepath.Join(img, tc.bin)).CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", tc.bin, err, got)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("%s output (-want +got):\n%s", tc.bin, diff)
			}
		})
	}
}

// TestPhaseRunnerSysroot stages two dependency images (a library and the library it
// needs, as a DEPEND entry and its RDEPEND closure would project them) and builds a
// program against them through pkg-config, CPPFLAGS and LDFLAGS.
func TestPhaseRunnerSysroot(t *testing.T) {
	for _, tool := range []string{"cc", "ar", "pkg-config"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the host has no %s", tool)
		}
	}
	dir := t.TempDir()
	// bar: a static library; foo: a static library using bar, with a .pc file.
	barImg := filepath.Join(dir, "bar-image")
	fooImg := filepath.Join(dir, "foo-image")
	writeFiles(t, dir, map[string]string{
		"bar-src/bar.c":                        "int bar(void) { return 40; }\n",
		"bar-image/usr/include/bar.h":          "int bar(void);\n",
		"foo-src/foo.c":                        "#include <bar.h>\nint foo(void) { return bar() + 2; }\n",
		"foo-image/usr/include/foo.h":          "#include <bar.h>\nint foo(void);\n",
		"foo-image/usr/lib64/pkgconfig/foo.pc": "prefix=/usr\nlibdir=${prefix}/lib64\nincludedir=${prefix}/include\n\nName: foo\nDescription: test\nVersion: 1.0\nLibs: -L${libdir} -lfoo -lbar\nCflags: -I${includedir}\n",
		"app/app-1/main.c":                     "#include <stdio.h>\n#include <foo.h>\nint main(void) { printf(\"%d\\n\", foo()); return 0; }\n",
	})
	for _, c := range [][]string{
		{"cc", "-c", "-I" + filepath.Join(barImg, "usr/include"), "-o", filepath.Join(dir, "bar.o"), filepath.Join(dir, "bar-src/bar.c")},
		{"cc", "-c", "-I" + filepath.Join(barImg, "usr/include"), "-o", filepath.Join(dir, "foo.o"), filepath.Join(dir, "foo-src/foo.c")},
		{"mkdir", "-p", filepath.Join(barImg, "usr/lib64"), filepath.Join(fooImg, "usr/lib64")},
		{"ar", "rcs", filepath.Join(barImg, "usr/lib64/libbar.a"), filepath.Join(dir, "bar.o")},
		{"ar", "rcs", filepath.Join(fooImg, "usr/lib64/libfoo.a"), filepath.Join(dir, "foo.o")},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", c, err, out)
		}
	}
	eb := ebuildFile(t, dir,
		"CATEGORY='app-misc' PN='app' PV='1' PR='r0' PVR='1' PF='app-1' P='app-1' SLOT='0' EAPI='8'",
		"IUSE_EFFECTIVE='' USE='' RESTRICT='' BUCKOS_BUILD_SYSTEM='ebuild'",
		`src_compile() { $(tc-getCC) ${CPPFLAGS} ${CFLAGS} -o app main.c ${LDFLAGS} $(pkg-config --cflags --libs foo) || die "link failed"; }`,
		`src_install() { dobin app; }`,
	)
	img := filepath.Join(dir, "image")
	out, err := runner(t, context.Background(), dir, nil, "--image", img, "--ebuild", eb,
		"--distfile", filepath.Join(dir, "app", "app-1"),
		"--sysroot", "dev-libs/foo-1.0", fooImg, "--sysroot", "dev-libs/bar-1.0", barImg)
	if err != nil {
		t.Fatalf("phase runner failed: %v\n%s", err, out)
	}
	got, err := exec.Command(filepath.Join(img, "usr", "bin", "app")).CombinedOutput()
	if err != nil {
		t.Fatalf("app: %v\n%s", err, got)
	}
	if diff := cmp.Diff("42\n", string(got)); diff != "" {
		t.Errorf("app output (-want +got):\n%s", diff)
	}
	// The sysroot is staged, not installed: the image holds only the package's files.
	if _, err := os.Stat(filepath.Join(img, "usr", "include", "foo.h")); err == nil {
		t.Errorf("a dependency's header leaked into the image")
	}
}

func TestPhaseRunnerBlockers(t *testing.T) {
	dir := t.TempDir()
	dep := filepath.Join(dir, "dep-image")
	writeFiles(t, dir, map[string]string{"dep-image/usr/share/dep": "x\n"})
	eb := ebuildFile(t, dir,
		"CATEGORY='app-misc' PN='b' PV='1' PR='r0' PVR='1' PF='b-1' P='b-1' SLOT='0' EAPI='8'",
		"IUSE_EFFECTIVE='' USE='' RESTRICT='' BUCKOS_BUILD_SYSTEM='ebuild'", `src_unpack() { mkdir -p "${S}"; }`)
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"blocked package in the sysroot", []string{"--sysroot", "app-arch/lz4-1.10.0-r1", dep, "--blocker", "app-arch/lz4"}, "app-arch/lz4 is blocked by this package but app-arch/lz4-1.10.0-r1 is in its dependency closure"},
		{"blocked by name pattern among tools", []string{"--tool", "app-arch/lz4-1.10.0", dep, "--blocker", "*/lz4"}, "is in its BDEPEND closure"},
		{"a different package is fine", []string{"--sysroot", "app-arch/lz4-1.10.0", dep, "--blocker", "app-arch/lz4-compat"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runner(t, context.Background(), dir, nil, append([]string{"--image", filepath.Join(t.TempDir(), "image"), "--ebuild", eb}, tc.args...)...)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("phase runner failed: %v\n%s", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(out, tc.wantErr) {
				t.Fatalf("err = %v, want failure with %q:\n%s", err, tc.wantErr, out)
			}
		})
	}
}

func TestAssembleRootfs(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a/usr/bin/a":         "a\n",
		"a/etc/shared.conf":   "from a\n",
		"a/.buckos-fowners":   "root:root /usr/bin/a\n",
		"b/usr/lib64/libb.so": "b\n",
		"b/etc/shared.conf":   "from b\n",
	})
	root := filepath.Join(dir, "root")
	_, stderr, err := run(t, context.Background(), dir, nil, script(t, "assemble_rootfs.sh"),
		"--out", root, "--image", "app-misc/a-1", filepath.Join(dir, "a"), "--image", "app-misc/b-2", filepath.Join(dir, "b"))
	if err != nil {
		t.Fatalf("assemble_rootfs.sh: %v\n%s", err, stderr)
	}
	var files []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != root {
			rel, _ := filepath.Rel(root, p)
			if !d.IsDir() || strings.HasPrefix(rel, "var/db/pkg/app-misc/") {
				files = append(files, rel)
			}
		}
		return nil
	})
	sort.Strings(files)
	want := []string{"etc/shared.conf", "usr/bin/a", "usr/lib64/libb.so", "var/db/pkg/app-misc/a-1", "var/db/pkg/app-misc/b-2"}
	if diff := cmp.Diff(want, files); diff != "" {
		t.Errorf("rootfs files (-want +got):\n%s", diff)
	}
	conf, _ := os.ReadFile(filepath.Join(root, "etc", "shared.conf"))
	if diff := cmp.Diff("from b\n", string(conf)); diff != "" {
		t.Errorf("later image wins (-want +got):\n%s", diff)
	}
}

func TestPhaseRunnerUserPatchesAndBootstrap(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"src/up-1/greeting.txt": "hello\n",
		"user.patch":            "--- a/greeting.txt\n+++ b/greeting.txt\n@@ -1 +1 @@\n-hello\n+hello from a user patch\n",
	})
	eb := ebuildFile(t, dir,
		"CATEGORY='app-misc' PN='up' PV='1' PR='r0' PVR='1' PF='up-1' P='up-1' SLOT='0' EAPI='8'",
		"IUSE_EFFECTIVE='' USE='' RESTRICT='' BUCKOS_BUILD_SYSTEM='ebuild'",
		`src_install() { insinto /usr/share/up; doins greeting.txt; }`)
	img := filepath.Join(dir, "image")
	out, err := runner(t, context.Background(), dir, nil, "--image", img, "--ebuild", eb,
		"--distfile", filepath.Join(dir, "src", "up-1"), "--user-patch", filepath.Join(dir, "user.patch"))
	if err != nil {
		t.Fatalf("phase runner failed: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(img, "usr", "share", "up", "greeting.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("hello from a user patch\n", string(got)); diff != "" {
		t.Errorf("eapply_user (-want +got):\n%s", diff)
	}

	// The bootstrap toolchain with no stage packages fails loudly instead of using host tools.
	out, err = runner(t, context.Background(), dir, nil, "--image", filepath.Join(dir, "image2"), "--ebuild", eb,
		"--distfile", filepath.Join(dir, "src", "up-1"), "--toolchain-mode", "bootstrap")
	if err == nil || !strings.Contains(out, "The bootstrap toolchain is empty") || !strings.Contains(out, "linux-target-host") {
		t.Fatalf("bootstrap mode without a toolchain: err=%v\n%s", err, out)
	}
}

func TestPhaseRunnerUnbuildable(t *testing.T) {
	dir := t.TempDir()
	out, err := runner(t, context.Background(), dir, nil, "--unbuildable", "app-misc/x-1",
		"--output", filepath.Join(dir, "image"), "--output", filepath.Join(dir, "logs"),
		"--problem", "app-misc/x-1: REQUIRED_USE is not satisfied with USE=\"a b\".\n  exactly-one-of ( a b )",
		"--problem", "app-misc/x-1: rdepend: unresolved dependency dev-libs/icu: package is not in any repository in play")
	if err == nil {
		t.Fatalf("an unbuildable package built:\n%s", out)
	}
	for _, w := range []string{"✗ app-misc/x-1 cannot be built", "  app-misc/x-1: REQUIRED_USE is not satisfied", "    exactly-one-of ( a b )", "unresolved dependency dev-libs/icu", "Nothing was built"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "image")); err == nil {
		t.Errorf("the unbuildable action created an image")
	}
}
